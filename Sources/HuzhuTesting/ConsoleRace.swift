import Foundation
import HuzhuKit

/// What many clients racing over the console were answered.
public struct RaceOutcome: Sendable {
    /// Each client's last answer, in client order.
    public let answers: [ConsoleAnswer]
    /// How many times a client was answered UNAVAILABLE (no pooled connection within the hub's bound:
    /// nothing was written) and sent its line again, as a clerk or a gateway would.
    public let retries: Int
    /// Wall-clock time from the first line sent to the last answer.
    public let duration: Duration

    /// Indexes of the clients whose last answer was a success.
    public var winners: [Int] { answers.indices.filter { answers[$0].ok } }
    /// Indexes of the clients whose last answer was an error.
    public var losers: [Int] { answers.indices.filter { !answers[$0].ok } }

    public var milliseconds: Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1_000 + attoseconds / 1_000_000_000_000_000
    }

    /// One line for the test log: how the race went.
    public var summary: String {
        "\(answers.count) clients: \(winners.count) ok, \(losers.count) refused "
            + "(\(Dictionary(grouping: losers, by: { answers[$0].code ?? "?" }).mapValues(\.count).sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))), "
            + "\(retries) UNAVAILABLE retried, \(milliseconds) ms"
    }
}

extension TestDaemon {
    /// `count` logged-in JSON console sessions, each its own TCP connection. They log in `batch` at a time
    /// so the console's limit on connections waiting to log in (32 by default) is never what fails.
    public func consoles(_ count: Int, user: String = "admin", password: String? = nil, batch: Int = 16) async throws -> [ConsoleClient] {
        var sessions: [ConsoleClient] = []
        sessions.reserveCapacity(count)
        while sessions.count < count {
            let size = min(batch, count - sessions.count)
            let opened = try await withThrowingTaskGroup(of: ConsoleClient.self) { group in
                for _ in 0..<size { group.addTask { try await self.console(user: user, password: password) } }
                return try await group.reduce(into: [ConsoleClient]()) { $0.append($1) }
            }
            sessions += opened
        }
        return sessions
    }
}

/// Sends `lines[i]` on `sessions[i]`, every client in its own task of one task group so they all fire
/// at once, and waits for every answer. A client answered UNAVAILABLE sends its line again (at most
/// `maxRetries` times in all); the retries are counted, and whatever else a client is answered is kept.
public func race(_ sessions: [ConsoleClient], _ lines: [String], maxRetries: Int = 50) async throws -> RaceOutcome {
    precondition(sessions.count == lines.count, "one line per session")
    let clock = ContinuousClock()
    let start = clock.now
    let results = try await withThrowingTaskGroup(of: (Int, ConsoleAnswer, Int).self) { group in
        for (index, (session, line)) in zip(sessions, lines).enumerated() {
            group.addTask {
                var answer = try await session.json(line)
                var retries = 0
                while answer.code == "UNAVAILABLE", retries < maxRetries {
                    retries += 1
                    answer = try await session.json(line)
                }
                return (index, answer, retries)
            }
        }
        return try await group.reduce(into: [(Int, ConsoleAnswer, Int)]()) { $0.append($1) }
    }
    let duration = clock.now - start
    let ordered = results.sorted { $0.0 < $1.0 }
    return RaceOutcome(answers: ordered.map(\.1), retries: ordered.reduce(0) { $0 + $1.2 }, duration: duration)
}
