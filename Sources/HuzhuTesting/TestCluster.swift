import Foundation
import HuzhuBus
import HuzhuCore
import HuzhuKit
import HuzhuStore
import Logging
import NIOPosix
import PostgresNIO
import Synchronization

/// The PostgreSQL server tests run against: one private cluster per test process (or the server named by
/// `HUZHU_TEST_DATABASE_URL`), a template database migrated once, and a fresh database per test cloned
/// from it, so suites run in parallel without seeing each other's rows.
public actor TestCluster {
    /// The cluster of this test process, started on first use.
    public static let shared = TestCluster()

    private var ready: Task<Ready, any Error>?
    private var counter = 0

    struct Ready: Sendable {
        /// Connection settings to the maintenance database (for CREATE/DROP DATABASE).
        var admin: PostgresClient.Configuration
        /// Builds settings for a named database.
        var forDatabase: @Sendable (String) -> PostgresClient.Configuration
        /// A URL for a named database (for daemons started by tests).
        var url: @Sendable (String) -> String
    }

    static let template = "huzhu_template"

    /// A new database cloned from the template, which has the core's migrations (a daemon under test
    /// applies its plugins' own at start).
    public func makeDatabase() async throws -> TestDatabase {
        let ready = try await readiness()
        counter += 1
        let name = "t_\(getpid())_\(counter)"
        do {
            try await Self.withConnection(ready.admin) { connection in
                _ = try await connection.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name) TEMPLATE \(Self.template)"), logger: TestLog.logger)
            }
        } catch let error as PSQLError {
            // PSQLError's description hides the server's message; a test log must show it.
            throw HuzhuError(.internal, "CREATE DATABASE \(name) failed: \(String(reflecting: error))")
        }
        return TestDatabase(name: name, configuration: ready.forDatabase(name), url: ready.url(name), admin: ready.admin)
    }

    private func readiness() async throws -> Ready {
        if let ready { return try await ready.value }
        let task = Task { try await Self.prepare() }
        ready = task
        return try await task.value
    }

    private static func prepare() async throws -> Ready {
        let ready: Ready
        if let url = ProcessInfo.processInfo.environment["HUZHU_TEST_DATABASE_URL"], !url.isEmpty {
            let parsed = try DatabaseURL(url)
            ready = Ready(
                admin: parsed.configuration,
                forDatabase: { name in
                    var configuration = parsed.configuration
                    configuration.database = name
                    return configuration
                },
                url: { name in Self.replacingDatabase(in: url, with: name) })
        } else {
            let cluster = try await TestClusterProcess.start()
            ready = Ready(
                admin: cluster.configuration(database: "postgres"),
                forDatabase: { cluster.configuration(database: $0) },
                url: { "postgres://\(EmbeddedCluster.superuser)@localhost/\($0)?host=\(cluster.socketDirectory)" })
        }
        try await withConnection(ready.admin) { connection in
            _ = try await connection.query(PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \(template) WITH (FORCE)"), logger: TestLog.logger)
            _ = try await connection.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(template)"), logger: TestLog.logger)
        }
        let client = PostgresClient(configuration: ready.forDatabase(template), backgroundLogger: TestLog.logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            let (migrations, order) = HubStore.migrations(plugins: [])
            try await Migrator(client: client, logger: TestLog.logger).migrate(migrations, moduleOrder: order)
            group.cancelAll()
        }
        // CREATE DATABASE refuses a template anyone is connected to (after waiting 5 s), and a cancelled pool
        // can leave a connection behind (postgres-nio #599): closed to connections and emptied, the template
        // can be copied by every test however the pool above ended.
        try await withConnection(ready.admin) { connection in
            _ = try await connection.query(PostgresQuery(unsafeSQL: "ALTER DATABASE \(template) ALLOW_CONNECTIONS false"), logger: TestLog.logger)
            let rows = try await connection.query(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = \(template)", logger: TestLog.logger)
            for try await _ in rows {}
        }
        return ready
    }

    /// Runs `body` on a connection of the process-wide maintenance pool (CREATE/DROP DATABASE).
    ///
    /// One pool for the whole test process, never cancelled: a pool created per call and cancelled right
    /// after can be caught opening a connection and then not stop (postgres-nio #599), and every test
    /// waiting on this actor for its database would wait with it.
    static func withConnection<T: Sendable>(_ configuration: PostgresClient.Configuration, _ body: (PostgresConnection) async throws -> T) async throws -> T {
        try await maintenanceClient(configuration).withConnection { try await body($0) }
    }

    private static let maintenance = Mutex<PostgresClient?>(nil)

    private static func maintenanceClient(_ configuration: PostgresClient.Configuration) -> PostgresClient {
        maintenance.withLock { existing in
            if let existing { return existing }
            let client = PostgresClient(configuration: configuration, backgroundLogger: TestLog.logger)
            Task.detached { await client.run() }  // for the life of the test process
            existing = client
            return client
        }
    }

    static func replacingDatabase(in url: String, with name: String) -> String {
        guard var components = URLComponents(string: url) else { return url }
        components.path = "/" + name
        return components.string ?? url
    }
}

/// A database of one test. Open a pool with `withClient`; it is dropped by `drop()`.
public struct TestDatabase: Sendable {
    public let name: String
    public let configuration: PostgresClient.Configuration
    /// A `postgres://` URL for the database (for a daemon under test).
    public let url: String
    let admin: PostgresClient.Configuration

    /// Runs `body` with a running pool on this database.
    public func withClient<T: Sendable>(_ body: @Sendable (PostgresClient) async throws -> T) async throws -> T {
        let client = PostgresClient(configuration: configuration, backgroundLogger: TestLog.logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            return try await body(client)
        }
    }

    /// Simulates a database outage: refuses new connections and ends the open ones (or ends the outage).
    public func setConnections(allowed: Bool) async throws {
        try await TestCluster.withConnection(admin) { connection in
            _ = try await connection.query(PostgresQuery(unsafeSQL: "ALTER DATABASE \(name) ALLOW_CONNECTIONS \(allowed)"), logger: TestLog.logger)
            if !allowed {
                _ = try await connection.query(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = \(name) AND pid <> pg_backend_pid()",
                    logger: TestLog.logger)
            }
        }
    }

    /// Drops the database.
    public func drop() async throws {
        try await TestCluster.withConnection(admin) { connection in
            _ = try await connection.query(PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \(name) WITH (FORCE)"), logger: TestLog.logger)
        }
    }
}

/// Runs `body` with a fresh migrated database and its pool, then drops it.
public func withTestDatabase<T: Sendable>(
    _ body: @Sendable (PostgresClient, TestDatabase) async throws -> T
) async throws -> T {
    let database = try await TestCluster.shared.makeDatabase()
    do {
        let result = try await database.withClient { try await body($0, database) }
        try await database.drop()
        return result
    } catch {
        try? await database.drop()
        throw error
    }
}

/// The logger tests use: quiet unless `HUZHU_TEST_LOG` names a level.
public enum TestLog {
    public static let logger: Logger = {
        var logger = Logger(label: "huzhu-test")
        logger.logLevel = ProcessInfo.processInfo.environment["HUZHU_TEST_LOG"].flatMap(Logger.Level.init(rawValue:)) ?? .critical
        return logger
    }()
}

/// Runs `body` with a fresh database, its pool, and the hub's store handle on it (with its own bus).
public func withTestStore<T: Sendable>(
    _ body: @Sendable (PooledStore, PostgresClient) async throws -> T
) async throws -> T {
    try await withTestDatabase { client, _ in
        let bus = LocalBus(logger: TestLog.logger)
        let result = try await body(PooledStore(client: client, bus: bus, logger: TestLog.logger), client)
        await bus.drain()
        return result
    }
}
