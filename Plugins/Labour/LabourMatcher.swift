import HuzhuKit

/// A ranked candidate for a request, with the terms of its score.
struct LabourCandidate: Sendable {
    var facts: LabourCandidateFacts
    var name: String
    var village: Int
    /// What this worker would cost the farmer for the job (yuan).
    var cost: Double
    var score: LabourScore

    var json: JSONValue {
        ["worker": .int(Int(facts.worker)), "name": .string(name), "village": .int(village),
         "distance_km": .double((facts.distanceKm * 10).rounded() / 10), "level": .int(facts.level),
         "price": .double(facts.price), "unit": .string(facts.unit), "cost": .double(cost),
         "recent_days": .int(facts.recentDays), "recent_earnings": .double(facts.recentEarnings),
         "terms": ["distance": .double(Self.round(score.distance)), "level": .double(Self.round(score.level)),
                   "rating": .double(Self.round(score.rating)), "price": .double(Self.round(score.price)),
                   "fairness": .double(Self.round(score.fairness))],
         "score": .double(Self.round(score.total))]
    }

    static func round(_ value: Double) -> Double { (value * 1000).rounded() / 1000 }
}

/// Finds and ranks candidates: the skill, active, available that weekday and not off, within the worker's
/// travel distance of the request's village, and not booked that day (the last is also what the store
/// enforces when a place is taken).
enum LabourMatcher {
    /// Kilometres assumed between two different villages when either has no coordinates.
    static let unknownDistanceKm = 10.0

    /// The great-circle distance between villages `v` and `rv`, in SQL (coordinates in degrees).
    static let distanceSQL = """
        CASE WHEN v.id = rv.id THEN 0
             WHEN v.latitude IS NULL OR rv.latitude IS NULL THEN 10
             ELSE 12742 * asin(least(1, sqrt(power(sin(radians(v.latitude - rv.latitude) / 2), 2)
                  + cos(radians(rv.latitude)) * cos(radians(v.latitude)) * power(sin(radians(v.longitude - rv.longitude) / 2), 2))))
        END
        """

    static func candidates(
        _ connection: PostgresConnection, for request: LabourRequest, day: String, excluding: [Int64] = [],
        settings: LabourSettings, logger: Logger
    ) async throws -> [LabourCandidate] {
        let rows = try await connection.query(
            """
            SELECT c.member_id, c.name, c.village_id, c.km, c.level, c.price, c.unit, c.rating_sum, c.rating_count,
                   coalesce(recent.days, 0), coalesce(recent.earned, 0)
            FROM (
                SELECT w.member_id, m.name, w.village_id, w.travel_km, w.rating_sum, w.rating_count, s.level, s.price, s.unit,
                       \(unescaped: distanceSQL) AS km
                FROM village rv
                JOIN labour_skill s ON s.task = \(request.task)
                JOIN labour_worker w ON w.member_id = s.worker_id AND w.status = 'active'
                JOIN village v ON v.id = w.village_id
                JOIN member m ON m.id = w.member_id
                WHERE rv.id = \(request.village) AND w.member_id <> \(request.member)
                  AND NOT (w.member_id = ANY(\(excluding)::bigint[]))
                  AND (w.weekdays >> (extract(isodow FROM \(day)::date)::int - 1)) & 1 = 1
                  AND NOT EXISTS (SELECT 1 FROM labour_day_off o WHERE o.worker_id = w.member_id AND o.day = \(day)::date)
                  AND NOT EXISTS (SELECT 1 FROM labour_assignment a WHERE a.worker_id = w.member_id AND a.day = \(day)::date)
            ) c
            LEFT JOIN LATERAL (
                SELECT count(*) AS days, sum(a.amount) AS earned FROM labour_assignment a
                WHERE a.worker_id = c.member_id AND a.day >= \(day)::date - \(settings.fairnessWindowDays)::int AND a.day < \(day)::date
            ) recent ON true
            WHERE c.km <= c.travel_km
            """, logger: logger)
        var found: [(LabourCandidateFacts, String, Int)] = []
        for try await row in rows.decode((Int64, String, Int, Double, Int, Double, String, Int, Int, Int, Double).self) {
            found.append((LabourCandidateFacts(worker: row.0, distanceKm: row.3, level: row.4, ratingSum: row.7, ratingCount: row.8,
                                               price: row.5, unit: row.6, recentDays: row.9, recentEarnings: row.10), row.1, row.2))
        }
        return rank(found, areaMu: request.areaMu, crew: request.crew, weights: settings.weights)
    }

    /// Scores and sorts (best first; ties by worker id so the order is stable).
    static func rank(_ found: [(LabourCandidateFacts, String, Int)], areaMu: Double?, crew: Int, weights: LabourWeights) -> [LabourCandidate] {
        let costs = found.map { LabourScore.cost(price: $0.0.price, unit: $0.0.unit, areaMu: areaMu, crew: crew) }
        let cheapest = costs.min() ?? 0
        return zip(found, costs).map { item, cost in
            LabourCandidate(facts: item.0, name: item.1, village: item.2, cost: cost,
                            score: LabourScore.of(item.0, cost: cost, cheapest: cheapest, weights: weights))
        }.sorted { $0.score.total != $1.score.total ? $0.score.total > $1.score.total : $0.facts.worker < $1.facts.worker }
    }
}
