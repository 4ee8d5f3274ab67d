import Foundation
import HuzhuStore
import Logging
import PostgresNIO

/// The private cluster of one test process, under `/tmp/huzhu-test-<pid>`, stopped when the process exits.
///
/// Clusters of earlier test processes that died without cleaning up are stopped and removed first.
final class TestClusterProcess: Sendable {
    let directory: String
    let socketDirectory: String

    private init(directory: String, socketDirectory: String) {
        self.directory = directory
        self.socketDirectory = socketDirectory
    }

    func configuration(database: String) -> PostgresClient.Configuration {
        .init(unixSocketPath: socketDirectory + "/.s.PGSQL.5432", username: EmbeddedCluster.superuser, password: nil, database: database)
    }

    static func start() async throws -> TestClusterProcess {
        await removeAbandonedClusters()
        let directory = "/tmp/huzhu-test-\(getpid())"
        try? FileManager.default.removeItem(atPath: directory)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        // Durability is not under test here: no fsync makes the suite several times faster on this disk.
        let cluster = EmbeddedCluster(
            options: .init(dataDirectory: directory, syncInitdb: false,
                           settings: ["fsync": "off", "synchronous_commit": "off", "full_page_writes": "off", "max_connections": "300"]),
            logger: TestLog.logger)
        try await cluster.start()
        TestClusterExit.register(directory: directory)
        let socket = await cluster.socketPath!
        return TestClusterProcess(directory: directory, socketDirectory: String(socket.dropLast("/.s.PGSQL.5432".count)))
    }

    /// Stops clusters whose test process is gone (a crashed or killed `swift test`).
    static func removeAbandonedClusters() async {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/tmp")) ?? []
        for entry in entries where entry.hasPrefix("huzhu-test-") {
            guard let pid = Int32(entry.dropFirst("huzhu-test-".count)), pid != getpid(), kill(pid, 0) != 0 else { continue }
            let directory = "/tmp/" + entry
            let cluster = EmbeddedCluster(options: .init(dataDirectory: directory), logger: TestLog.logger)
            try? await cluster.stopIfRunning()
            try? FileManager.default.removeItem(atPath: directory)
        }
    }
}

/// Stops the test cluster at process exit (Swift Testing has no global tear-down).
enum TestClusterExit {
    nonisolated(unsafe) static var directory: String?  // written once, before atexit can run

    static func register(directory: String) {
        Self.directory = directory
        atexit {
            guard let directory = TestClusterExit.directory else { return }
            EmbeddedCluster.stopBlocking(dataDirectory: directory)
            try? FileManager.default.removeItem(atPath: directory)
        }
    }
}
