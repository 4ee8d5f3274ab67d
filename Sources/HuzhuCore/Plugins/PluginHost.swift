import Foundation
import HuzhuBus
import HuzhuConsole
import HuzhuKit
import Synchronization

/// What `PLUGINS` shows about one plugin.
public struct PluginStatus: Sendable, Equatable {
    public enum State: Sendable, Equatable {
        case running
        case disabled
        /// Not started: its start threw, or a plugin it requires is not running.
        case declined(String)
    }
    public let id: String
    public let version: String
    public let summary: LocalizedText
    public let requires: [String]
    public var state: State
    public var commands: [String] = []
    public var intents: [String] = []

    public var json: JSONValue {
        var stateText = "running"
        var reason: JSONValue = .null
        switch state {
        case .running: break
        case .disabled: stateText = "disabled"
        case .declined(let why):
            stateText = "declined"
            reason = .string(why)
        }
        return ["id": .string(id), "version": .string(version), "summary": .string(summary.en), "state": .string(stateText),
                "reason": reason, "requires": .array(requires.map { .string($0) }),
                "commands": .array(commands.map { .string($0) }), "intents": .array(intents.map { .string($0) })]
    }
}

/// Loads the compiled-in plugins: checks them, registers what they add, starts them in dependency order,
/// declines those that fail (with everything that requires them), and stops them at shutdown.
///
/// Clashes (two plugins with one id, one command name or one SMS keyword) stop the start-up with a message
/// naming both sides: they are build mistakes, not runtime conditions.
public final class PluginHost: Sendable {
    private let plugins: [any HuzhuPlugin.Type]
    private let disabled: Set<String>
    private let settings: [String: String]
    private let makeContext: @Sendable (String, PluginConfiguration) -> PluginContext
    private let logger: Logger
    private let state = Mutex(State())

    struct State {
        var statuses: [PluginStatus] = []
        var running: [(any HuzhuPlugin, PluginContext)] = []
        var subscriptions: [any BusSubscription] = []
        var jobs: [Task<Void, Never>] = []
        var intents: [SMSIntent] = []
        var routes: [HTTPRoute] = []
        var cancellers: [SMSCanceller] = []
        var demoLoaders: [(plugin: String, loader: PluginDemoLoader)] = []
        var started = false
    }

    struct Loaded {
        var plugin: any HuzhuPlugin
        var context: PluginContext
        var registrar: PluginRegistrar
    }

    /// - Parameters:
    ///   - settings: plugin settings by `<id>.<key>` (from `[plugins.<id>]` in TOML or the environment).
    ///   - makeContext: builds a plugin's context from its id and configuration.
    public init(
        plugins: [any HuzhuPlugin.Type], disabled: [String], settings: [String: String], logger: Logger,
        makeContext: @escaping @Sendable (String, PluginConfiguration) -> PluginContext
    ) {
        self.plugins = plugins
        self.disabled = Set(disabled)
        self.settings = settings
        self.makeContext = makeContext
        self.logger = logger
    }

