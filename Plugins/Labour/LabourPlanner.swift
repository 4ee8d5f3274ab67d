import HuzhuKit

/// A day plan: every open request of the day against every available worker at once.
struct LabourPlan: Sendable {
    struct Placement: Sendable {
        var request: LabourRequest
        var workers: [(id: Int64, score: Double)]
        var open: Int
    }

    var date: String
    var placements: [Placement]
    var total: Double
    var greedyTotal: Double
    var filled: Int
    var greedyFilled: Int
    var places: Int
    var workersAvailable: Int

    var json: JSONValue {
        ["date": .string(date), "total": .double(LabourCandidate.round(total)), "greedy_total": .double(LabourCandidate.round(greedyTotal)),
         "filled": .int(filled), "greedy_filled": .int(greedyFilled), "places": .int(places), "workers_available": .int(workersAvailable),
         "requests": .array(placements.map { placement in
             ["request": .int(Int(placement.request.id)), "task": .string(placement.request.task), "priority": .bool(placement.request.priority),
              "open": .int(placement.open),
              "workers": .array(placement.workers.map { ["worker": .int(Int($0.id)), "score": .double(LabourCandidate.round($0.score))] })]
         })]
    }
}

/// Builds day plans: loads the day's open places and available workers, scores every possible pairing with
/// the match score (plus the priority bonus), and solves the assignment exactly (`LabourAssignment.optimal`);
/// greedy one-by-one matching over the same scores is computed beside it for comparison.
enum LabourPlanner {
    private struct PoolWorker {
        var id: Int64
        var village: Int
        var travelKm: Double
        var ratingSum: Int
        var ratingCount: Int
        var recentDays: Int
        var recentEarnings: Double
        var skills: [String: (level: Int, price: Double, unit: String)]
    }

    static func plan(_ connection: PostgresConnection, date: String, scope: [Int], settings: LabourSettings, logger: Logger) async throws -> LabourPlan {
        // Open places of the day: requests in their window, less places already filled by accepted offers.
        let requestRows = try await connection.query(
            """
            SELECT \(unescaped: LabourRequest.columns),
                   r.crew - coalesce((SELECT count(*) FROM labour_assignment a JOIN labour_job j ON j.id = a.job_id
                                      WHERE j.request_id = r.id AND j.state IN ('open', 'offered')), 0)::int
            FROM labour_request r
            WHERE r.state = 'open' AND r.date_from <= \(date)::date AND r.date_to >= \(date)::date
              AND (cardinality(\(scope)::int[]) = 0 OR r.village_id = ANY(\(scope)::int[]))
            ORDER BY r.priority DESC, r.date_to, r.id
            """, logger: logger)
        var requests: [(LabourRequest, Int)] = []
        for try await row in requestRows.decode((Int64, Int64, Int64?, Int, String, Double?, String, String, Int, String, Bool, String, String?, String, Int).self) {
            let request = LabourRequest((row.0, row.1, row.2, row.3, row.4, row.5, row.6, row.7, row.8, row.9, row.10, row.11, row.12, row.13))
            if row.14 > 0 { requests.append((request, row.14)) }
        }
        // Workers free that day, with their skills and recent work.
        let workerRows = try await connection.query(
            """
            SELECT w.member_id, w.village_id, w.travel_km, w.rating_sum, w.rating_count,
                   coalesce(recent.days, 0), coalesce(recent.earned, 0), s.task, s.level, s.price, s.unit
            FROM labour_worker w
            JOIN labour_skill s ON s.worker_id = w.member_id
            LEFT JOIN LATERAL (
                SELECT count(*) AS days, sum(a.amount) AS earned FROM labour_assignment a
                WHERE a.worker_id = w.member_id AND a.day >= \(date)::date - \(settings.fairnessWindowDays)::int AND a.day < \(date)::date
            ) recent ON true
            WHERE w.status = 'active' AND (w.weekdays >> (extract(isodow FROM \(date)::date)::int - 1)) & 1 = 1
              AND NOT EXISTS (SELECT 1 FROM labour_day_off o WHERE o.worker_id = w.member_id AND o.day = \(date)::date)
              AND NOT EXISTS (SELECT 1 FROM labour_assignment a WHERE a.worker_id = w.member_id AND a.day = \(date)::date)
            ORDER BY w.member_id
            """, logger: logger)
        var pool: [PoolWorker] = []
        for try await row in workerRows.decode((Int64, Int, Double, Int, Int, Int, Double, String, Int, Double, String).self) {
            if pool.last?.id != row.0 {
                pool.append(PoolWorker(id: row.0, village: row.1, travelKm: row.2, ratingSum: row.3, ratingCount: row.4,
                                       recentDays: row.5, recentEarnings: row.6, skills: [:]))
            }
            pool[pool.count - 1].skills[row.7] = (row.8, row.9, row.10)
        }
        let coordinates = try await villageCoordinates(connection, logger: logger)
        var byTask: [String: [Int]] = [:]
        for (index, worker) in pool.enumerated() { for task in worker.skills.keys { byTask[task, default: []].append(index) } }

        // Slots: a request of crew n with k places open is k identical slots.
        var slots: [[LabourEdge]] = []
        var slotRequest: [Int] = []
        var distanceCache: [Int64: Double] = [:]
        for (requestIndex, (request, open)) in requests.enumerated() {
            var found: [(LabourCandidateFacts, String, Int)] = []
            var indexOf: [Int64: Int] = [:]
            for index in byTask[request.task] ?? [] {
                let worker = pool[index]
                guard worker.id != request.member, let skill = worker.skills[request.task] else { continue }
                let key = Int64(min(worker.village, request.village)) << 32 | Int64(max(worker.village, request.village))
                let km = distanceCache[key] ?? {
                    let value = distance(worker.village, request.village, coordinates)
                    distanceCache[key] = value
                    return value
                }()
                guard km <= worker.travelKm else { continue }
                indexOf[worker.id] = index
                found.append((LabourCandidateFacts(worker: worker.id, distanceKm: km, level: skill.level, ratingSum: worker.ratingSum,
                                                   ratingCount: worker.ratingCount, price: skill.price, unit: skill.unit,
                                                   recentDays: worker.recentDays, recentEarnings: worker.recentEarnings), "", worker.village))
            }
            let ranked = LabourMatcher.rank(found, areaMu: request.areaMu, crew: request.crew, weights: settings.weights)
            let bonus = request.priority ? settings.weights.priority : 0
            let edges = ranked.map { LabourEdge(worker: indexOf[$0.facts.worker]!, score: $0.score.total + bonus) }
            for _ in 0..<open {
                slots.append(edges)
                slotRequest.append(requestIndex)
            }
        }
        let problem = LabourAssignmentProblem(workerCount: pool.count, slots: slots)
        let optimal = LabourAssignment.optimal(problem)
        let greedy = LabourAssignment.greedy(problem)

        var placements = requests.map { LabourPlan.Placement(request: $0.0, workers: [], open: $0.1) }
        for (slot, worker) in optimal.enumerated() {
            guard let worker, let edge = slots[slot].first(where: { $0.worker == worker }) else { continue }
            placements[slotRequest[slot]].workers.append((pool[worker].id, edge.score))
        }
        return LabourPlan(date: date, placements: placements, total: problem.total(optimal), greedyTotal: problem.total(greedy),
                          filled: optimal.compactMap { $0 }.count, greedyFilled: greedy.compactMap { $0 }.count, places: slots.count,
                          workersAvailable: pool.count)
    }

