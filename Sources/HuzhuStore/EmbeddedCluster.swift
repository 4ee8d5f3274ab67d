import Crypto
import Foundation
import HuzhuKit
import Logging
import NIOPosix
import PostgresNIO

/// A private PostgreSQL cluster under the daemon's data folder, used when no database URL is given.
///
/// Layout under `<data-dir>/pg`: `data/` (the cluster), `run/` (its Unix socket; it listens on no TCP
/// port), `server.log`. As root the cluster runs as an unprivileged system user, because PostgreSQL
/// refuses to run as root. A cluster left running by a crashed daemon is adopted; a stale
/// `postmaster.pid` is removed.
public actor EmbeddedCluster {
    /// How to find and run the cluster.
    public struct Options: Sendable {
        /// The daemon's data folder; the cluster lives in `<dataDirectory>/pg`.
        public var dataDirectory: String
        /// A folder holding initdb, pg_ctl and postgres; searched for when nil.
        public var binDirectory: String?
        /// Folders searched for the programs when `binDirectory` is nil (nil: the default search).
        public var searchPath: [String]?
        /// The system user that runs the cluster when huzhud runs as root.
        public var systemUser: String
        /// Whether initdb syncs its files to disk (tests turn this off for speed).
        public var syncInitdb: Bool
        /// Extra `postgresql.conf` settings, written on every start.
        public var settings: [String: String]
        /// The database the hub uses inside the cluster.
        public var databaseName: String

        public init(
            dataDirectory: String, binDirectory: String? = nil, searchPath: [String]? = nil,
            systemUser: String = "postgres", syncInitdb: Bool = true, settings: [String: String] = [:],
            databaseName: String = "huzhu"
        ) {
            self.dataDirectory = dataDirectory
            self.binDirectory = binDirectory
            self.searchPath = searchPath
            self.systemUser = systemUser
            self.syncInitdb = syncInitdb
            self.settings = settings
            self.databaseName = databaseName
        }
    }

    /// What `start()` found and did.
    public enum StartOutcome: Sendable, Equatable {
        /// initdb ran: this was the first start.
        case initialised
        /// An existing cluster was started.
        case started
        /// A cluster was already running on this folder (e.g. left by a crashed daemon) and is reused.
        case adopted(pid: Int32)
    }

    public static let superuser = "huzhu"
    private let options: Options
    private let logger: Logger
    private var layout: Layout?
    private var runAs: SystemUser?

    public init(options: Options, logger: Logger) {
        self.options = options
        self.logger = logger
    }

    /// Where the cluster's parts are on disk.
    struct Layout: Sendable {
        var home: String        // <data-dir>/pg, or the folder it links to
        var pgdata: String { home + "/data" }
        var socketDirectory: String
        var logFile: String { home + "/server.log" }
        var socketPath: String { socketDirectory + "/.s.PGSQL.5432" }
    }

    /// The Unix socket path once started.
    public var socketPath: String? { layout?.socketPath }

    /// The connection settings for the hub's database, once started.
    public func clientConfiguration(database: String? = nil) throws -> PostgresClient.Configuration {
        guard let layout else { throw HuzhuError(.internal, "the embedded cluster has not been started") }
        return .init(
            unixSocketPath: layout.socketPath, username: Self.superuser, password: nil,
            database: database ?? options.databaseName)
    }

    /// Initialises the cluster on first use, starts it (or adopts a running one) and makes sure the
    /// hub's database exists.
    @discardableResult
    public func start() async throws -> StartOutcome {
        let binaries = try PostgresBinaries.locate(explicitDirectory: options.binDirectory, searchPath: options.searchPath)
        runAs = try Self.clusterUser(options.systemUser, existingCluster: Self.home(of: options.dataDirectory) + "/data")
        let layout = try prepareFolders()
        self.layout = layout

        var outcome = StartOutcome.started
        if !FileManager.default.fileExists(atPath: layout.pgdata + "/PG_VERSION") {
            try await initialise(binaries, layout)
            outcome = .initialised
        }
        try writeSettings(layout)

        if let pid = try runningPostmaster(layout) {
            logger.info("reusing the PostgreSQL cluster already running in \(layout.pgdata)", metadata: ["pid": "\(pid)"])
            outcome = .adopted(pid: pid)
        } else {
            let result = try await ProcessRunner.run(
                binaries.pgCtl, ["start", "-w", "-t", "60", "-s", "-D", layout.pgdata, "-l", layout.logFile],
                asUser: runAs, workingDirectory: layout.home)
            if result.status != 0 {
                // Another huzhu process may have started it at the same moment; adopt that one.
                if let pid = try runningPostmaster(layout) {
                    outcome = .adopted(pid: pid)
                } else {
                    throw HuzhuError(
                        .unavailable,
                        "PostgreSQL did not start in \(layout.pgdata): \(result.output.trimmingWhitespace()). "
                            + "Last lines of \(layout.logFile):\n\(Self.tail(of: layout.logFile))")
                }
            }
        }
        try await ensureDatabase(layout)
        return outcome
    }

    /// Stops the cluster (fast shutdown: running transactions are rolled back, data is safe).
    public func stop() async throws {
        guard let layout else { return }
        guard let pid = try runningPostmaster(layout) else { return }
        let binaries = try PostgresBinaries.locate(explicitDirectory: options.binDirectory, searchPath: options.searchPath)
        let result = try await ProcessRunner.run(
            binaries.pgCtl, ["stop", "-w", "-t", "60", "-s", "-m", "fast", "-D", layout.pgdata],
            asUser: runAs, workingDirectory: layout.home)
        guard result.status == 0 else {
            throw HuzhuError(.internal, "PostgreSQL did not stop: \(result.output.trimmingWhitespace())")
        }
        // pg_ctl returns once the pid file is gone; the process itself exits a moment later.
        let deadline = ContinuousClock.now + .seconds(10)
        while Self.isAlive(pid), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        logger.debug("embedded PostgreSQL stopped", metadata: ["pgdata": "\(layout.pgdata)"])
    }

    /// Stops a cluster on this folder that some earlier process left running, without starting anything.
    public func stopIfRunning() async throws {
        let home = Self.home(of: options.dataDirectory)
        runAs = try Self.clusterUser(options.systemUser, existingCluster: home + "/data")
        guard FileManager.default.fileExists(atPath: home + "/data/PG_VERSION") else { return }
        layout = Layout(home: home, socketDirectory: home + "/run")
        try await stop()
    }

    /// Stops the cluster of `dataDirectory` from a context that cannot await (an `atexit` handler).
    public nonisolated static func stopBlocking(dataDirectory: String) {
        let pgdata = home(of: dataDirectory) + "/data"
        guard FileManager.default.fileExists(atPath: pgdata + "/postmaster.pid"),
              let binaries = try? PostgresBinaries.locate()
        else { return }
        var command = [binaries.pgCtl, "stop", "-w", "-s", "-m", "fast", "-D", pgdata]
        if let user = try? clusterUser("postgres", existingCluster: pgdata) {
            command = user.commandPrefix + command
        }
        _ = ProcessRunner.runBlocking(command)
    }

    /// `<data-dir>/pg`, or the folder it links to.
    static func home(of dataDirectory: String) -> String {
        let link = URL(fileURLWithPath: dataDirectory).standardizedFileURL.path + "/pg"
        return (try? FileManager.default.destinationOfSymbolicLink(atPath: link)) ?? link
    }

    /// The pid of a live postmaster serving this cluster, removing a stale `postmaster.pid` on the way.
    public func postmasterPID() throws -> Int32? {
        guard let layout else { return nil }
        return try runningPostmaster(layout)
    }

    // MARK: - Steps

    /// The user to run the cluster as: nobody else when not root; as root, the owner of an existing cluster
    /// (so `sudo huzhud user list` never takes a cluster away from the account the daemon runs as), else `name`.
    private static func clusterUser(_ name: String, existingCluster pgdata: String) throws -> SystemUser? {
        guard geteuid() == 0 else { return nil }
        var info = stat()
        if stat(pgdata, &info) == 0, info.st_uid != 0 {
            return SystemUser.owning(uid: info.st_uid, gid: info.st_gid)
        }
        guard let user = SystemUser.named(name) else {
            throw HuzhuError(
                .unavailable,
                "huzhud runs as root, and PostgreSQL refuses to run as root, so the embedded cluster runs as the "
                    + "system user '\(name)', which does not exist. Create it (useradd --system \(name)), run huzhud "
                    + "as a normal user, or use an existing server with --database-url")
        }
        return user
    }

    private func prepareFolders() throws -> Layout {
        let fm = FileManager.default
        let dataDirectory = URL(fileURLWithPath: options.dataDirectory).standardizedFileURL.path
        try fm.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let link = dataDirectory + "/pg"
        var home = Self.home(of: dataDirectory)

        if let runAs {
            chmod(dataDirectory, 0o711)  // the cluster user must pass through, not list
            if !fm.fileExists(atPath: home), !Self.reachable(dataDirectory, by: runAs) {
                // An ancestor (e.g. a 0700 home or mktemp folder) shuts the cluster user out: keep the cluster
                // under /var/lib and link it from the data folder, instead of loosening the user's folders.
                let digest = SHA256.hash(data: Data(dataDirectory.utf8)).prefix(8).map { String(format: "%02x", $0) }.joined()
                home = "/var/lib/huzhu/clusters/\(digest)"
                try fm.createDirectory(atPath: "/var/lib/huzhu/clusters", withIntermediateDirectories: true)
                try fm.createDirectory(atPath: home, withIntermediateDirectories: true)
                try fm.createSymbolicLink(atPath: link, withDestinationPath: home)
                logger.notice(
                    "\(dataDirectory) is not reachable by the system user '\(runAs.name)'; the cluster lives in \(home), linked from \(link)")
            }
        }
        try fm.createDirectory(atPath: home, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        var socketDirectory = home + "/run"
        if (socketDirectory + "/.s.PGSQL.5432").utf8.count > 100 {
            // Unix socket paths are limited to 107 bytes; a deep data folder gets its socket under /tmp.
            let digest = SHA256.hash(data: Data(home.utf8)).prefix(8).map { String(format: "%02x", $0) }.joined()
            socketDirectory = "/tmp/huzhu-pg-\(digest)"
        }
        try fm.createDirectory(atPath: socketDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        if let runAs {
            for path in [home, socketDirectory] { chown(path, runAs.uid, runAs.gid) }
            if fm.fileExists(atPath: home + "/data") { chown(home + "/data", runAs.uid, runAs.gid) }
        }
        return Layout(home: home, socketDirectory: socketDirectory)
    }

    private func initialise(_ binaries: PostgresBinaries, _ layout: Layout) async throws {
        // initdb into a scratch folder and rename it when done, so a crash half-way leaves no half cluster.
        let scratch = layout.home + "/data.initdb"
        try? FileManager.default.removeItem(atPath: scratch)
        var arguments = ["-D", scratch, "-U", Self.superuser, "-A", "trust", "-E", "UTF8", "--no-locale"]
        if !options.syncInitdb { arguments.append("--no-sync") }
        logger.info("creating the embedded PostgreSQL cluster", metadata: ["pgdata": "\(layout.pgdata)"])
        let result = try await ProcessRunner.run(binaries.initdb, arguments, asUser: runAs, workingDirectory: layout.home)
        guard result.status == 0 else {
            throw HuzhuError(.unavailable, "initdb failed in \(scratch): \(result.output.trimmingWhitespace())")
        }
        let conf = scratch + "/postgresql.conf"
        let include = "\n# Settings managed by huzhud, rewritten on every start.\ninclude_if_exists = 'huzhu.conf'\n"
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: conf))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(include.utf8))
        try handle.close()
        try FileManager.default.moveItem(atPath: scratch, toPath: layout.pgdata)
    }

    private func writeSettings(_ layout: Layout) throws {
        var settings = [
            "listen_addresses": "''",
            "unix_socket_directories": "'\(layout.socketDirectory)'",
            "unix_socket_permissions": "0700",
            "port": "5432",
        ]
        settings.merge(options.settings) { $1 }
        let text = settings.keys.sorted().map { "\($0) = \(settings[$0]!)" }.joined(separator: "\n") + "\n"
        let path = layout.pgdata + "/huzhu.conf"
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        if let runAs { chown(path, runAs.uid, runAs.gid) }
    }

    /// Reads `postmaster.pid`: returns the pid when that process is alive and is a postgres server;
    /// removes the file when it is stale (its process is gone, or the pid now belongs to something else).
    private func runningPostmaster(_ layout: Layout) throws -> Int32? {
        let pidFile = layout.pgdata + "/postmaster.pid"
        guard let text = try? String(contentsOfFile: pidFile, encoding: .utf8) else { return nil }
        if let first = text.split(separator: "\n").first, let pid = Int32(String(first).trimmingWhitespace()), pid > 0 {
            if Self.isAlive(pid), Self.isPostgres(pid) { return pid }
            // A server in another pid namespace (a second container on the same volume), or a system
            // without /proc: the socket answering is the proof that must keep us from removing the file.
            if Self.socketAnswers(layout.socketPath) {
                logger.warning("postmaster.pid names pid \(pid), which is not visible here, but the cluster's socket answers: reusing that server")
                return pid
            }
        }
        logger.warning("removing a stale postmaster.pid left by a crash", metadata: ["file": "\(pidFile)"])
        try FileManager.default.removeItem(atPath: pidFile)
        return nil
    }

    /// True while the process exists and is not a zombie waiting to be reaped.
    public static func isAlive(_ pid: Int32) -> Bool {
        guard kill(pid, 0) == 0 || errno == EPERM else { return false }
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let nameEnd = text.lastIndex(of: ")") else { return true }
        return String(text[text.index(after: nameEnd)...]).trimmingWhitespace().first != "Z"
    }

    /// Whether a server accepts connections on the Unix socket at `path`.
    static func socketAnswers(_ path: String) -> Bool {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { return false }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        return result == 0
    }

    private static func isPostgres(_ pid: Int32) -> Bool {
        guard let comm = try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8) else { return false }
        return comm.hasPrefix("postgres") || comm.hasPrefix("postmaster")
    }

    private func ensureDatabase(_ layout: Layout) async throws {
        let configuration = PostgresConnection.Configuration(
            unixSocketPath: layout.socketPath, username: Self.superuser, password: nil, database: "postgres")
        let connection = try await Self.connect(configuration, logger: logger)
        defer { Task { try? await connection.close() } }
        let rows = try await connection.query(
            "SELECT 1 FROM pg_database WHERE datname = \(options.databaseName)", logger: logger
        ).collect()
        if rows.isEmpty {
            // Identifiers cannot be bound; the name is checked to be a plain identifier first.
            guard options.databaseName.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
                throw HuzhuError(.invalid, "database name '\(options.databaseName)' must be letters, digits and _")
            }
            _ = try await connection.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(options.databaseName)"), logger: logger)
        }
    }

    /// Connects, retrying for a few seconds while the server finishes starting up.
    static func connect(_ configuration: PostgresConnection.Configuration, logger: Logger) async throws -> PostgresConnection {
        var lastError: (any Error)?
        for attempt in 0..<100 {
            do {
                return try await PostgresConnection.connect(
                    on: MultiThreadedEventLoopGroup.singleton.next(), configuration: configuration, id: attempt, logger: logger)
            } catch {
                lastError = error
                try await Task.sleep(for: .milliseconds(100))
            }
        }
        throw HuzhuError(.unavailable, "cannot connect to the embedded PostgreSQL: \(String(reflecting: lastError!))")
    }

    private static func reachable(_ path: String, by user: SystemUser) -> Bool {
        var url = URL(fileURLWithPath: path)
        while true {
            var info = stat()
            guard stat(url.path, &info) == 0 else { return false }
            let mode = info.st_mode
            let ok: Bool =
                if info.st_uid == user.uid { mode & S_IXUSR != 0 }
                else if info.st_gid == user.gid { mode & S_IXGRP != 0 }
                else { mode & S_IXOTH != 0 }
            if !ok { return false }
            if url.path == "/" { return true }
            url.deleteLastPathComponent()
        }
    }

    private static func tail(of path: String, lines: Int = 10) -> String {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return "(no log)" }
        return text.split(separator: "\n").suffix(lines).joined(separator: "\n")
    }
}
