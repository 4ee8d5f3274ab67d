import Foundation
import HuzhuBus
import HuzhuCore
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

    @Test func workLongerThanTheTimeoutIsNotCutShort() async throws {
        try await withTestDaemon { daemon in
            let store = PooledStore(client: daemon.hub.store.handle.client, bus: LocalBus(logger: TestLog.logger), logger: TestLog.logger,
                                    connectionTimeout: .milliseconds(200))
            let slept = try await store.read { connection in
                var done = false
                for try await _ in try await connection.query("SELECT pg_sleep(0.6)", logger: TestLog.logger) { done = true }
                return done
            }
            #expect(slept)
            let written = try await store.write(as: Actor("test")) { tx in
                try await tx.execute("SELECT pg_sleep(0.6)")
                return true
            }
            #expect(written)
        }
    }
}
