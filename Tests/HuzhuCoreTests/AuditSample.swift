import Foundation

/// One invocation of the audit walk (`AuditTrailTests`): a valid command line that must succeed, whether
/// it may write, and what its audit rows must say.
///
/// Lines may hold `{name}` placeholders, filled from values saved from earlier answers (`save`: name →
/// path into the answer's `data`, e.g. `"id"`, `"offer.id"`, `"0.id"`) or from `AuditWalk`'s dates.
struct AuditSample: Sendable {
    enum Kind: Sendable {
        /// Must write nothing (apart from the hub's global bookkeeping, see `AuditExemption`).
        case read
        /// Must write beyond what `AuditExemption` covers, and every transaction that wrote must have audit
        /// rows naming the actor.
        case write
        /// Must write, but only what `AuditExemption` covers for the command (the gateway's outbox
        /// bookkeeping, an inbound SMS that changes nothing else).
        case bookkeeping
        /// Runs on a new connection before login, in text mode (`AUTH`, `QUIT`); must write nothing.
        case session
    }

    var line: String
    var kind: Kind
    /// The placeholder of the member every audit row must name as `on_behalf_of` (nil: none may).
    var member: String?
    /// The actor expected when it is not the account running the line (`SMS IN`: the farmer's phone).
    var actor: String?
    var save: [String: String]
    /// A bug this sample shows and that is not fixed yet, with where it lives: its problems are recorded
    /// as a known issue, and the test fails once they stop (so the mark is dropped with the fix).
    var knownIssue: String? = nil

    static func read(_ line: String, save: [String: String] = [:]) -> AuditSample {
        AuditSample(line: line, kind: .read, member: nil, actor: nil, save: save)
    }

    static func write(_ line: String, member: String? = nil, actor: String? = nil, save: [String: String] = [:], knownIssue: String? = nil) -> AuditSample {
        AuditSample(line: line, kind: .write, member: member, actor: actor, save: save, knownIssue: knownIssue)
    }

    static func bookkeeping(_ line: String, save: [String: String] = [:]) -> AuditSample {
        AuditSample(line: line, kind: .bookkeeping, member: nil, actor: nil, save: save)
    }

    static func session(_ line: String) -> AuditSample {
        AuditSample(line: line, kind: .session, member: nil, actor: nil, save: [:])
    }

    /// The command's name: the longest prefix of the line's words that HELP lists.
    func command(among names: Set<String>) -> String? {
        let words = line.split(separator: " ").map { $0.uppercased() }
        for count in stride(from: min(words.count, 4), through: 1, by: -1) {
            let name = words.prefix(count).joined(separator: " ")
            if names.contains(name) { return name }
        }
        return nil
    }
}

/// A write that is deliberately not audited: its table and operations, the commands it may come from
/// (nil: at any time, it is the hub's own bookkeeping), and why.
struct AuditExemption: Sendable {
    var table: String
    var operations: Set<String>
    var commands: Set<String>?
    var reason: String

    func covers(_ write: WriteRecorder.Write, command: String?) -> Bool {
        table == write.table && operations.contains(write.operation) && (commands == nil || command.map { commands!.contains($0) } == true)
    }

    /// Keep in step with docs/console-protocol.md ("What is audited").
    static let all: [AuditExemption] = [
        AuditExemption(table: "bus_outbox", operations: ["UPDATE"], commands: nil,
                       reason: "dispatch marks: the hub notes an event handled by every subscriber, after the audited change that emitted it"),
        AuditExemption(table: "sms_outbox", operations: ["UPDATE"], commands: ["SMS PULL", "SMS ACK", "SMS FAIL", "SMS DLR"],
                       reason: "gateway delivery bookkeeping (leased, sent, failed, delivered); queueing the message was audited"),
        AuditExemption(table: "sms_inbound", operations: ["INSERT", "UPDATE"], commands: ["SMS IN"],
                       reason: "the inbound message is itself the record: sender, text, time, how it was read and the reply"),
    ]
}
