import Foundation

/// What a plugin gets from the hub: the store, the bus, a logger, metrics, the clock, its configuration.
public struct PluginContext: Sendable {
    /// The plugin's id (also its publisher name on the bus).
    public let plugin: String
    public let store: any HubStoreHandle
    public let bus: any MessageBus
    public let logger: Logger
    /// "Now", injectable so tests and `SMS TRY at=…` can fix it.
    public let clock: any HuzhuClock
    /// The hub's time zone, for dates in SMS and quiet hours.
    public let timeZone: TimeZone
    /// The plugin's configuration values.
    public let configuration: PluginConfiguration
    /// The SMS vocabulary (built-in words plus staff's, kept in the store): give parsers `words.provider`.
    public let words: any SMSWordBook

    public init(
        plugin: String, store: any HubStoreHandle, bus: any MessageBus, logger: Logger, clock: any HuzhuClock,
        timeZone: TimeZone, configuration: PluginConfiguration, words: any SMSWordBook = InMemoryWordBook()
    ) {
        self.words = words
        self.plugin = plugin
        self.store = store
        self.bus = bus
        self.logger = logger
        self.clock = clock
        self.timeZone = timeZone
        self.configuration = configuration
    }

    /// Publishes a non-durable message as this plugin.
    public func publish<M: BusMessage>(_ message: M) {
        bus.publish(message, from: plugin)
    }

    /// A counter named `huzhu_<plugin>_<name>` (Prometheus at `/metrics`).
    public func counter(_ name: String, dimensions: [(String, String)] = []) -> Counter {
        Counter(label: "huzhu_\(plugin)_\(name)", dimensions: dimensions)
    }

    /// A timer named `huzhu_<plugin>_<name>`.
    public func timer(_ name: String) -> Metrics.Timer {
        Metrics.Timer(label: "huzhu_\(plugin)_\(name)")
    }
}

/// A configuration key a plugin declares, with its default and a line of help.
public struct ConfigurationKey: Sendable, Equatable {
    public let name: String
    public let defaultValue: String
    public let help: String

    public init(_ name: String, default defaultValue: String, help: String) {
        self.name = name
        self.defaultValue = defaultValue
        self.help = help
    }
}

/// A plugin's configuration values (declared keys only, defaults filled in).
public struct PluginConfiguration: Sendable, Equatable {
    public let plugin: String
    public let values: [String: String]

    public init(plugin: String, values: [String: String]) {
        self.plugin = plugin
        self.values = values
    }

    /// The value of a declared key.
    public func string(_ key: String) -> String {
        values[key] ?? ""
    }

    public func int(_ key: String) throws(HuzhuError) -> Int {
        guard let value = Int(string(key)) else { throw invalid(key, "a whole number") }
        return value
    }

    public func double(_ key: String) throws(HuzhuError) -> Double {
        guard let value = Double(string(key)) else { throw invalid(key, "a number") }
        return value
    }

    public func bool(_ key: String) throws(HuzhuError) -> Bool {
        switch string(key).lowercased() {
        case "true", "1", "yes", "on": return true
        case "false", "0", "no", "off": return false
        default: throw invalid(key, "true or false")
        }
    }

    private func invalid(_ key: String, _ form: String) -> HuzhuError {
        HuzhuError(.invalid, "setting plugins.\(plugin).\(key) = '\(string(key))' must be \(form)")
    }
}