    /// Registers and starts the plugins; adds the running ones' commands to `registry`.
    public func start(into registry: inout ConsoleRegistry, bus: any MessageBus, clock: any HuzhuClock, timeZone: TimeZone) async throws {
        try checkIdentities()
        var statuses = plugins.map { type in
            let identity = type.identity
            return PluginStatus(id: identity.id, version: identity.version, summary: identity.summary, requires: identity.requires,
                                state: disabled.contains(identity.id) ? .disabled : .running)
        }
        func decline(_ id: String, _ reason: String) {
            guard let index = statuses.firstIndex(where: { $0.id == id }), statuses[index].state == .running else { return }
            statuses[index].state = .declined(reason)
            logger.error("plugin \(id) declined: \(reason)")
        }
        func isRunning(_ id: String) -> Bool { statuses.first { $0.id == id }?.state == .running }

        // Register, in list order: a plugin comes after those it requires.
        var loaded: [Loaded] = []
        for type in plugins where isRunning(type.identity.id) {
            let identity = type.identity
            // A required plugin must come earlier in the list and have registered.
            if let missing = identity.requires.first(where: { required in !loaded.contains { $0.context.plugin == required } }) {
                decline(identity.id, "it requires \(missing), which is not running")
                continue
            }
            let context = makeContext(identity.id, try configuration(for: identity))
            let plugin = type.init()
            var registrar = PluginRegistrar()
            do {
                try plugin.register(&registrar, context: context)
            } catch {
                decline(identity.id, "its registration failed: \(Self.describe(error))")
                continue
            }
            loaded.append(Loaded(plugin: plugin, context: context, registrar: registrar))
        }
        try checkClashes(loaded, against: registry)

        // Start in order; a failure declines the plugin and, transitively, those that require it.
        var started: [Loaded] = []
        for item in loaded {
            let id = item.context.plugin
            if let missing = type(of: item.plugin).identity.requires.first(where: { !isRunning($0) }) {
                decline(id, "it requires \(missing), which is not running")
                continue
            }
            do {
                try await item.plugin.start(item.context)
                started.append(item)
            } catch {
                decline(id, "its start failed: \(Self.describe(error))")
            }
        }

        var subscriptions: [any BusSubscription] = []
        var jobs: [Task<Void, Never>] = []
        var intents: [SMSIntent] = []
        var routes: [HTTPRoute] = []
        var cancellers: [SMSCanceller] = []
        var demoLoaders: [(plugin: String, loader: PluginDemoLoader)] = []
        for item in started {
            let id = item.context.plugin
            for command in item.registrar.commands { try registry.register(command, owner: id) }
            for (index, subscription) in item.registrar.subscriptions.enumerated() {
                subscriptions.append(bus.subscribe(subscription.pattern, as: "\(id).\(index + 1)", capacity: subscription.capacity,
                                                   overflow: subscription.overflow, subscription.handler))
            }
            for job in item.registrar.jobs {
                jobs.append(Self.schedule(job, plugin: id, clock: clock, timeZone: timeZone, logger: logger))
            }
            intents += item.registrar.intents
            routes += item.registrar.routes
            cancellers += item.registrar.cancellers
            demoLoaders += item.registrar.demoLoaders.map { (id, $0) }
            if let index = statuses.firstIndex(where: { $0.id == id }) {
                statuses[index].commands = item.registrar.commands.map(\.name)
                statuses[index].intents = item.registrar.intents.map(\.name)
            }
        }
        let finalStatuses = statuses
        state.withLock { state in
            state.statuses = finalStatuses
            state.running = started.map { ($0.plugin, $0.context) }
            state.subscriptions = subscriptions
            state.jobs = jobs
            state.intents = intents
            state.routes = routes
            state.cancellers = cancellers
            state.demoLoaders = demoLoaders
            state.started = true
        }
    }

    /// Stops jobs and subscriptions, then the plugins in reverse order.
    public func stop() async {
        let (running, subscriptions, jobs) = state.withLock { state in
            defer { state.running = []; state.subscriptions = []; state.jobs = [] }
            return (state.running, state.subscriptions, state.jobs)
        }
        jobs.forEach { $0.cancel() }
        for job in jobs { await job.value }
        subscriptions.forEach { $0.cancel() }
        for (plugin, context) in running.reversed() { await plugin.stop(context) }
    }

    /// Every plugin's status, in list order.
    public var statuses: [PluginStatus] { state.withLock { $0.statuses } }

    /// The SMS intents of the running plugins.
    public var intents: [SMSIntent] { state.withLock { $0.intents } }

    /// The running plugins' parts in `取消 <ref>`, in list order.
    public var cancellers: [SMSCanceller] { state.withLock { $0.cancellers } }

    /// Runs the running plugins' demo loaders that have not run on this store yet, each in the transaction
    /// that records it in `plugin_demo`. A failing loader is logged, leaves nothing, and runs again at the
    /// next start.
    public func loadDemoData(_ store: any HubStoreHandle, logger: Logger) async {
        for (plugin, loader) in state.withLock({ $0.demoLoaders }) {
            do {
                guard let summary = try await Self.loadDemo(of: plugin, loader, store) else { continue }
                await loader.committed()
                logger.notice("demo data of \(plugin): \(summary)")
            } catch {
                logger.error("demo data of \(plugin) failed: \(Self.describe(error))")
            }
        }
    }

    /// The loader's summary, or nil when the store has the plugin's demo data already.
    private static func loadDemo(of plugin: String, _ loader: PluginDemoLoader, _ store: any HubStoreHandle) async throws -> String? {
        try await store.write(as: Actor("plugin:\(plugin)")) { tx in
            // The record goes in first, as the lock: a hub starting beside this one waits on its key until
            // this transaction ends, then finds it committed (and skips) or rolled back (and loads).
            let claimed = try await tx.query(
                "INSERT INTO plugin_demo (plugin, summary) VALUES (\(plugin), '') ON CONFLICT DO NOTHING RETURNING plugin"
            ).decode(String.self).firstElement() != nil
            guard claimed else { return nil }
            let summary = try await loader.load(tx)
            try await tx.execute("UPDATE plugin_demo SET summary = \(summary) WHERE plugin = \(plugin)")
            return summary
        }
    }

    /// The HTTP routes of the running plugins.
    public var routes: [HTTPRoute] { state.withLock { $0.routes } }

