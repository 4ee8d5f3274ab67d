import Foundation
import HuzhuKit

/// The settings the association tunes (declared in `MarketPlugin.identity.configuration`).
struct MarketSettings: Sendable {
    /// Commission on consigned (代销) offers when staff give none, in percent.
    var consignCommissionPct = 10.0
    /// How far a demand reaches by default, in km by road-less great circle.
    var radiusKm = 60.0
    /// How many matches one new offer or demand proposes (and SMSes about).
    var matchLimit = 3
    /// An offer still matches when its price per kg is at most this much above the buyer's.
    var priceTolerancePct = 10.0
    /// An offer matches a demand only if it covers at least this share of the demand.
    var minSharePct = 10.0
    /// How long an offer stays open when no end date is given (then it expires).
    var offerDays = 30
    /// A subscriber is alerted when the 7-day median moved more than this since the last alert.
    var alertPct = 10.0
}

/// The sales association's records, through the SDK's store handle. Split by concern into extensions.
struct MarketStore: Sendable {
    let store: any HubStoreHandle
    let words: any SMSWordBook
    let settings: MarketSettings
    let timeZone: TimeZone
    let clock: any HuzhuClock
    let logger: Logger
    let cropCache = MarketCropCache()

    /// Today in the hub's time zone.
    var today: String { day(clock.now()) }

    /// The hub-local calendar day of `date` as `YYYY-MM-DD` (SQL casts it with `::date`).
    func day(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!)
    }

    /// The crop a name stands for: the catalogue's own name, or a synonym known to the SMS vocabulary.
    func canonicalCrop(_ name: String) -> String {
        words.current.crops.canonical(for: name) ?? name
    }

    /// Runs a query whose single column is JSON text (`json_agg`), as a `JSONValue`.
    func json(_ query: PostgresQuery) async throws -> JSONValue {
        let text = try await store.read { connection in
            try await connection.query(query, logger: logger).decode(String?.self).firstElement()
        }
        return try Self.decodeJSON(text.flatMap { $0 } ?? "[]")
    }

    static func decodeJSON(_ text: String) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
    }

    /// The village of a row must be in the caller's scope (empty scope: all villages).
    static func checkScope(_ village: Int?, _ scope: [Int]) throws(HuzhuError) {
        guard !scope.isEmpty else { return }
        guard let village, scope.contains(village) else {
            throw HuzhuError(.denied, "village \(village.map(String.init) ?? "(none)") is outside your villages (\(scope.map(String.init).joined(separator: ",")))",
                             zh: "该村不在您的管辖范围内")
        }
    }
}

/// Reads of rows inside a write transaction.
extension WriteTransaction {
    func first<T: PostgresDecodable & Sendable>(_ query: PostgresQuery, as type: T.Type) async throws -> T? {
        try await self.query(query).decode(T.self).firstElement()
    }
}
