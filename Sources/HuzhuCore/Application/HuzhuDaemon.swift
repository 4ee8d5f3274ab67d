import Foundation
import HuzhuBus
import HuzhuConsole
import HuzhuDemo
import HuzhuHTTP
import HuzhuKit
import HuzhuStore
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import PostgresNIO
import Prometheus
import ServiceLifecycle
import UnixSignals

/// What a started daemon tells whoever waits for it (the start-up line, tests).
public struct DaemonReady: Sendable {
    /// The console's bound TCP address.
    public let consoleHost: String
    public let consolePort: Int
    /// The HTTP side door's bound port.
    public let httpPort: Int
    /// Which store it uses.
    public let store: String
    /// The running hub (for tests that look inside).
    public let hub: Hub
}

/// The `huzhud` daemon: opens the store, migrates, serves the console; stops cleanly on SIGTERM/SIGINT.
///
/// The PostgreSQL pool is the first service of the group so that it stops last; the embedded cluster
/// stops after the group has finished.
public final class HuzhuDaemon: Sendable {
    public let configuration: HuzhuConfiguration
    /// Every compiled-in plugin; the configuration's disabled ones are shown as disabled and not started.
    let allPlugins: [any HuzhuPlugin.Type]
    let logger: Logger
    /// Where swift-metrics reports go, for `/metrics` (bootstrapped once per process by the executable).
    let metrics: PrometheusCollectorRegistry?
    private let group = NIOLockedValueBox<ServiceGroup?>(nil)
    private let stopRequested = NIOLockedValueBox(false)

    public init(configuration: HuzhuConfiguration, plugins: [any HuzhuPlugin.Type], metrics: PrometheusCollectorRegistry? = nil, logger: Logger) {
        self.configuration = configuration
        self.allPlugins = plugins
        self.metrics = metrics
        self.logger = logger
    }

    /// Runs until a signal (when `handleSignals`) or `shutdown()`. Calls `onReady` once serving.
    public func run(handleSignals: Bool = true, onReady: (@Sendable (DaemonReady) -> Void)? = nil) async throws {
        let lock = try DataDirectoryLock(dataDirectory: configuration.dataDirectory)
        let store = try await HubStore.open(configuration, logger: logger)
        let hub = HubService(daemon: self, store: store, onReady: onReady)
        let serviceGroup = ServiceGroup(
            configuration: .init(
                services: [.init(service: store.client), .init(service: hub, successTerminationBehavior: .gracefullyShutdownGroup)],
                gracefulShutdownSignals: handleSignals ? [.sigterm, .sigint] : [],
                logger: logger))
        group.withLockedValue { $0 = serviceGroup }
        if stopRequested.withLockedValue({ $0 }) { await serviceGroup.triggerGracefulShutdown() }
        do {
            try await serviceGroup.run()
        } catch {
            try? await store.cluster?.stop()
            throw error
        }
        try await store.cluster?.stop()
        logger.info("huzhud stopped")
        withExtendedLifetime(lock) {}
    }

    /// Asks a running daemon to stop as SIGTERM would.
    public func shutdown() async {
        stopRequested.withLockedValue { $0 = true }
        if let serviceGroup = group.withLockedValue({ $0 }) { await serviceGroup.triggerGracefulShutdown() }
    }
}

/// The hub proper, as a service: migrate, set up, start plugins, serve; on graceful shutdown drain the
/// console, stop the plugins, let the bus finish, and record which durable events were handled.
struct HubService: Service {
    let daemon: HuzhuDaemon
    let store: HubStore
    let onReady: (@Sendable (DaemonReady) -> Void)?

