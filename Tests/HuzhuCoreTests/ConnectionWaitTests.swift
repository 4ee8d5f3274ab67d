import Foundation
import HuzhuBus
@testable import HuzhuCore
import HuzhuKit
import HuzhuTesting
import PostgresNIO
import Testing

/// Waiting for a pooled connection is bounded; the work itself, once it has a connection, is not.
@Suite struct ConnectionWaitTests {
    @Test func anUnreachableDatabaseAnswersUnavailable() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("huzhu-nowhere-\(UUID().uuidString)").path
        let configuration = PostgresClient.Configuration(unixSocketPath: folder + "/.s.PGSQL.5432", username: "nobody", password: nil, database: "none")
        let client = PostgresClient(configuration: configuration, backgroundLogger: TestLog.logger)
        let store = PooledStore(client: client, bus: LocalBus(logger: TestLog.logger), logger: TestLog.logger, connectionTimeout: .milliseconds(300))
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { await client.run() }
            for _ in 0..<3 {  // the shared ticker keeps watching after the first wait has ended
                let error = await #expect(throws: HuzhuError.self) { try await store.read { _ in 1 } }
                #expect(error?.code == .unavailable, "\(String(describing: error))")
            }
            group.cancelAll()
        }
    }

    @Test func whicheverEndsTheWaitFirstDecides() async {
        let waits = ConnectionWaits(timeout: .milliseconds(50))
        let late = waits.begin()
        #expect(await late.expired(), "nothing came: the ticker ends the wait")
        #expect(!waits.obtained(late), "a connection after the caller was told UNAVAILABLE must not be used")
        let early = waits.begin()
        #expect(waits.obtained(early))
        #expect(await !early.expired(), "a connection in time: the wait did not expire")
    }

    @Test func workLongerThanTheTimeoutIsNotCutShort() async throws {
        try await withTestDaemon { daemon in
            // The daemon's pool, with a connection opened first (with the daemon's own patience), so the
            // short timeout measures only the wait for an idle connection, even on a loaded machine.
            _ = try await daemon.hub.store.handle.read { _ in 1 }
            let store = PooledStore(client: daemon.hub.store.handle.client, bus: LocalBus(logger: TestLog.logger), logger: TestLog.logger,
                                    connectionTimeout: .seconds(1))
            let slept = try await store.read { connection in
                var done = false
                for try await _ in try await connection.query("SELECT pg_sleep(1.5)", logger: TestLog.logger) { done = true }
                return done
            }
            #expect(slept)
            let written = try await store.write(as: Actor("test")) { tx in
                try await tx.execute("SELECT pg_sleep(1.5)")
                return true
            }
            #expect(written)
        }
    }
}
