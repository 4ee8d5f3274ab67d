import Foundation
import HuzhuKit
import HuzhuStore
import HuzhuTesting
import PostgresNIO
import Testing

/// The embedded cluster's life: first start, restart, adoption, stale pid file, missing programs.
/// Each test has its own data folder and cluster.
@Suite struct EmbeddedClusterTests {
    func withFolder<T>(_ body: (String) async throws -> T) async throws -> T {
        let folder = "/tmp/huzhu-ec-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        defer { try? FileManager.default.removeItem(atPath: folder) }
        return try await body(folder)
    }

    func cluster(_ folder: String, searchPath: [String]? = nil) -> EmbeddedCluster {
        EmbeddedCluster(options: .init(dataDirectory: folder + "/data", searchPath: searchPath, syncInitdb: false, settings: ["fsync": "off"]),
                        logger: TestLog.logger)
    }

    func selectOne(_ cluster: EmbeddedCluster) async throws -> Int {
        let configuration = try await cluster.clientConfiguration()
        let client = PostgresClient(configuration: configuration, backgroundLogger: TestLog.logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            let rows = try await client.query("SELECT 41 + 1", logger: TestLog.logger)
            for try await value in rows.decode(Int.self) { return value }
            return -1
        }
    }

    @Test func firstStartInitialisesThenRestartReusesTheCluster() async throws {
        try await withFolder { folder in
            let first = cluster(folder)
            #expect(try await first.start() == .initialised)
            #expect(try await selectOne(first) == 42)
            let pid = try #require(try await first.postmasterPID())
            try await first.stop()
            #expect(!EmbeddedCluster.isAlive(pid), "the postmaster must be gone after stop")
            #expect(!FileManager.default.fileExists(atPath: folder + "/data/pg/data/postmaster.pid"))

            let second = cluster(folder)
            #expect(try await second.start() == .started)
            #expect(try await selectOne(second) == 42)
            try await second.stop()
        }
    }

    @Test func aClusterLeftRunningIsAdopted() async throws {
        try await withFolder { folder in
            let crashed = cluster(folder)
            try await crashed.start()
            let pid = try #require(try await crashed.postmasterPID())
            // A new daemon on the same folder, as after `kill -9` of the previous one.
            let next = cluster(folder)
            #expect(try await next.start() == .adopted(pid: pid))
            #expect(try await selectOne(next) == 42)
            try await next.stop()
            #expect(!EmbeddedCluster.isAlive(pid))
        }
    }

    @Test func aStalePidFileIsRemoved() async throws {
        try await withFolder { folder in
            let first = cluster(folder)
            try await first.start()
            try await first.stop()
            // A pid file naming a process that no longer exists, as a crash of the machine leaves it.
            let deadPID = try await Self.pidOfFinishedProcess()
            let pidFile = folder + "/data/pg/data/postmaster.pid"
            try "\(deadPID)\n\(folder)/data/pg/data\n1700000000\n5432\n".write(toFile: pidFile, atomically: true, encoding: .utf8)
            let second = cluster(folder)
            #expect(try await second.start() == .started)
            #expect(try await selectOne(second) == 42)
            try await second.stop()
        }
    }

    @Test func missingProgramsNameThePackageToInstall() async throws {
        try await withFolder { folder in
            let error = await #expect(throws: HuzhuError.self) {
                try await cluster(folder, searchPath: [folder]).start()
            }
            #expect(error?.code == .unavailable)
            #expect(error?.message.en.contains("apt-get install postgresql") == true)
            #expect(error?.message.en.contains("--database-url") == true)
        }
    }

    @Test func programsAreFoundOnTheDefaultSearchPath() throws {
        let binaries = try PostgresBinaries.locate()
        #expect(FileManager.default.isExecutableFile(atPath: binaries.postgres))
        #expect(FileManager.default.isExecutableFile(atPath: binaries.initdb))
    }

    /// A pid that belonged to a process which has exited (so no live process has it).
    static func pidOfFinishedProcess() async throws -> Int32 {
        var pid: pid_t = 0
        let argv: [UnsafeMutablePointer<CChar>?] = [strdup("/bin/true"), nil]
        defer { argv.forEach { free($0) } }
        guard posix_spawn(&pid, "/bin/true", nil, nil, argv, nil) == 0 else { throw HuzhuError(.internal, "spawn failed") }
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        return pid
    }
}