    func run() async throws {
        let configuration = daemon.configuration
        let logger = daemon.logger
        let enabled = daemon.allPlugins.filter { !configuration.disabledPlugins.contains($0.identity.id) }
        try await store.migrate(plugins: enabled, logger: logger)
        let clock = SystemClock()
        let timeZone = TimeZone(identifier: configuration.timeZone) ?? TimeZone(identifier: "Asia/Shanghai")!
        let words = StoredWordBook(store: store.handle)
        try await words.load()
        let host = PluginHost(
            plugins: daemon.allPlugins, disabled: configuration.disabledPlugins,
            settings: configuration.pluginSettings(ids: daemon.allPlugins.map { $0.identity.id }), logger: logger
        ) { [store, words] id, pluginConfiguration in
            var pluginLogger = logger
            pluginLogger[metadataKey: "plugin"] = "\(id)"
            return PluginContext(plugin: id, store: store.handle, bus: store.bus, logger: pluginLogger, clock: clock,
                                 timeZone: timeZone, configuration: pluginConfiguration, words: words)
        }
        let hub = Hub(configuration: configuration, store: store, plugins: host, words: words)
        try await FirstStart.ensureAdmin(hub.accounts, password: configuration.adminPassword, logger: logger)
        if configuration.demo {
            try await FirstStart.loadDemoIfEmpty(store.client, logger: logger)
        }

        var registry = try CoreCommands.registry(hub: hub)
        try await host.start(into: &registry, bus: store.bus, clock: clock, timeZone: timeZone)
        hub.sms.service.install(pluginIntents: host.intents, cancellers: host.cancellers)
        let hasDemoCounty = try await FirstStart.hasDemoCounty(store.client, logger: logger)
        if hasDemoCounty {
            await host.loadDemoData(store.handle, logger: logger)
        }
        // Subscribers are in place: now replay what a previous run committed but did not get handled.
        try await store.handle.outbox.replayUndispatched()
        let released = try await hub.sms.outbox.releaseLeases()
        if released > 0 { logger.notice("returned \(released) SMS leased before the last stop to the outbox") }

        var consoleConfiguration = ConsoleConfiguration()
        consoleConfiguration.host = configuration.console.host
        consoleConfiguration.port = configuration.console.port
        consoleConfiguration.unixSocketPath = configuration.consoleSocket
        consoleConfiguration.defaultLanguage = configuration.language
        consoleConfiguration.maximumConnections = configuration.consoleMaxConnections
        consoleConfiguration.maximumUnauthenticated = configuration.consoleMaxUnauthenticated
        consoleConfiguration.authenticationTimeout = configuration.consoleAuthenticationTimeout
        consoleConfiguration.idleTimeout = configuration.consoleIdleTimeout
        // The console keeps its own loop (one thread on two cores): on the shared loops its PING p99 doubled
        // under redis-benchmark's 50 connections, while commands gain little (they hop once per command,
        // the database round trips inside it stay on the shared loops). docs/architecture.md, "Threads".
        let consoleLoops = MultiThreadedEventLoopGroup(numberOfThreads: configuration.consoleThreads)
        defer { consoleLoops.shutdownGracefully { _ in } }
        let console = ConsoleServer(
            configuration: consoleConfiguration, registry: registry,
            authenticator: StaffAuthenticator(accounts: hub.accounts, throttle: LoginThrottle()), bus: store.bus,
            group: consoleLoops, logger: logger)
        let address = try await console.start()
        hub.attach(console)
        let port = address.port ?? configuration.console.port

        let sideDoor = HTTPSideDoor(
            host: configuration.http.host, port: configuration.http.port, routes: KannelRoutes.routes(hub) + host.routes,
            readiness: Readiness.checks(hub: hub, plugins: daemon.allPlugins), metrics: daemon.metrics,
            verifyToken: { try await hub.accounts.verify(token: $0) }, logger: logger)
        let (httpPorts, httpPortContinuation) = AsyncStream.makeStream(of: Int.self)
        try await withThrowingTaskGroup(of: Void.self) { group in
            // Runs until the service group's graceful shutdown reaches it (the shutdown context is task-local).
            group.addTask { try await sideDoor.run { httpPortContinuation.yield($0); httpPortContinuation.finish() } }
            var ports = httpPorts.makeAsyncIterator()
            let httpPort = await ports.next() ?? configuration.http.port
            logger.notice("huzhud \(HuzhuVersion.current) listening: console \(configuration.console.host):\(port), http \(configuration.http.host):\(httpPort), store \(store.summary), tasks \(SharedEventLoops.installed ? "on the database's event loops" : "on Swift's threads")")
            onReady?(DaemonReady(consoleHost: configuration.console.host, consolePort: port, httpPort: httpPort, store: store.summary, hub: hub))

            // Serve until asked to stop, then let sessions finish the command they are running.
            try? await gracefulShutdown()
            logger.info("shutting down: no new connections, finishing running commands")
            await console.shutdown()
            try await group.waitForAll()
        }
        await host.stop()
        await store.bus.drain()
        await store.handle.outbox.waitUntilFlushed()
    }
}

/// The version shown by `INFO` and the start-up line.
public enum HuzhuVersion {
    public static let current = "0.1.0"
}
