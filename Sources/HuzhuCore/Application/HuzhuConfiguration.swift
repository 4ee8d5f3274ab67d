import Foundation
import HuzhuConfig
import HuzhuKit
import Logging

/// Everything the daemon and its command-line tools are configured with.
///
/// Each setting comes from, in order of precedence: a command-line flag, a `HUZHU_*` environment
/// variable, the TOML file given by `--config` (or `HUZHU_CONFIG`), then the default below.
public struct HuzhuConfiguration: Sendable {
    /// Where the embedded cluster, the lock file and other state live.
    public var dataDirectory = "./.huzhu"
    /// An existing PostgreSQL server; nil runs the embedded cluster under the data folder.
    public var databaseURL: String?
    /// The admin console's TCP address.
    public var console = HostPort(host: "127.0.0.1", port: 7700)
    /// An additional Unix socket for the console.
    public var consoleSocket: String?
    /// Open console connections at most, and of those not yet logged in.
    /// Event-loop threads of the console: one on machines with two cores or fewer, where a second loop
    /// competes with the database and the clients for the cores (measured in docs/benchmarks.md).
    public var consoleThreads = ProcessInfo.processInfo.activeProcessorCount <= 2 ? 1 : 2
    public var consoleMaxConnections = 512
    public var consoleMaxUnauthenticated = 32
    /// Database connections the pool keeps open however quiet it is (see `HubStore.open`).
    public var storeKeptOpen = 12
    /// The HTTP side door (gateway webhooks, health, metrics).
    public var http = HostPort(host: "127.0.0.1", port: 7701)
    /// The hub's time zone: SMS dates and quiet hours are read in it.
    public var timeZone = "Asia/Shanghai"
    /// Quiet hours: non-urgent SMS notifications wait until they end (minutes after midnight, hub time).
    public var quietHours = (start: 21 * 60 + 30, end: 7 * 60)
    /// Messages per second each SMS gateway may take from the outbox.
    public var smsGatewayRate = 10.0
    /// Load the demo county on first start.
    public var demo = false
    /// Where initdb, pg_ctl and postgres are, when not found by the search.
    public var pgBinDirectory: String?
    /// The system user that runs the embedded cluster when huzhud runs as root.
    public var pgUser = "postgres"
    /// The console's default language.
    public var language: Language = .zh
    /// Plugins not to start.
    public var disabledPlugins: [String] = []
    /// The log level.
    public var logLevel: Logger.Level = .info
    /// The first admin's password (`HUZHU_ADMIN_PASSWORD`); a random one is printed when unset.
    public var adminPassword: String?
    /// Plugin settings by `<plugin id>.<key>`: `[plugins.<id>] key = value` in the file, or
    /// `HUZHU_PLUGINS_<ID>_<KEY>` in the environment (which wins). Checked against what plugins declare.
    public var pluginSettings: [String: String] = [:]
    /// `HUZHU_PLUGINS_<ID>_<KEY>` variables as `<id>_<key>`, split by plugin id when plugins load.
    public var pluginEnvironment: [String: String] = [:]

    /// Plugin settings by `<id>.<key>`, the environment over the file.
    public func pluginSettings(ids: [String]) -> [String: String] {
        var merged = pluginSettings
        for (name, value) in pluginEnvironment {
            if let id = ids.sorted(by: { $0.count > $1.count }).first(where: { name.hasPrefix($0 + "_") }) {
                merged["\(id).\(name.dropFirst(id.count + 1))"] = value
            } else {
                merged[name] = value  // no such plugin: the host names it in its error
            }
        }
        return merged
    }

    // Knobs for tests and benchmarks, not exposed as flags.
    /// Time to log in, and idle time before a console session is closed.
    public var consoleAuthenticationTimeout: Duration = .seconds(10)
    public var consoleIdleTimeout: Duration = .seconds(900)
    /// How long a gateway's lease on an outbox message lasts without SMS ACK.
    public var smsLeaseTimeout: Duration = .seconds(120)
    /// PBKDF2 rounds for new password hashes.
    public var passwordRounds = PasswordHasher.defaultRounds
    /// Extra settings for the embedded cluster's postgresql.conf.
    public var embeddedSettings: [String: String] = [:]
    /// Whether initdb syncs to disk.
    public var syncInitdb = true

    public init() {}

    /// One setting: its TOML key, environment variable, flag and help. The single list the CLI help,
    /// the docs and the resolver follow.
    public struct Setting: Sendable {
        public let key: String
        public let environment: String
        public let flag: String
        public let help: String
        let apply: @Sendable (inout HuzhuConfiguration, String) throws(HuzhuError) -> Void
    }

