import Foundation
import HuzhuKit
import HuzhuTesting
import PostgresNIO

/// Villages and members written straight into the test database before the daemon starts (the template
/// already has the core's tables), so tests spend their time on the plugin.
enum CultureFixture {
    /// Township 1 with villages 1…`villages` (咸水村, 青草村, …), and `perVillage` members in each, with
    /// phones +8613800000001… in id order (member i has phone(i)).
    static func prepare(villages: Int = 2, perVillage: Int = 5) -> @Sendable (PostgresClient) async throws -> Void {
        { client in
            let names = ["咸水村", "青草村", "昭君村", "泗湘溪村", "高岚村", "黄粮村"]
            try await client.query("INSERT INTO township (name, kind) VALUES ('古夫镇', 'town')", logger: TestLog.logger)
            for index in 0..<villages {
                let name = index < names.count ? names[index] : "第\(index + 1)村"
                try await client.query("INSERT INTO village (township_id, name) VALUES (1, \(name))", logger: TestLog.logger)
            }
            try await client.query(
                """
                INSERT INTO member (id, village_id, name, phone)
                SELECT g, (g - 1) / \(perVillage) + 1, '村民' || g, '+86138' || lpad(g::text, 8, '0')
                FROM generate_series(1, \(villages * perVillage)) g
                """, logger: TestLog.logger)
            try await client.query("SELECT setval(pg_get_serial_sequence('member', 'id'), \(villages * perVillage))", logger: TestLog.logger)
        }
    }

    static func phone(_ member: Int) -> String { "+86138" + String(format: "%08d", member) }

    /// A start time `days` from now at 19:30 in Shanghai, as the console takes it.
    static func time(inDays days: Int, hour: Int = 19, minute: Int = 30) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Asia/Shanghai")!
        let day = calendar.date(byAdding: .day, value: days, to: Date())!
        let parts = calendar.dateComponents([.year, .month, .day], from: day)
        return String(format: "%04d-%02d-%02dT%02d:%02d", parts.year!, parts.month!, parts.day!, hour, minute)
    }

    static func day(inDays days: Int) -> String { String(time(inDays: days).prefix(10)) }

    /// One integer from the database.
    static func scalar(_ daemon: TestDaemon, _ sql: String) async throws -> Int {
        try await daemon.database.withClient { client in
            let rows = try await client.query(PostgresQuery(unsafeSQL: sql), logger: TestLog.logger)
            for try await value in rows.decode(Int.self) { return value }
            return 0
        }
    }

    /// A column of integers from the database.
    static func column(_ daemon: TestDaemon, _ sql: String) async throws -> [Int] {
        try await daemon.database.withClient { client in
            var values: [Int] = []
            for try await value in try await client.query(PostgresQuery(unsafeSQL: sql), logger: TestLog.logger).decode(Int.self) { values.append(value) }
            return values
        }
    }
}

extension ConsoleClient {
    /// Sends a line again while the hub answers UNAVAILABLE (no pooled connection within its wait, as
    /// happens when hundreds of sessions queue behind one event's lock on a busy machine): what a gateway
    /// or a clerk does. Anything else is returned as it is.
    func jsonRetrying(_ line: String, attempts: Int = 20) async throws -> ConsoleAnswer {
        var answer = try await json(line)
        var left = attempts
        while answer.code == "UNAVAILABLE", left > 0 {
            answer = try await json(line)
            left -= 1
        }
        return answer
    }
}

extension ConsoleAnswer {
    /// The data as an object.
    var object: [String: Any] { data as? [String: Any] ?? [:] }
    /// The data as a list of objects.
    var list: [[String: Any]] { data as? [[String: Any]] ?? [] }
}
