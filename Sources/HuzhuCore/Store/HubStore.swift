import Foundation
import HuzhuBus
import HuzhuKit
import HuzhuSQL
import HuzhuStore
import Logging
import PostgresNIO

/// The hub's store: a PostgresNIO pool, on the embedded cluster or on a server given by URL.
public final class HubStore: Sendable {
    /// The connection pool every query goes through. It must be running (`run()`) to serve queries.
    public let client: PostgresClient
    /// The embedded cluster, when no database URL was given.
    public let cluster: EmbeddedCluster?
    /// For the start-up line: which store this is.
    public let summary: String
    /// What starting the embedded cluster did (nil for an external server).
    public let outcome: EmbeddedCluster.StartOutcome?
    /// The message bus; durable events of writes are published on it after their commit.
    public let bus: LocalBus
    /// The store as plugins and the core's stores use it: reads, audited writes with durable events.
    public let handle: PooledStore

    init(client: PostgresClient, cluster: EmbeddedCluster?, summary: String, outcome: EmbeddedCluster.StartOutcome?, logger: Logger) {
        self.client = client
        self.cluster = cluster
        self.summary = summary
        self.outcome = outcome
        self.bus = LocalBus(logger: logger)
        self.handle = PooledStore(client: client, bus: bus, logger: logger)
    }

    /// Connections the pool opens at most (shown by `INFO`).
    public static let poolSize = 32

    /// Starts the embedded cluster (when no URL is configured) and creates the pool (not yet running).
    public static func open(_ configuration: HuzhuConfiguration, logger: Logger) async throws -> HubStore {
        var poolOptions = PostgresClient.Configuration.Options()
        poolOptions.maximumConnections = poolSize
        // The statements the hub prepares (`PostgresConnection.prepared`) are planned once per connection.
        // Left to choose, PostgreSQL kept re-planning some at every call (the batch notification's CTE: 0.4 ms
        // a bind under SMS load), which is what preparing them was meant to save. Unprepared statements are
        // planned for their values every time, as before.
        poolOptions.additionalStartupParameters = [("plan_cache_mode", "force_generic_plan")]
        // Kept open (`store_kept_open`): enough for a busy hour's concurrency, so the pool does not start an
        // idle-timeout timer each time it takes a connection back. PostgresNIO runs every pool timer as
        // tasks around `Task.sleep`; under SMS load those timers cost more CPU than the statements.
        poolOptions.minimumConnections = configuration.storeKeptOpen
        if let url = configuration.databaseURL {
            let parsed = try DatabaseURL(url)
            var clientConfiguration = parsed.configuration
            clientConfiguration.options = poolOptions
            return HubStore(client: PostgresClient(configuration: clientConfiguration, backgroundLogger: logger),
                            cluster: nil, summary: "PostgreSQL at \(parsed.redacted)", outcome: nil, logger: logger)
        }
        let cluster = EmbeddedCluster(
            options: .init(dataDirectory: configuration.dataDirectory, binDirectory: configuration.pgBinDirectory,
                           systemUser: configuration.pgUser, syncInitdb: configuration.syncInitdb,
                           settings: configuration.embeddedSettings),
            logger: logger)
        let outcome = try await cluster.start()
        var clientConfiguration = try await cluster.clientConfiguration()
        // No keep-alive query on the embedded cluster's Unix socket: a dead server closes the socket at
        // once, and the keep-alive's timer, re-armed every time a connection goes back to the pool, was
        // the daemon's largest single cost under load. A server over TCP keeps it (a network path can die
        // silently).
        poolOptions.keepAliveBehavior = nil
        clientConfiguration.options = poolOptions
        let socket = await cluster.socketPath ?? "?"
        return HubStore(client: PostgresClient(configuration: clientConfiguration, backgroundLogger: logger),
                        cluster: cluster, summary: "embedded PostgreSQL (socket \(socket))", outcome: outcome, logger: logger)
    }

    /// The migrations of the core and of `plugins`, with the order modules are applied in.
    public static func migrations(plugins: [any HuzhuPlugin.Type]) -> (migrations: [Migration], order: [String]) {
        var migrations: [Migration] = []
        var order = ["core"]
        for file in SQLCatalog.files(of: "core") {
            if let source = MigrationSource(fileName: file.fileName, sql: file.sql) { migrations.append(Migration(module: "core", source: source)) }
        }
        for plugin in plugins {
            let id = plugin.identity.id
            order.append(id)
            for file in SQLCatalog.files(of: id) {
                if let source = MigrationSource(fileName: file.fileName, sql: file.sql) { migrations.append(Migration(module: id, source: source)) }
            }
            migrations += plugin.identity.migrations.map { Migration(module: id, source: $0) }
        }
        return (migrations, order)
    }

    /// Applies pending migrations of the core and `plugins`.
    @discardableResult
    public func migrate(plugins: [any HuzhuPlugin.Type], logger: Logger) async throws -> [Migration] {
        let (migrations, order) = Self.migrations(plugins: plugins)
        return try await Migrator(client: client, logger: logger).migrate(migrations, moduleOrder: order)
    }

    /// Runs `body` with the pool running, then stops the pool; for one-shot commands (`migrate`, `user add`).
    /// The embedded cluster is stopped afterwards only if this call started it and no daemon runs on the folder.
    public static func withStore<T: Sendable>(
        _ configuration: HuzhuConfiguration, logger: Logger, _ body: @Sendable (HubStore) async throws -> T
    ) async throws -> T {
        let store = try await open(configuration, logger: logger)
        let result: Result<T, any Error> = await withTaskGroup(of: Void.self) { group in
            group.addTask { await store.client.run() }
            defer { group.cancelAll() }
            do { return .success(try await body(store)) } catch { return .failure(error) }
        }
        if let cluster = store.cluster, store.outcome.map({ if case .adopted = $0 { false } else { true } }) ?? false,
            !DataDirectoryLock.isHeld(configuration.dataDirectory)
        {
            try? await cluster.stop()
        }
        return try result.get()
    }
}

/// An exclusive lock on the data folder held by a running daemon, so that two daemons never share one.
public final class DataDirectoryLock: Sendable {
    private let descriptor: Int32

    /// Takes the lock or fails, naming the pid that holds it.
    public init(dataDirectory: String) throws {
        try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let path = dataDirectory + "/huzhud.lock"
        descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw HuzhuError(.unavailable, "cannot open \(path): \(String(cString: strerror(errno)))") }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let holder = (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingSpaces() ?? "?"
            close(descriptor)
            throw HuzhuError(.conflict, "another huzhud (pid \(holder)) is running with the data folder \(dataDirectory): stop it first, or use another --data-dir")
        }
        ftruncate(descriptor, 0)
        let pid = "\(getpid())\n"
        _ = pid.withCString { write(descriptor, $0, strlen($0)) }
    }

    /// Whether a daemon holds the lock on `dataDirectory` right now.
    public static func isHeld(_ dataDirectory: String) -> Bool {
        let fd = open(dataDirectory + "/huzhud.lock", O_RDWR | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        if flock(fd, LOCK_EX | LOCK_NB) == 0 {
            flock(fd, LOCK_UN)
            return false
        }
        return true
    }

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
