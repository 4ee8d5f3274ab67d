import Foundation
import HuzhuCore
import HuzhuKit
import HuzhuTesting
import PostgresNIO
import Synchronization
import Testing

/// Demo rows in a table of the plugin's own, with switches for the tests below: fail after writing, or
/// wait for the test in the middle of loading.
struct SeedPlugin: HuzhuPlugin {
    static let identity = PluginIdentity(id: "seed", version: "1.0", summary: "demo rows for the loader tests",
                                         migrations: [MigrationSource(version: 1, name: "seed", sql: "CREATE TABLE seed_row (n int NOT NULL)")])

    struct Switches {
        var fail = false
        /// Set: the loader tells `entered`, and its first run waits for `release` after writing.
        var entered: AsyncStream<Void>.Continuation?
        var release: AsyncStream<Void>?
        var runs = 0
        var committed = 0
    }

    static let switches = Mutex(Switches())

    func register(_ registrar: inout PluginRegistrar, context: PluginContext) throws {
        registrar.demo { tx in
            let (fail, release) = Self.switches.withLock { s in
                s.runs += 1
                s.entered?.yield()
                defer { s.release = nil }  // only the first run waits
                return (s.fail, s.release)
            }
            try await tx.execute("INSERT INTO seed_row (n) SELECT generate_series(1, 3)")
            if let release { for await _ in release { break } }
            if fail { throw HuzhuError(.internal, "the seed loader fails after writing") }
            return "3 rows"
        } committed: {
            Self.switches.withLock { $0.committed += 1 }
        }
    }
}

/// The demo loaders' once-per-store promise when loaders fail or hubs start together.
@Suite(.serialized) struct PluginDemoTests {
    /// A store with the demo county (one demo member is enough for the hub to run the loaders at start).
    static let demoCounty: @Sendable (PostgresClient) async throws -> Void = { client in
        try await client.query("INSERT INTO township (name, kind) VALUES ('古夫镇', 'town')", logger: TestLog.logger)
        try await client.query("INSERT INTO village (township_id, name) VALUES (1, '咸水村')", logger: TestLog.logger)
        try await client.query("INSERT INTO member (village_id, name, is_demo) VALUES (1, '演示', true)", logger: TestLog.logger)
    }

    static func count(_ daemon: TestDaemon, _ sql: String) async throws -> Int {
        try await daemon.database.withClient { client in
            try await client.query(PostgresQuery(unsafeSQL: sql), logger: TestLog.logger).decode(Int.self).firstElement() ?? -1
        }
    }

    @Test func aLoaderThatFailsAfterWritingLeavesNothingAndTheNextStartLoadsOnce() async throws {
        SeedPlugin.switches.withLock { $0 = SeedPlugin.Switches(fail: true) }
        try await withTestDaemon(plugins: [SeedPlugin.self], prepare: Self.demoCounty) { daemon async throws in
            #expect(SeedPlugin.switches.withLock { $0.runs } == 1, "the start ran the loader")
            #expect(try await Self.count(daemon, "SELECT count(*) FROM seed_row") == 0, "its rows went with the failure")
            #expect(try await Self.count(daemon, "SELECT count(*) FROM plugin_demo WHERE plugin = 'seed'") == 0)
            #expect(SeedPlugin.switches.withLock { $0.committed } == 0)

            SeedPlugin.switches.withLock { $0.fail = false }
            for _ in 0..<2 {  // the next start loads; the one after finds it done
                await daemon.hub.plugins.loadDemoData(daemon.hub.store.handle, logger: TestLog.logger)
            }
            #expect(SeedPlugin.switches.withLock { ($0.runs, $0.committed) } == (2, 1))
            #expect(try await Self.count(daemon, "SELECT count(*) FROM seed_row") == 3)
            #expect(try await Self.count(daemon, "SELECT count(*) FROM plugin_demo WHERE plugin = 'seed' AND summary = '3 rows'") == 1)
        }
    }

    @Test func twoHubsStartingTogetherLoadOnce() async throws {
        let (entered, enteredContinuation) = AsyncStream.makeStream(of: Void.self)
        let (release, releaseContinuation) = AsyncStream.makeStream(of: Void.self)
        SeedPlugin.switches.withLock { $0 = SeedPlugin.Switches(entered: enteredContinuation, release: release) }
        // No demo county at start: the test runs both loads itself.
        try await withTestDaemon(plugins: [SeedPlugin.self]) { daemon in
            let load: @Sendable () async -> Void = {
                await daemon.hub.plugins.loadDemoData(daemon.hub.store.handle, logger: TestLog.logger)
            }
            var signals = entered.makeAsyncIterator()
            let first = Task { await load() }
            _ = await signals.next()  // the first load is inside its transaction, in the loader
            let second = Task { await load() }
            // The second load must wait for the first to end rather than load too. A wait inside PostgreSQL
            // shows only in pg_stat_activity, so watch there, and stop early if it enters the loader instead.
            let deadline = ContinuousClock.now + .seconds(10)
            var blocked = false
            while !blocked, SeedPlugin.switches.withLock({ $0.runs }) < 2, ContinuousClock.now < deadline {
                blocked = try await Self.count(daemon, """
                    SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'
                    """) > 0
                if !blocked { try await Task.sleep(for: .milliseconds(20)) }
            }
            #expect(blocked, "the second load waits for the first")
            releaseContinuation.finish()
            await first.value
            await second.value
            #expect(SeedPlugin.switches.withLock { ($0.runs, $0.committed) } == (1, 1))
            #expect(try await Self.count(daemon, "SELECT count(*) FROM seed_row") == 3)
            #expect(try await Self.count(daemon, "SELECT count(*) FROM plugin_demo WHERE plugin = 'seed'") == 1)
        }
    }
}
