/// A service module of the hub: one association, or anything a plugin developer adds.
///
/// Named `HuzhuPlugin` so it cannot be confused with SwiftPM's package plugins. Plugins are compiled
/// into `huzhud` and listed in one place there; they import `HuzhuKit` and nothing else of the hub.
///
/// The hub calls, in order: `init()`, `register(_:context:)` (declare commands, SMS intents, bus
/// subscriptions, periodic jobs), `start(_:)` (background work; throwing declines the plugin and every
/// plugin that requires it, and the hub keeps running), and `stop(_:)` at shutdown.
public protocol HuzhuPlugin: Sendable {
    /// Who the plugin is and what it needs.
    static var identity: PluginIdentity { get }
    /// Creates the plugin; keep it cheap.
    init()
    /// Declares everything the plugin adds. Names and keywords must not clash with other modules'.
    func register(_ registrar: inout PluginRegistrar, context: PluginContext) throws
    /// Starts the plugin after the store is migrated. Throw to be declined.
    func start(_ context: PluginContext) async throws
    /// Stops background work at shutdown.
    func stop(_ context: PluginContext) async
}

extension HuzhuPlugin {
    public func start(_ context: PluginContext) async throws {}
    public func stop(_ context: PluginContext) async {}
}

/// A plugin's identity: a stable id, a version, a one-line summary and the plugins it requires.
public struct PluginIdentity: Sendable, Equatable {
    /// A lowercase id, also the namespace of its console commands, bus topics and SQL folder (`labour`).
    public var id: String
    /// The plugin's own version.
    public var version: String
    /// One line for `PLUGINS` and `INFO`.
    public var summary: LocalizedText
    /// Ids of plugins that must be running for this one to start.
    public var requires: [String]
    /// Migrations the plugin ships in code, applied after those in the hub's `sql/<id>/` folder.
    public var migrations: [MigrationSource]
    /// The configuration keys it reads, set in TOML as `[plugins.<id>] key = value` or in the environment
    /// as `HUZHU_PLUGINS_<ID>_<KEY>`.
    public var configuration: [ConfigurationKey]

    public init(
        id: String, version: String, summary: LocalizedText, requires: [String] = [],
        migrations: [MigrationSource] = [], configuration: [ConfigurationKey] = []
    ) {
        self.id = id
        self.version = version
        self.summary = summary
        self.requires = requires
        self.migrations = migrations
        self.configuration = configuration
    }
}

/// One numbered SQL migration: applied once, in order, in its own transaction, never edited afterwards.
public struct MigrationSource: Sendable, Equatable {
    /// The order within its module, starting at 1.
    public var version: Int
    /// A short name (the file name without the number, e.g. `directory`).
    public var name: String
    /// The SQL, one or more statements separated by semicolons.
    public var sql: String

    public init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
    }

    /// Parses a file name of the form `0001_name.sql`, or returns nil if it is not one.
    public init?(fileName: String, sql: String) {
        guard fileName.hasSuffix(".sql") else { return nil }
        let stem = fileName.dropLast(4)
        guard let underscore = stem.firstIndex(of: "_"), let version = Int(stem[..<underscore]), version > 0 else {
            return nil
        }
        self.init(version: version, name: String(stem[stem.index(after: underscore)...]), sql: sql)
    }
}
