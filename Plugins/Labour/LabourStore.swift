import Foundation
import HuzhuKit

/// The association's records, through the SDK's store handle. Every write is one audited transaction.
struct LabourStore: Sendable {
    let store: any HubStoreHandle
    let settings: LabourSettings
    let clock: any HuzhuClock
    let timeZone: TimeZone
    let logger: Logger
    /// Workers' slowly changing facts in memory, for fast ranking; told after every change to them.
    let cache = LabourWorkerCache()
    /// Task codes and names (append-only, so cached without invalidation).
    let tasks = LabourTaskNames()

    init(_ context: PluginContext) throws {
        self.store = context.store
        self.settings = try LabourSettings(context.configuration)
        self.clock = context.clock
        self.timeZone = context.timeZone
        self.logger = context.logger
    }

    /// Today in the hub's time zone, `YYYY-MM-DD`.
    func today(_ now: Date? = nil) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.year, .month, .day], from: now ?? clock.now())
        return String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!)
    }

    func read<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        try await store.read(body)
    }

    /// Whether `query` finds a row: the cheap check SMS handlers make before a write transaction, so that a
    /// number that is not the sender's costs one read instead of locks and a commit.
    func exists<Name: PreparedStatementName>(_ name: Name.Type, _ query: PostgresQuery) async throws -> Bool {
        try await read { try await $0.prepared(name, query, logger: logger).firstElement() != nil }
    }
}

/// The plugin's settings (declared in `LabourPlugin.identity.configuration`).
struct LabourSettings: Sendable {
    var weights: LabourWeights
    /// How many workers one round of offers goes to, per open place.
    var offerBatch: Int
    /// Minutes an offer stays open.
    var offerMinutes: Int
    /// Days before the job's day that count for fairness.
    var fairnessWindowDays: Int
    /// Offer automatically when a request is created.
    var autoOffer: Bool

    static let keys: [ConfigurationKey] = [
        ConfigurationKey("weight_distance", default: "3", help: "match score weight of nearness (term 1 - km/distance_scale_km)"),
        ConfigurationKey("weight_level", default: "2", help: "match score weight of skill level (level/5)"),
        ConfigurationKey("weight_rating", default: "2", help: "match score weight of farmers' ratings (stars/5, two 3-star votes as prior)"),
        ConfigurationKey("weight_price", default: "1", help: "match score weight of price (cheapest cost / this cost)"),
        ConfigurationKey("weight_fairness", default: "3", help: "match score weight of fairness (idle workers first)"),
        ConfigurationKey("weight_priority", default: "2", help: "day plan bonus per filled place of a priority household"),
        ConfigurationKey("distance_scale_km", default: "30", help: "distance at which the distance term reaches 0"),
        ConfigurationKey("fairness_window_days", default: "30", help: "days before the job's day counted for fairness"),
        ConfigurationKey("fairness_days", default: "10", help: "days worked in the window that zero the days half of fairness"),
        ConfigurationKey("fairness_earnings", default: "3000", help: "yuan earned in the window that zero the earnings half of fairness"),
        ConfigurationKey("offer_batch", default: "3", help: "workers offered a job at once, per open place"),
        ConfigurationKey("offer_minutes", default: "120", help: "minutes before an unanswered offer expires and goes to the next candidates"),
        ConfigurationKey("auto_offer", default: "true", help: "send offers as soon as a request is created"),
    ]

    init(_ configuration: PluginConfiguration) throws {
        weights = LabourWeights(
            distance: try configuration.double("weight_distance"), level: try configuration.double("weight_level"),
            rating: try configuration.double("weight_rating"), price: try configuration.double("weight_price"),
            fairness: try configuration.double("weight_fairness"), priority: try configuration.double("weight_priority"),
            distanceScaleKm: try configuration.double("distance_scale_km"), fairnessDays: try configuration.double("fairness_days"),
            fairnessEarnings: try configuration.double("fairness_earnings"))
        offerBatch = max(1, try configuration.int("offer_batch"))
        offerMinutes = max(1, try configuration.int("offer_minutes"))
        fairnessWindowDays = max(1, try configuration.int("fairness_window_days"))
        autoOffer = try configuration.bool("auto_offer")
    }
}
