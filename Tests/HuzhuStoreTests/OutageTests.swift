import Foundation
import HuzhuKit
import HuzhuStore
import HuzhuTesting
import PostgresNIO
import Synchronization
import Testing

final class Counts: Sendable {
    let started = Atomic<Int>(0)
    let finished = Atomic<Int>(0)
}

/// What a store operation does when PostgreSQL goes away under it: it ends (with an error), it never hangs.
@Suite struct OutageTests {
    @Test(arguments: ["transaction", "connection"])
    func operationsInFlightEndWhenTheServerStops(_ mode: String) async throws {
        let folder = "/tmp/huzhu-outage-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let cluster = EmbeddedCluster(options: .init(dataDirectory: folder + "/data", syncInitdb: false, settings: ["fsync": "off"]), logger: TestLog.logger)
        try await cluster.start()
        let client = PostgresClient(configuration: try await cluster.clientConfiguration(), backgroundLogger: TestLog.logger)
        let runner = Task { await client.run() }
        defer { runner.cancel() }
        _ = try await client.query("SELECT 1", logger: TestLog.logger)

        let counts = Counts()
        let operations = (0..<8).map { _ in
            Task {
                defer { counts.finished.add(1, ordering: .relaxed) }
                switch mode {
                case "transaction":
                    _ = try? await client.writeTransaction(logger: TestLog.logger) { connection in
                        counts.started.add(1, ordering: .relaxed)
                        for try await _ in try await connection.query("SELECT pg_sleep(5)", logger: TestLog.logger) {}
                    }
                case "connection":
                    _ = try? await client.withConnection { connection in
                        counts.started.add(1, ordering: .relaxed)
                        try await connection.query("SELECT pg_sleep(5)", logger: TestLog.logger)
                    }
                default:
                    Issue.record("unknown mode \(mode)")
                }
            }
        }
        // Stop the server once every operation is inside its transaction.
        while counts.started.load(ordering: .relaxed) < 8 { try await Task.sleep(for: .milliseconds(10)) }
        try await cluster.stop()
        // Unstructured tasks and a deadline: a hung operation must fail the test, not hang it.
        let deadline = ContinuousClock.now + .seconds(20)
        while counts.finished.load(ordering: .relaxed) < 8, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
        #expect(counts.finished.load(ordering: .relaxed) == 8, "\(mode): operations still waiting 20 s after the server stopped")
        _ = operations
    }
}
