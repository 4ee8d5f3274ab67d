// The cultural association's benchmark: registration throughput under contention (many clients, one
// event; and spread across many events), and the 活动 listing with 10,000 events in the store, measured
// through the plugin's SMS handler (the store query) and end to end through `SMS IN` over TCP.
//
//   cd Benchmarks && swift build -c release --product culture-bench && .build/release/culture-bench
//
// Starts a TestDaemon (its own PostgreSQL cluster) with the culture plugin; prints a markdown table.

import Foundation
import HuzhuCulture
import HuzhuKit
import HuzhuTesting

let villages = 100
let membersPerVillage = 40          // 4,000 members: one registration or one SMS each
let events = 10_000
let clients = 32                    // concurrent console sessions

struct Row {
    var name: String
    var samples: [Double]           // milliseconds
    var seconds: Double

    var line: String {
        let sorted = samples.sorted()
        func p(_ q: Double) -> Double { sorted[min(sorted.count - 1, Int(Double(sorted.count) * q))] }
        let rate = Double(samples.count) / seconds
        return "| \(name) | \(samples.count) | \(String(format: "%.0f", rate)) | \(String(format: "%.2f", p(0.5))) | \(String(format: "%.2f", p(0.99))) |"
    }
}

func milliseconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) * 1e-15
}

/// Runs `lines` over `clients` sessions (each session sends its share one at a time) and times each.
func timed(_ daemon: TestDaemon, _ name: String, _ lines: [String], as user: String = "admin") async throws -> Row {
    var sessions: [ConsoleClient] = []
    for index in 0..<clients {
        sessions.append(user == "admin" ? try await daemon.console() : try await daemon.console(as: "\(user)\(index)", roles: [.gateway]))
    }
    let clock = ContinuousClock()
    let start = clock.now
    let samples = try await withThrowingTaskGroup(of: [Double].self) { group in
        for (index, session) in sessions.enumerated() {
            let mine = stride(from: index, to: lines.count, by: clients).map { lines[$0] }
            group.addTask {
                var times: [Double] = []
                for line in mine {
                    let begin = clock.now
                    let answer = try await session.json(line)
                    guard answer.ok else { fatalError("\(line): \(answer.raw)") }
                    times.append(milliseconds(begin.duration(to: clock.now)))
                }
                return times
            }
        }
        return try await group.reduce(into: []) { $0 += $1 }
    }
    let seconds = milliseconds(start.duration(to: clock.now)) / 1000
    for session in sessions { await session.close() }
    return Row(name: name, samples: samples, seconds: seconds)
}

let prepare: @Sendable (PostgresClient) async throws -> Void = { client in
    let logger = TestLog.logger
    try await client.query("INSERT INTO township (name, kind) VALUES ('古夫镇', 'town')", logger: logger)
    try await client.query("INSERT INTO village (township_id, name) SELECT 1, '村' || g FROM generate_series(1, \(villages)) g", logger: logger)
    try await client.query(
        """
        INSERT INTO member (id, village_id, name, phone)
        SELECT g, (g - 1) % \(villages) + 1, '村民' || g, '+86138' || lpad(g::text, 8, '0') FROM generate_series(1, \(villages * membersPerVillage)) g
        """, logger: logger)
    try await client.query("SELECT setval(pg_get_serial_sequence('member', 'id'), \(villages * membersPerVillage))", logger: logger)
}

let table = try await Task.detached {
    try await withTestDaemon(plugins: [CulturePlugin.self], prepare: prepare) { daemon in
        // 10,000 published events over the next 120 days, each open to its own village (a tenth to all).
        try await daemon.database.withClient { client in
            try await client.query(
                """
                INSERT INTO culture_event (kind, title, village_id, starts_at, ends_at, capacity, open_to, status)
                SELECT 'film', '电影放映' || g, (g - 1) % \(villages) + 1,
                       now() + (g * interval '17 minutes') + interval '1 day', now() + (g * interval '17 minutes') + interval '1 day 2 hours',
                       CASE WHEN g <= 1 THEN 1000 ELSE 20 END,
                       CASE WHEN g % 10 = 0 THEN '{}'::integer[] ELSE ARRAY[(g - 1) % \(villages) + 1] END, 'published'
                FROM generate_series(1, \(events)) g
                """, logger: TestLog.logger)
            try await client.query("ANALYZE culture_event", logger: TestLog.logger)
        }
        var rows: [Row] = []
        let members = villages * membersPerVillage

        // One event (id 1, open to village 1 only): 1,000 seats, 2,000 registrations → 1,000 wait.
        // Members of village 1 are ids 1, 101, 201, …: open it to all for the contention run.
        try await daemon.database.withClient { client in
            try await client.query("UPDATE culture_event SET open_to = '{}' WHERE id = 1", logger: TestLog.logger)
        }
        rows.append(try await timed(daemon, "registration, \(clients) clients, one event (1,000 seats then waitlist)",
                                    (1...2000).map { "CULTURE REGISTRATION ADD 1 member=\($0)" }))
        // Across many events: members 2,001… register for the events open to all (every tenth).
        rows.append(try await timed(daemon, "registration, \(clients) clients, across 1,000 events",
                                    (0..<2000).map { "CULTURE REGISTRATION ADD \(($0 % 1000 + 1) * 10) member=\(2001 + $0)" }))

        // 活动: the handler (one store query) for members of every village, 5,000 times.
        let intent = daemon.hub.plugins.intents.first { $0.name == "culture.list" }!
        var handler: [Double] = []
        let clock = ContinuousClock()
        let handlerStart = clock.now
        for index in 0..<5000 {
            let member = Int64(index % members + 1)
            let begin = clock.now
            let reply = try await intent.handle(SMSRequest(intent: intent.name, slots: [:], phone: try PhoneNumber(parsing: "+86138" + String(format: "%08d", member)),
                                                           memberID: member, receivedAt: Date(), language: .zh))
            handler.append(milliseconds(begin.duration(to: clock.now)))
            precondition(reply.zh.hasPrefix("活动："), reply.zh)
        }
        rows.append(Row(name: "活动 listing, plugin handler (10,000 events)", samples: handler, seconds: milliseconds(handlerStart.duration(to: clock.now)) / 1000))
        // 活动 end to end: SMS IN over TCP (stores the message and the reply), one message per phone.
        rows.append(try await timed(daemon, "活动 via SMS IN over TCP, \(clients) gateway sessions",
                                    (1...members).map { #"SMS IN +86138\#(String(format: "%08d", $0)) "活动""# }, as: "gw"))
        return rows
    }
}.value

var loads = [Double](repeating: 0, count: 3)
_ = getloadavg(&loads, 3)
print("| operation | samples | per second | p50 ms | p99 ms |")
print("| --- | ---: | ---: | ---: | ---: |")
for row in table { print(row.line) }
print("\nload average at the end: \(loads.map { String(format: "%.2f", $0) }.joined(separator: " "))")