    /// Every setting, in the order `huzhud run --help` shows them.
    public static let settings: [Setting] = [
        Setting(key: "data_dir", environment: "HUZHU_DATA_DIR", flag: "--data-dir", help: "data folder (embedded cluster, lock file)") { $0.dataDirectory = $1 },
        Setting(key: "database_url", environment: "HUZHU_DATABASE_URL", flag: "--database-url",
                help: "use this PostgreSQL server instead of the embedded cluster (postgres://user:password@host:5432/db)") { $0.databaseURL = $1.isEmpty ? nil : $1 },
        Setting(key: "console", environment: "HUZHU_CONSOLE", flag: "--console", help: "admin console address HOST:PORT") { config, value throws(HuzhuError) in config.console = try HostPort(parsing: value, setting: "console") },
        Setting(key: "console_socket", environment: "HUZHU_CONSOLE_SOCKET", flag: "--console-socket", help: "also listen on this Unix socket") { $0.consoleSocket = $1.isEmpty ? nil : $1 },
        Setting(key: "console_threads", environment: "HUZHU_CONSOLE_THREADS", flag: "--console-threads",
                help: "event-loop threads for the console (default 1 on 2 cores or fewer, else 2)") { config, value throws(HuzhuError) in
            config.consoleThreads = try parseCount(value, setting: "console_threads")
        },
        Setting(key: "console_max_connections", environment: "HUZHU_CONSOLE_MAX_CONNECTIONS", flag: "--console-max-connections",
                help: "open console connections at most (default 512)") { config, value throws(HuzhuError) in
            config.consoleMaxConnections = try parseCount(value, setting: "console_max_connections")
        },
        Setting(key: "console_max_unauthenticated", environment: "HUZHU_CONSOLE_MAX_UNAUTHENTICATED", flag: "--console-max-unauthenticated",
                help: "console connections not yet logged in, at most (default 32)") { config, value throws(HuzhuError) in
            config.consoleMaxUnauthenticated = try parseCount(value, setting: "console_max_unauthenticated")
        },
        Setting(key: "store_kept_open", environment: "HUZHU_STORE_KEPT_OPEN", flag: "--store-kept-open",
                help: "database connections kept open when quiet (default 12, fewer than the pool's 32)") { config, value throws(HuzhuError) in
            let count = try parseCount(value, setting: "store_kept_open")
            guard count < 32 else { throw HuzhuError(.invalid, "store_kept_open must be below the pool's 32 connections, not \(count): give 0 to 31") }
            config.storeKeptOpen = count
        },
        Setting(key: "http", environment: "HUZHU_HTTP", flag: "--http", help: "HTTP address HOST:PORT (gateways, health, metrics)") { config, value throws(HuzhuError) in config.http = try HostPort(parsing: value, setting: "http") },
        Setting(key: "time_zone", environment: "HUZHU_TIME_ZONE", flag: "--time-zone", help: "the hub's time zone") { config, value throws(HuzhuError) in
            guard TimeZone(identifier: value) != nil else {
                throw HuzhuError(.invalid, "time zone '\(value)' is not known: use an IANA name such as Asia/Shanghai")
            }
            config.timeZone = value
        },
        Setting(key: "quiet_hours", environment: "HUZHU_QUIET_HOURS", flag: "--quiet-hours",
                help: "hours when SMS notifications wait, HH:MM-HH:MM (default 21:30-07:00; 00:00-00:00 for none)") { config, value throws(HuzhuError) in
            config.quietHours = try parseQuietHours(value)
        },
        Setting(key: "sms_gateway_rate", environment: "HUZHU_SMS_GATEWAY_RATE", flag: "--sms-gateway-rate",
                help: "SMS per second each gateway may take from the outbox (default 10)") { config, value throws(HuzhuError) in
            guard let rate = Double(value), rate > 0, rate <= 10_000 else {
                throw HuzhuError(.invalid, "sms_gateway_rate must be a number of messages per second from 0.01 to 10000, not '\(value)'")
            }
            config.smsGatewayRate = rate
        },
        Setting(key: "demo", environment: "HUZHU_DEMO", flag: "--demo", help: "load the demo county on first start") { config, value throws(HuzhuError) in config.demo = try parseBool(value, setting: "demo") },
        Setting(key: "pg_bin_dir", environment: "HUZHU_PG_BIN_DIR", flag: "--pg-bin-dir", help: "folder of initdb, pg_ctl and postgres") { $0.pgBinDirectory = $1.isEmpty ? nil : $1 },
        Setting(key: "pg_user", environment: "HUZHU_PG_USER", flag: "--pg-user", help: "system user for the embedded cluster when run as root") { $0.pgUser = $1 },
        Setting(key: "language", environment: "HUZHU_LANGUAGE", flag: "--language", help: "console language, zh or en") { config, value throws(HuzhuError) in
            guard let language = Language(rawValue: value.lowercased()) else { throw HuzhuError(.invalid, "language must be zh or en, not '\(value)'") }
            config.language = language
        },
        Setting(key: "disabled_plugins", environment: "HUZHU_DISABLED_PLUGINS", flag: "--disable-plugin", help: "plugin ids not to start (comma separated)") {
            $0.disabledPlugins = $1.split(separator: ",").map { String($0).trimmingSpaces() }.filter { !$0.isEmpty }
        },
        Setting(key: "log_level", environment: "HUZHU_LOG_LEVEL", flag: "--log-level", help: "trace, debug, info, notice, warning, error or critical") { config, value throws(HuzhuError) in
            guard let level = Logger.Level(rawValue: value.lowercased()) else {
                throw HuzhuError(.invalid, "log level '\(value)' is not known: use trace, debug, info, notice, warning, error or critical")
            }
            config.logLevel = level
        },
    ]

