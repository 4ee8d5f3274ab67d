import ArgumentParser
import Foundation
import HuzhuCore
import HuzhuCulture
import HuzhuKit
import HuzhuLabour
import HuzhuMarket
import HuzhuNotice
import Logging
import Metrics
import Prometheus

/// The plugins compiled into this daemon: the one place they are listed.
let builtInPlugins: [any HuzhuPlugin.Type] = [LabourPlugin.self, CulturePlugin.self, MarketPlugin.self, NoticePlugin.self]

/// The compiled-in plugins less those the configuration disables.
func enabledPlugins(_ configuration: HuzhuConfiguration) -> [any HuzhuPlugin.Type] {
    builtInPlugins.filter { !configuration.disabledPlugins.contains($0.identity.id) }
}

struct Huzhud: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "huzhud",
        abstract: "Huzhu (互助): the service hub of a village social service centre.",
        discussion: "Settings come from flags, then HUZHU_* environment variables, then the TOML file given by --config.",
        version: HuzhuVersion.current,
        subcommands: [Run.self, Migrate.self, User.self, Demo.self],
        defaultSubcommand: Run.self)
}

/// Options every subcommand shares: where the store is.
struct StoreOptions: ParsableArguments {
    @Option(help: "TOML configuration file (env HUZHU_CONFIG)") var config: String?
    @Option(help: "Data folder; the embedded PostgreSQL cluster lives in <data-dir>/pg (env HUZHU_DATA_DIR; default ./.huzhu)") var dataDir: String?
    @Option(help: "Use this PostgreSQL server instead of the embedded cluster: postgres://user:password@host:5432/db (env HUZHU_DATABASE_URL)") var databaseUrl: String?
    @Option(help: "Folder holding initdb, pg_ctl and postgres (env HUZHU_PG_BIN_DIR; default: searched)") var pgBinDir: String?
    @Option(help: "System user that runs the embedded cluster when huzhud runs as root (env HUZHU_PG_USER; default postgres)") var pgUser: String?
    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical (env HUZHU_LOG_LEVEL; default info)") var logLevel: String?

    var flags: [String: String] {
        var flags: [String: String] = [:]
        flags["data_dir"] = dataDir
        flags["database_url"] = databaseUrl
        flags["pg_bin_dir"] = pgBinDir
        flags["pg_user"] = pgUser
        flags["log_level"] = logLevel
        return flags
    }

    /// Flags over environment over file over defaults.
    func resolve(extra: [String: String] = [:]) throws -> HuzhuConfiguration {
        let environment = ProcessInfo.processInfo.environment
        let path = config ?? environment["HUZHU_CONFIG"]
        var file: String?
        if let path {
            do { file = try String(contentsOfFile: path, encoding: .utf8) } catch {
                throw ValidationError("cannot read the config file \(path): \(error.localizedDescription)")
            }
        }
        do {
            return try HuzhuConfiguration.resolve(flags: flags.merging(extra) { $1 }, environment: environment, file: file)
        } catch {
            throw ValidationError(error.message.en)
        }
    }

    func logger(_ configuration: HuzhuConfiguration) -> Logger {
        var logger = Logger(label: "huzhud")
        logger.logLevel = configuration.logLevel
        return logger
    }
}

extension Huzhud {
    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Run the daemon (the default).")
        @OptionGroup var store: StoreOptions
        @Option(help: "Admin console address HOST:PORT (env HUZHU_CONSOLE; default 127.0.0.1:7700)") var console: String?
        @Option(help: "Also serve the console on this Unix socket (env HUZHU_CONSOLE_SOCKET)") var consoleSocket: String?
        @Option(help: "Event-loop threads for the console (env HUZHU_CONSOLE_THREADS; default 1 on 2 cores or fewer, else 2)") var consoleThreads: String?
        @Option(help: "Open console connections at most (env HUZHU_CONSOLE_MAX_CONNECTIONS; default 512)") var consoleMaxConnections: String?
        @Option(help: "Console connections not yet logged in, at most (env HUZHU_CONSOLE_MAX_UNAUTHENTICATED; default 32)") var consoleMaxUnauthenticated: String?
        @Option(help: "HTTP address HOST:PORT for gateways, health and metrics (env HUZHU_HTTP; default 127.0.0.1:7701)") var http: String?
        @Option(help: "The hub's time zone for SMS dates and quiet hours (env HUZHU_TIME_ZONE; default Asia/Shanghai)") var timeZone: String?
        @Option(help: "Console language, zh or en (env HUZHU_LANGUAGE; default zh)") var language: String?
        @Option(help: "Plugin ids not to start, comma separated (env HUZHU_DISABLED_PLUGINS)") var disablePlugin: String?
        @Option(help: "Hours when SMS notifications wait, HH:MM-HH:MM (env HUZHU_QUIET_HOURS; default 21:30-07:00)") var quietHours: String?
        @Option(help: "SMS per second each gateway may take (env HUZHU_SMS_GATEWAY_RATE; default 10)") var smsGatewayRate: String?
        @Flag(help: "Load the demo county on first start (env HUZHU_DEMO)") var demo = false

        func run() async throws {
            var extra: [String: String] = [:]
            extra["console"] = console
            extra["console_socket"] = consoleSocket
            extra["console_threads"] = consoleThreads
            extra["console_max_connections"] = consoleMaxConnections
            extra["console_max_unauthenticated"] = consoleMaxUnauthenticated
            extra["http"] = http
            extra["time_zone"] = timeZone
            extra["language"] = language
            extra["disabled_plugins"] = disablePlugin
            extra["quiet_hours"] = quietHours
            extra["sms_gateway_rate"] = smsGatewayRate
            if demo { extra["demo"] = "true" }
            let configuration = try store.resolve(extra: extra)
            let logger = store.logger(configuration)
            // swift-metrics has one backend per process: bootstrapped here, in the executable, not in the library.
            let metrics = PrometheusCollectorRegistry()
            MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: metrics))
            try await CLIErrors.reporting {
                try await HuzhuDaemon(configuration: configuration, plugins: builtInPlugins, metrics: metrics, logger: logger).run()
            }
        }
    }

    struct Migrate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Apply pending migrations, or list them with --status.")
        @OptionGroup var store: StoreOptions
        @Flag(help: "List applied and pending migrations without applying any") var status = false

        func run() async throws {
            let configuration = try store.resolve()
            let logger = store.logger(configuration)
            let status = self.status
            try await CLIErrors.reporting {
                try await HubStore.withStore(configuration, logger: logger) { hub in
                    if status {
                        for line in try await HubCommands.migrationStatus(hub, plugins: enabledPlugins(configuration), logger: logger) { print(line) }
                    } else {
                        let applied = try await HubCommands.migrate(hub, plugins: enabledPlugins(configuration), logger: logger)
                        print(applied.isEmpty ? "nothing to apply: the database is up to date" : applied.map { "applied \($0)" }.joined(separator: "\n"))
                    }
                }
            }
        }
    }

    struct Demo: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Demo data.", subcommands: [Load.self])
        struct Load: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Load the deterministic demo county (refused if villages exist).")
            @OptionGroup var store: StoreOptions
            func run() async throws {
                let configuration = try store.resolve()
                let logger = store.logger(configuration)
                try await CLIErrors.reporting {
                    try await HubStore.withStore(configuration, logger: logger) { hub in
                        try await hub.migrate(plugins: enabledPlugins(configuration), logger: logger)
                        print(try await HubCommands.loadDemo(hub, logger: logger))
                    }
                }
            }
        }
    }
}
