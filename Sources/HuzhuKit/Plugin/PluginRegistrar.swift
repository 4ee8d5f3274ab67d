import Foundation

/// Collects what a plugin adds during `register`. The hub checks names and keywords against every other
/// module before anything starts.
public struct PluginRegistrar: Sendable {
    public private(set) var commands: [ConsoleCommand] = []
    public private(set) var intents: [SMSIntent] = []
    public private(set) var subscriptions: [PluginSubscription] = []
    public private(set) var jobs: [PeriodicJob] = []
    public private(set) var routes: [HTTPRoute] = []
    public private(set) var demoLoaders: [PluginDemoLoader] = []
    public private(set) var cancellers: [SMSCanceller] = []

    public init() {}

    /// Adds a console command. By convention its first word is the plugin's noun (`LABOUR MATCH`).
    public mutating func command(_ command: ConsoleCommand) {
        commands.append(command)
    }

    /// Adds an SMS intent (its keywords and ASCII aliases must be unused).
    public mutating func intent(_ intent: SMSIntent) {
        intents.append(intent)
    }

    /// Subscribes to bus topics once the plugin has started.
    public mutating func subscribe(
        _ pattern: String, capacity: Int = 1024, overflow: OverflowPolicy = .dropNewest,
        _ handler: @escaping @Sendable (BusEnvelope) async throws -> Void
    ) {
        subscriptions.append(PluginSubscription(pattern: pattern, capacity: capacity, overflow: overflow, handler: handler))
    }

    /// Adds an HTTP route on the side door (token-authenticated; paths must be unused).
    public mutating func route(_ route: HTTPRoute) {
        routes.append(route)
    }

    /// Adds demo data for the demo county (`huzhud run --demo`, `huzhud demo load`).
    ///
    /// Runs once per store, after the plugin has started, whenever the store holds the demo county (members
    /// with `is_demo`). `load` writes through `tx`, the hub's transaction that also records the run in
    /// `plugin_demo`: the rows and the record commit together, so a loader that throws (or a hub stopped
    /// half-way) leaves nothing and runs again at the next start, and a committed one never runs again, even
    /// when two hubs start on one database. It should be quick (one INSERT … SELECT or COPY per table) and
    /// mark its rows as demo data where the table has a flag. Returns one line for the log (`10,214
    /// craftsmen in 100 villages`). `committed` runs after the commit, e.g. to drop what a cache holds of
    /// the tables just filled.
    ///
    /// ```swift
    /// registrar.demo { tx in try await BoardDemo.load(tx) } committed: { board.cache.invalidateAll() }
    /// ```
    public mutating func demo(
        _ load: @escaping @Sendable (_ tx: WriteTransaction) async throws -> String, committed: @escaping @Sendable () async -> Void = {}
    ) {
        demoLoaders.append(PluginDemoLoader(load: load, committed: committed))
    }

    /// Handles `取消 <ref>` (core.cancel) for the plugin's records. The hub asks each plugin in list order;
    /// the first to return a reply has handled it (cancelled, or refused with a reason). Return nil when the
    /// sender has nothing of yours with that number.
    public mutating func cancel(_ handle: @escaping @Sendable (_ request: SMSRequest, _ ref: Int64) async throws -> LocalizedText?) {
        cancellers.append(SMSCanceller(handle: handle))
    }

    /// Runs a job on a schedule while the hub runs.
    public mutating func periodic(_ job: PeriodicJob) {
        jobs.append(job)
    }
}

/// A plugin's demo data loader (see `PluginRegistrar.demo`).
public struct PluginDemoLoader: Sendable {
    /// Writes in the hub's transaction, which also records the run.
    public let load: @Sendable (_ tx: WriteTransaction) async throws -> String
    /// Runs once the loaded rows have committed.
    public let committed: @Sendable () async -> Void
}

/// A plugin's part in `取消 <ref>` (see `PluginRegistrar.cancel`).
public struct SMSCanceller: Sendable {
    public let handle: @Sendable (_ request: SMSRequest, _ ref: Int64) async throws -> LocalizedText?
}

/// A bus subscription declared at registration.
public struct PluginSubscription: Sendable {
    public let pattern: String
    public let capacity: Int
    public let overflow: OverflowPolicy
    public let handler: @Sendable (BusEnvelope) async throws -> Void
}

/// Work that runs on a schedule (reminders, expiring offers, price alerts).
public struct PeriodicJob: Sendable {
    public enum Schedule: Sendable, Equatable {
        /// Every interval, the first run one interval after start.
        case every(Duration)
        /// Once a day at this local time in the hub's time zone.
        case daily(hour: Int, minute: Int)
    }

    public let name: String
    public let schedule: Schedule
    /// Runs the job; `now` is the scheduled time. A throw is logged and counted; the schedule goes on.
    public let run: @Sendable (_ now: Date) async throws -> Void

    public init(_ name: String, schedule: Schedule, run: @escaping @Sendable (_ now: Date) async throws -> Void) {
        self.name = name
        self.schedule = schedule
        self.run = run
    }

    /// The first scheduled time after `date`.
    public func nextRun(after date: Date, timeZone: TimeZone) -> Date {
        switch schedule {
        case .every(let interval):
            let seconds = Double(interval.components.seconds) + Double(interval.components.attoseconds) * 1e-18
            return date.addingTimeInterval(max(seconds, 0.001))
        case .daily(let hour, let minute):
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = timeZone
            let components = DateComponents(hour: hour, minute: minute, second: 0)
            return calendar.nextDate(after: date, matching: components, matchingPolicy: .nextTime) ?? date.addingTimeInterval(86_400)
        }
    }
}
