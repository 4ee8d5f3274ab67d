import Foundation
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

    /// What changes by the day, for a day: who is booked, and recent work (days, earnings).
    struct Day: Sendable {
        var booked: Set<Int64> = []
        var recent: [Int64: (days: Int, earned: Double)] = [:]
    }

    /// One round trip for the day's facts.
    static func day(_ connection: PostgresConnection, _ day: String, settings: LabourSettings, logger: Logger) async throws -> Day {
        enum DayFacts: PreparedStatementName {}
        let rows = try await connection.prepared(DayFacts.self,
            """
            SELECT 'b', worker_id, 0, 0::float8 FROM labour_assignment WHERE day = \(day)::date
            UNION ALL SELECT 'r', worker_id, count(*)::int, coalesce(sum(amount), 0)::float8 FROM labour_assignment
                WHERE day >= \(day)::date - \(settings.fairnessWindowDays)::int AND day < \(day)::date GROUP BY worker_id
            """, logger: logger)
        var facts = Day()
        for try await (kind, worker, days, earned) in rows.decode((String, Int64, Int, Double).self) {
            switch kind {
            case "b": facts.booked.insert(worker)
            default: facts.recent[worker] = (days, earned)
            }
        }
        return facts
    }

    /// The candidates' facts for a request on a day (unscored), with each worker's index in the snapshot.
    static func facts(for request: LabourRequest, day: String, weekday: Int, excluding: Set<Int64>, snapshot: LabourWorkerCache.Snapshot,
                      facts dayFacts: Day) -> [(LabourCandidateFacts, Int)] {
        let bit = 1 << (weekday - 1)
        let home = snapshot.coordinates[request.village]
        var found: [(LabourCandidateFacts, Int)] = []
        var distances: [Int: Double] = [:]
        // Runs for every craftsman with the skill (thousands per 找人): fields are read in place rather than
        // copying each worker (and retaining its days off), and the sets are only asked when not empty.
        let workers = snapshot.workers
        let anyBooked = !dayFacts.booked.isEmpty, anyExcluded = !excluding.isEmpty, anyRecent = !dayFacts.recent.isEmpty
        for skill in snapshot.byTask[request.task] ?? [] {
            let id = workers[skill.worker].id
            guard workers[skill.worker].weekdays & bit != 0, id != request.member,
                  !anyBooked || !dayFacts.booked.contains(id), !anyExcluded || !excluding.contains(id),
                  workers[skill.worker].daysOff.isEmpty || !workers[skill.worker].daysOff.contains(day) else { continue }
            let village = workers[skill.worker].village
            let km: Double
            if let known = distances[village] {
                km = known
            } else {
                km = village == request.village ? 0
                    : home.flatMap { a in snapshot.coordinates[village].map { labourDistanceKm(a, $0) } } ?? unknownDistanceKm
                distances[village] = km
            }
            guard km <= workers[skill.worker].travelKm else { continue }
            let recent = anyRecent ? dayFacts.recent[id] : nil
            found.append((LabourCandidateFacts(worker: id, distanceKm: km, level: skill.level, ratingSum: workers[skill.worker].ratingSum,
                                               ratingCount: workers[skill.worker].ratingCount, price: skill.price, unit: skill.unit,
                                               recentDays: recent?.days ?? 0, recentEarnings: recent?.earned ?? 0), skill.worker))
        }
        return found
    }

    /// ISO weekday (1 = Monday … 7 = Sunday) of a `YYYY-MM-DD` date.
    static func weekday(_ day: String) -> Int {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = day.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3, let date = calendar.date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2])) else { return 1 }
        return (calendar.component(.weekday, from: date) + 5) % 7 + 1
    }

    /// The best `limit` candidates (all when nil) and how many there are in all, best first.
    static func ranked(
        _ connection: PostgresConnection, cache: LabourWorkerCache, for request: LabourRequest, day: String, excluding: [Int64] = [],
        limit: Int?, named: Int = 50, settings: LabourSettings, logger: Logger
    ) async throws -> (total: Int, ranked: [LabourCandidate]) {
        let snapshot = try await cache.snapshot(connection, logger: logger)
        let dayFacts = try await Self.day(connection, day, settings: settings, logger: logger)
        let found = facts(for: request, day: day, weekday: weekday(day), excluding: Set(excluding), snapshot: snapshot, facts: dayFacts)
        var ranked = rank(found.map { ($0.0, "", snapshot.workers[$0.1].village) }, areaMu: request.areaMu, crew: request.crew,
                          weights: settings.weights, limit: limit)
        // Names only for those shown.
        let shown = ranked.prefix(named).map(\.facts.worker)
        guard !shown.isEmpty else { return (found.count, ranked) }
        let names = try await connection.query("SELECT id, name FROM member WHERE id = ANY(\(shown)::bigint[])", logger: logger)
        var byID: [Int64: String] = [:]
        for try await (id, name) in names.decode((Int64, String).self) { byID[id] = name }
        for index in ranked.indices.prefix(named) { ranked[index].name = byID[ranked[index].facts.worker] ?? "" }
        return (found.count, ranked)
    }

    /// Scores and sorts (best first; ties by worker id so the order is stable), keeping the best `limit`.
    static func rank(
        _ found: [(LabourCandidateFacts, String, Int)], areaMu: Double?, crew: Int, weights: LabourWeights, limit: Int? = nil
    ) -> [LabourCandidate] {
        let costs = found.map { LabourScore.cost(price: $0.0.price, unit: $0.0.unit, areaMu: areaMu, crew: crew) }
        let cheapest = costs.min() ?? 0
        // Every candidate is scored, but only those kept become a `LabourCandidate` (thousands per 找人: the
        // copies and their strings' reference counting cost more than the scores).
        let scores = found.indices.map { LabourScore.of(found[$0].0, cost: costs[$0], cheapest: cheapest, weights: weights) }
        let better: (Int, Int) -> Bool = {
            scores[$0].total != scores[$1].total ? scores[$0].total > scores[$1].total : found[$0].0.worker < found[$1].0.worker
        }
        var kept: [Int]
        if let limit, limit * 8 < found.count {
            // A few offers out of hundreds of candidates: keep the best few in order instead of sorting them all.
            kept = []
            kept.reserveCapacity(limit + 1)
            for index in found.indices where kept.count < limit || better(index, kept[kept.count - 1]) {
                kept.insert(index, at: kept.firstIndex { better(index, $0) } ?? kept.count)
                if kept.count > limit { kept.removeLast() }
            }
        } else {
            kept = Array(found.indices.sorted(by: better).prefix(limit ?? found.count))
        }
        return kept.map { index in
            LabourCandidate(facts: found[index].0, name: found[index].1, village: found[index].2, cost: costs[index], score: scores[index])
        }
    }
}
