import Foundation
import HuzhuKit
import HuzhuStore
import HuzhuTesting
import PostgresNIO
import Testing

@Suite struct MigratorTests {
    let logger = TestLog.logger

    func migration(_ module: String, _ version: Int, _ name: String, _ sql: String) -> Migration {
        Migration(module: module, source: MigrationSource(version: version, name: name, sql: sql))
    }

    func tables(_ client: PostgresClient) async throws -> Set<String> {
        var names = Set<String>()
        let rows = try await client.query("SELECT tablename FROM pg_tables WHERE schemaname = 'public'", logger: logger)
        for try await name in rows.decode(String.self) { names.insert(name) }
        return names
    }

    func recorded(_ client: PostgresClient) async throws -> [String] {
        var labels: [String] = []
        let rows = try await client.query("SELECT module || '/' || version FROM huzhu_migration ORDER BY applied_at, module, version", logger: logger)
        for try await label in rows.decode(String.self) { labels.append(label) }
        return labels
    }

    @Test func appliesInModuleThenVersionOrderAndOnlyOnce() async throws {
        try await withTestDatabase { client, _ in
            // Listed out of order on purpose; plug/1 needs base/2's table.
            let migrations = [
                migration("plug", 1, "uses", "CREATE TABLE plug_x (id int REFERENCES m_b (id))"),
                migration("base", 2, "b", "CREATE TABLE m_b (id int PRIMARY KEY REFERENCES m_a (id))"),
                migration("base", 1, "a", "CREATE TABLE m_a (id int PRIMARY KEY); INSERT INTO m_a VALUES (1), (2)"),
            ]
            let migrator = Migrator(client: client, logger: logger)
            let applied = try await migrator.migrate(migrations, moduleOrder: ["base", "plug"])
            #expect(applied.map(\.label) == ["base/0001_a", "base/0002_b", "plug/0001_uses"])
            #expect(try await tables(client).isSuperset(of: ["m_a", "m_b", "plug_x"]))
            let again = try await migrator.migrate(migrations, moduleOrder: ["base", "plug"])
            #expect(again.isEmpty)
            let labels = try await recorded(client)
            #expect(labels.filter { ["base/1", "base/2", "plug/1"].contains($0) }.count == 3)
            let status = try await migrator.status(migrations).filter { $0.module == "base" || $0.module == "plug" }
            #expect(status.count == 3 && status.allSatisfy { $0.state == .applied })
        }
    }

    @Test func anEditedAppliedMigrationIsRefusedBeforeAnythingRuns() async throws {
        try await withTestDatabase { client, _ in
            let migrator = Migrator(client: client, logger: logger)
            try await migrator.migrate([migration("x", 1, "a", "CREATE TABLE x_a (id int)")], moduleOrder: ["x"])
            let edited = [migration("x", 1, "a", "CREATE TABLE x_a (id bigint)"), migration("x", 2, "b", "CREATE TABLE x_b (id int)")]
            let error = await #expect(throws: HuzhuError.self) {
                try await migrator.migrate(edited, moduleOrder: ["x"])
            }
            #expect(error?.code == .conflict)
            #expect(error?.message.en.contains("x/0001_a was changed after it was applied") == true)
            let tablesAfter = try await tables(client)
            #expect(!tablesAfter.contains("x_b"), "nothing may run once a checksum differs")
            let states = try await migrator.status(edited).filter { $0.module == "x" }.map(\.state)
            #expect(states == [.changed, .pending])
        }
    }

    @Test func aFailingMigrationLeavesNothingBehind() async throws {
        try await withTestDatabase { client, _ in
            let migrator = Migrator(client: client, logger: logger)
            let broken = migration("y", 1, "broken", "CREATE TABLE y_ok (id int); CREATE TABLE y_bad (id no_such_type)")
            let error = await #expect(throws: HuzhuError.self) {
                try await migrator.migrate([broken], moduleOrder: ["y"])
            }
            #expect(error?.message.en.contains("y/0001_broken failed at statement 2") == true)
            #expect(error?.message.en.contains("no_such_type") == true)
            let tablesAfter = try await tables(client)
            #expect(!tablesAfter.contains("y_ok"), "the first statement must be rolled back with the second")
            let states = try await migrator.status([broken]).filter { $0.module == "y" }.map(\.state)
            #expect(states == [.pending])
        }
    }

    @Test func aMigrationUnknownToThisBuildIsRefused() async throws {
        try await withTestDatabase { client, _ in
            let migrator = Migrator(client: client, logger: logger)
            try await migrator.migrate([migration("z", 1, "a", "SELECT 1"), migration("z", 2, "b", "SELECT 2")], moduleOrder: ["z"])
            let error = await #expect(throws: HuzhuError.self) {
                try await migrator.migrate([migration("z", 1, "a", "SELECT 1")], moduleOrder: ["z"])
            }
            #expect(error?.message.en.contains("newer huzhud") == true)
        }
    }

    @Test func duplicateNumbersAreRefused() async throws {
        try await withTestDatabase { client, _ in
            let error = await #expect(throws: HuzhuError.self) {
                try await Migrator(client: client, logger: logger).migrate(
                    [migration("d", 1, "a", "SELECT 1"), migration("d", 1, "b", "SELECT 2")], moduleOrder: ["d"])
            }
            #expect(error?.message.en.contains("share the number 1") == true)
        }
    }

    @Test func concurrentDaemonsMigrateOnceUnderTheAdvisoryLock() async throws {
        try await withTestDatabase { _, database in
            let migrations = (1...5).map { migration("c", $0, "step\($0)", "CREATE TABLE c_\($0) (id int); SELECT pg_sleep(0.05)") }
            // Four daemons starting together, each with its own pool.
            let applied = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        try await database.withClient { client in
                            try await Migrator(client: client, logger: TestLog.logger).migrate(migrations, moduleOrder: ["c"]).count
                        }
                    }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(applied.sorted() == [0, 0, 0, 5], "exactly one daemon applies the five migrations")
            try await database.withClient { client in
                let rows = try await client.query("SELECT count(*) FROM huzhu_migration WHERE module = 'c'", logger: TestLog.logger)
                for try await count in rows.decode(Int.self) { #expect(count == 5) }
            }
        }
    }
}