    /// Resolves the configuration from flags (by TOML key), the environment and an optional TOML file text.
    public static func resolve(flags: [String: String], environment: [String: String], file: String?) throws(HuzhuError) -> HuzhuConfiguration {
        var configuration = HuzhuConfiguration()
        let table = try file.map { (text) throws(HuzhuError) in try TOML.parse(text) } ?? [:]
        let known = Set(settings.map(\.key))
        if let unknown = table.keys.sorted().first(where: { !known.contains($0) && !$0.hasPrefix("plugins.") }) {
            throw HuzhuError(.invalid, "config file: unknown setting '\(unknown)'; known settings: \(settings.map(\.key).joined(separator: ", "))")
        }
        for setting in settings {
            let value: String? = flags[setting.key] ?? environment[setting.environment] ?? table[setting.key].map(Self.text(of:))
            if let value { try setting.apply(&configuration, value) }
        }
        configuration.adminPassword = environment["HUZHU_ADMIN_PASSWORD"].flatMap { $0.isEmpty ? nil : $0 }
        for (key, value) in table where key.hasPrefix("plugins.") {
            configuration.pluginSettings[String(key.dropFirst("plugins.".count))] = text(of: value)
        }
        for (name, value) in environment where name.hasPrefix("HUZHU_PLUGINS_") {
            configuration.pluginEnvironment[name.dropFirst("HUZHU_PLUGINS_".count).lowercased()] = value
        }
        return configuration
    }

    private static func text(of value: TOMLValue) -> String {
        switch value {
        case .string(let text): text
        case .integer(let number): String(number)
        case .float(let number): String(number)
        case .boolean(let flag): flag ? "true" : "false"
        case .array(let values): values.map(text(of:)).joined(separator: ",")
        }
    }

    static func parseQuietHours(_ value: String) throws(HuzhuError) -> (start: Int, end: Int) {
        func minutes(_ text: Substring) -> Int? {
            let parts = text.split(separator: ":")
            guard parts.count == 2, let hour = Int(parts[0]), let minute = Int(parts[1]), (0...23).contains(hour), (0...59).contains(minute) else { return nil }
            return hour * 60 + minute
        }
        let halves = value.split(separator: "-")
        guard halves.count == 2, let start = minutes(halves[0]), let end = minutes(halves[1]) else {
            throw HuzhuError(.invalid, "quiet_hours must be HH:MM-HH:MM, e.g. 21:30-07:00, not '\(value)'")
        }
        return (start, end)
    }

    static func parseCount(_ value: String, setting: String) throws(HuzhuError) -> Int {
        guard let count = Int(value), (1...100_000).contains(count) else {
            throw HuzhuError(.invalid, "\(setting) must be a whole number from 1 to 100000, not '\(value)'")
        }
        return count
    }

    static func parseBool(_ value: String, setting: String) throws(HuzhuError) -> Bool {
        switch value.lowercased() {
        case "1", "true", "yes", "on": return true
        case "0", "false", "no", "off", "": return false
        default: throw HuzhuError(.invalid, "\(setting) must be true or false, not '\(value)'")
        }
    }
}

/// A `HOST:PORT` address (`[::1]:7700` for IPv6).
public struct HostPort: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    public init(parsing text: String, setting: String) throws(HuzhuError) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) else {
            throw HuzhuError(.invalid, "\(setting) address '\(text)' must be HOST:PORT, e.g. 127.0.0.1:7700")
        }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { throw HuzhuError(.invalid, "\(setting) address '\(text)' has no host: write e.g. 127.0.0.1:7700") }
        self.host = host
        self.port = port
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