    /// True once `start` has finished (whatever was declined).
    public var hasStarted: Bool { state.withLock { $0.started } }

    // MARK: - Checks

    private func checkIdentities() throws {
        var seen = Set<String>()
        for type in plugins {
            let id = type.identity.id
            guard !id.isEmpty, id.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "_") }), id != "core" else {
                throw HuzhuError(.invalid, "plugin \(type) has the id '\(id)': use lowercase letters, digits and _, and not 'core'")
            }
            guard seen.insert(id).inserted else {
                throw HuzhuError(.conflict, "two plugins have the id '\(id)': every plugin needs its own id")
            }
        }
        for name in disabled where !seen.contains(name) {
            throw HuzhuError(.invalid, "disabled_plugins names '\(name)', which is not a plugin of this build (plugins: \(seen.sorted().joined(separator: ", ")))")
        }
        let prefixes = Set(plugins.map { $0.identity.id })
        for key in settings.keys {
            let id = String(key.prefix { $0 != "." })
            guard prefixes.contains(id) else {
                throw HuzhuError(.invalid, "setting plugins.\(key) is for '\(id)', which is not a plugin of this build")
            }
        }
    }

    private func configuration(for identity: PluginIdentity) throws -> PluginConfiguration {
        var values: [String: String] = [:]
        for key in identity.configuration { values[key.name] = key.defaultValue }
        for (fullKey, value) in settings where fullKey.hasPrefix(identity.id + ".") {
            let key = String(fullKey.dropFirst(identity.id.count + 1))
            guard values[key] != nil else {
                let known = identity.configuration.map(\.name).joined(separator: ", ")
                throw HuzhuError(.invalid, "plugin \(identity.id) has no setting '\(key)' (its settings: \(known.isEmpty ? "none" : known))")
            }
            values[key] = value
        }
        return PluginConfiguration(plugin: identity.id, values: values)
    }

    private func checkClashes(_ loaded: [Loaded], against registry: ConsoleRegistry) throws {
        var commandOwners: [String: String] = [:]
        for command in registry.all { commandOwners[command.name] = "core" }
        var keywordOwners: [String: String] = [:]
        var intentOwners: [String: String] = [:]
        var routeOwners: [String: String] = ["GET /healthz": "core", "GET /readyz": "core", "GET /metrics": "core",
                                             "GET /gateway/kannel": "core", "GET /gateway/kannel/dlr": "core"]
        for item in loaded {
            let id = item.context.plugin
            for route in item.registrar.routes {
                let key = "\(route.method.rawValue) \(route.path)"
                guard route.path.hasPrefix("/") else {
                    throw HuzhuError(.invalid, "HTTP route \(route.path) of \(id) must be an absolute path (/gateway/…)")
                }
                if let other = routeOwners[key] {
                    throw HuzhuError(.conflict, "HTTP route \(key) is registered by both \(other) and \(id)")
                }
                routeOwners[key] = id
            }
            for command in item.registrar.commands {
                if let other = commandOwners[command.name] {
                    throw HuzhuError(.conflict, "console command \(command.name) is registered by both \(other) and \(id): rename one")
                }
                commandOwners[command.name] = id
            }
            for intent in item.registrar.intents {
                if let other = intentOwners[intent.name] {
                    throw HuzhuError(.conflict, "SMS intent \(intent.name) is registered by both \(other) and \(id)")
                }
                intentOwners[intent.name] = id
                for keyword in intent.keywords + intent.aliases.map({ $0.uppercased() }) {
                    if let other = keywordOwners[keyword] {
                        throw HuzhuError(.conflict, "SMS keyword '\(keyword)' is claimed by both \(other) and \(intent.name): keywords must be unique")
                    }
                    keywordOwners[keyword] = intent.name
                }
            }
        }
    }

    // MARK: - Periodic jobs

    static func schedule(_ job: PeriodicJob, plugin: String, clock: any HuzhuClock, timeZone: TimeZone, logger: Logger) -> Task<Void, Never> {
        let failures = Counter(label: "huzhu_job_failures_total", dimensions: [("job", "\(plugin).\(job.name)")])
        return Task.detached {
            var last = clock.now()
            while !Task.isCancelled {
                let next = job.nextRun(after: last, timeZone: timeZone)
                let wait = max(0, next.timeIntervalSince(clock.now()))
                do { try await Task.sleep(for: .milliseconds(Int(wait * 1000))) } catch { return }
                do {
                    try await job.run(next)
                } catch {
                    failures.increment()
                    logger.error("periodic job \(plugin).\(job.name) failed: \(describe(error))")
                }
                last = next
            }
        }
    }

    static func describe(_ error: any Error) -> String {
        (error as? HuzhuError)?.message.en ?? String(reflecting: error)
    }
}
