import Foundation
import HuzhuCore
import HuzhuKit
import Logging
import Metrics
import PostgresNIO
import Prometheus

/// A real daemon in this process, on its own test database and an ephemeral console port.
public final class TestDaemon: Sendable {
    public let daemon: HuzhuDaemon
    public let database: TestDatabase
    public let consolePort: Int
    /// The HTTP side door's port.
    public let httpPort: Int
    /// The `admin` account's password.
    public let adminPassword: String
    /// The running hub, for looking inside.
    public let hub: Hub
    private let runTask: Task<Void, any Error>
    private let dataDirectory: String

    init(daemon: HuzhuDaemon, database: TestDatabase, consolePort: Int, httpPort: Int, adminPassword: String, hub: Hub,
         runTask: Task<Void, any Error>, dataDirectory: String) {
        self.daemon = daemon
        self.httpPort = httpPort
        self.hub = hub
        self.database = database
        self.consolePort = consolePort
        self.adminPassword = adminPassword
        self.runTask = runTask
        self.dataDirectory = dataDirectory
    }

    /// Starts a daemon and returns once its console listens.
    public static func start(
        plugins: [any HuzhuPlugin.Type] = [], configure: @Sendable (inout HuzhuConfiguration) -> Void = { _ in },
        prepare: @Sendable (PostgresClient) async throws -> Void = { _ in }, logger: Logger = TestLog.logger
    ) async throws -> TestDaemon {
        let database = try await TestCluster.shared.makeDatabase()
        try await database.withClient { try await prepare($0) }
        let dataDirectory = NSTemporaryDirectory() + "huzhu-daemon-\(UUID().uuidString.prefix(8))"
        var configuration = HuzhuConfiguration()
        configuration.dataDirectory = dataDirectory
        configuration.databaseURL = database.url
        configuration.console = HostPort(host: "127.0.0.1", port: 0)
        configuration.http = HostPort(host: "127.0.0.1", port: 0)
        configuration.adminPassword = "admin-test-password"
        configuration.passwordRounds = 1_000  // the cost is not under test; logins stay fast
        configuration.storeKeptOpen = 1  // many daemons share the test cluster's connections
        configure(&configuration)
        let daemon = HuzhuDaemon(configuration: configuration, plugins: plugins, metrics: TestMetrics.registry, logger: logger)
        let (readyStream, readyContinuation) = AsyncStream.makeStream(of: DaemonReady.self)
        let runTask = Task {
            defer { readyContinuation.finish() }
            try await daemon.run(handleSignals: false) { readyContinuation.yield($0) }
        }
        var iterator = readyStream.makeAsyncIterator()
        guard let ready = await iterator.next() else {
            try await runTask.value  // surfaces the start-up error
            throw HuzhuError(.internal, "the test daemon stopped before it was ready")
        }
        return TestDaemon(daemon: daemon, database: database, consolePort: ready.consolePort, httpPort: ready.httpPort,
                          adminPassword: configuration.adminPassword!, hub: ready.hub, runTask: runTask, dataDirectory: dataDirectory)
    }

    /// Creates an account with these roles (and villages) and returns a logged-in JSON console for it.
    public func console(as username: String, roles: [Role], villages: [String] = []) async throws -> ConsoleClient {
        try await hub.accounts.add(username: username, roles: roles, villages: villages, password: "password-\(username)", actor: .system)
        return try await console(user: username, password: "password-\(username)")
    }

    /// A console connection, logged in as admin and in JSON mode unless told otherwise.
    public func console(user: String? = "admin", password: String? = nil, json: Bool = true) async throws -> ConsoleClient {
        let client = try await ConsoleClient.connect(port: consolePort)
        if let user {
            let answer = try await client.send("AUTH \(user) \(password ?? adminPassword)")
            guard answer.hasPrefix("+OK") else { throw HuzhuError(.auth, "test login failed: \(answer)") }
        }
        if json { _ = try await client.send("FORMAT json") }
        return client
    }

    /// Stops the daemon as SIGTERM would and drops its database.
    public func stop() async throws {
        await daemon.shutdown()
        try await runTask.value
        try? FileManager.default.removeItem(atPath: dataDirectory)
        try await database.drop()
    }
}

/// Starts a daemon, runs `body`, and stops the daemon even when `body` throws.
public func withTestDaemon<T: Sendable>(
    plugins: [any HuzhuPlugin.Type] = [], configure: @Sendable (inout HuzhuConfiguration) -> Void = { _ in },
    prepare: @Sendable (PostgresClient) async throws -> Void = { _ in }, logger: Logger = TestLog.logger,
    _ body: (TestDaemon) async throws -> T
) async throws -> T {
    let daemon = try await TestDaemon.start(plugins: plugins, configure: configure, prepare: prepare, logger: logger)
    do {
        let result = try await body(daemon)
        try await daemon.stop()
        return result
    } catch {
        try? await daemon.stop()
        throw error
    }
}

/// swift-metrics allows one backend per process: the test process bootstraps Prometheus once, and every
/// daemon under test reports into it.
public enum TestMetrics {
    public static let registry: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        return registry
    }()
}