    static func villageCoordinates(_ connection: PostgresConnection, logger: Logger) async throws -> [Int: (Double, Double)] {
        var coordinates: [Int: (Double, Double)] = [:]
        for try await (id, latitude, longitude) in try await connection.query(
            "SELECT id, latitude, longitude FROM village WHERE latitude IS NOT NULL AND longitude IS NOT NULL", logger: logger
        ).decode((Int, Double, Double).self) {
            coordinates[id] = (latitude, longitude)
        }
        return coordinates
    }

    /// As `LabourMatcher.distanceSQL`: 0 within a village, 10 km when a village has no coordinates.
    static func distance(_ a: Int, _ b: Int, _ coordinates: [Int: (Double, Double)]) -> Double {
        if a == b { return 0 }
        guard let first = coordinates[a], let second = coordinates[b] else { return LabourMatcher.unknownDistanceKm }
        return labourDistanceKm(first, second)
    }
}

extension LabourStore {
    func plan(date: String, scope: [Int]) async throws -> LabourPlan {
        try await read { try await LabourPlanner.plan($0, date: date, scope: scope, settings: settings, logger: logger) }
    }

    /// Computes the plan again inside one transaction and applies it: every placement is booked or none
    /// (a worker booked meanwhile makes the store refuse, and nothing is applied).
    func commitPlan(date: String, scope: [Int], actor: Actor) async throws -> LabourPlan {
        try await store.write(as: actor, conflict: "a worker in the plan was booked meanwhile: run LABOUR PLAN again") { tx in
            let plan = try await LabourPlanner.plan(tx.connection, date: date, scope: scope, settings: settings, logger: tx.logger)
            for placement in plan.placements where !placement.workers.isEmpty {
                guard let request = try await Self.request(tx.connection, placement.request.id, scope: [], logger: tx.logger, lock: true) else { continue }
                var job = try await Self.jobForPlaces(tx, request, day: date)
                if job.day != date {
                    // A job offered for another day of the window: the plan moves it to the planned day.
                    try await tx.query("UPDATE labour_job SET day = \(date)::date WHERE id = \(job.id)")
                    job.day = date
                }
                for worker in placement.workers { try await Self.fillPlace(tx, job: job.id, worker: worker.id) }
                job.workers += placement.workers.map(\.id)
                if job.workers.count == job.crew {
                    try await Self.completeCrew(tx, job: job, request: request, tell: placement.workers.map(\.id))
                }
            }
            try await tx.audit("labour.plan.commit", target: "labour_plan:\(date)",
                               after: ["total": .double(LabourCandidate.round(plan.total)), "filled": .int(plan.filled), "places": .int(plan.places)])
            return plan
        }
    }
}
