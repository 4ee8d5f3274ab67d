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
    static func plan(_ connection: PostgresConnection, cache: LabourWorkerCache, date: String, scope: [Int], settings: LabourSettings,
                     logger: Logger) async throws -> LabourPlan {
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
        // Workers free that day: the cached facts and the day's bookings, days off and recent work.
        let snapshot = try await cache.snapshot(connection, logger: logger)
        let day = try await LabourMatcher.day(connection, date, settings: settings, logger: logger)
        let weekday = LabourMatcher.weekday(date)
        let bit = 1 << (weekday - 1)
        let available = snapshot.workers.filter { $0.weekdays & bit != 0 && !day.booked.contains($0.id) && !$0.daysOff.contains(date) }.count

        // Slots: a request of crew n with k places open is k identical slots; the same candidates and
        // scores as LABOUR MATCH, plus the priority bonus.
        var slots: [[LabourEdge]] = []
        var slotRequest: [Int] = []
        for (requestIndex, (request, open)) in requests.enumerated() {
            let found = LabourMatcher.facts(for: request, day: date, weekday: weekday, excluding: [], snapshot: snapshot, facts: day)
            let costs = found.map { LabourScore.cost(price: $0.0.price, unit: $0.0.unit, areaMu: request.areaMu, crew: request.crew) }
            let cheapest = costs.min() ?? 0
            let bonus = request.priority ? settings.weights.priority : 0
            let edges = zip(found, costs).map { item, cost in
                LabourEdge(worker: item.1, score: LabourScore.of(item.0, cost: cost, cheapest: cheapest, weights: settings.weights).total + bonus)
            }
            for _ in 0..<open {
                slots.append(edges)
                slotRequest.append(requestIndex)
            }
        }
        let problem = LabourAssignmentProblem(workerCount: snapshot.workers.count, slots: slots)
        LabourPlanObserver.notify(problem)
        let optimal = LabourAssignment.optimal(problem)
        let greedy = LabourAssignment.greedy(problem)

        var placements = requests.map { LabourPlan.Placement(request: $0.0, workers: [], open: $0.1) }
        for (slot, worker) in optimal.enumerated() {
            guard let worker, let edge = slots[slot].first(where: { $0.worker == worker }) else { continue }
            placements[slotRequest[slot]].workers.append((snapshot.workers[worker].id, edge.score))
        }
        return LabourPlan(date: date, placements: placements, total: problem.total(optimal), greedyTotal: problem.total(greedy),
                          filled: optimal.compactMap { $0 }.count, greedyFilled: greedy.compactMap { $0 }.count, places: slots.count,
                          workersAvailable: available)
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
}

extension LabourStore {
    func plan(date: String, scope: [Int]) async throws -> LabourPlan {
        try await read { try await LabourPlanner.plan($0, cache: cache, date: date, scope: scope, settings: settings, logger: logger) }
    }

    /// Computes the plan again inside one transaction and applies it: every placement is booked or none
    /// (a worker booked meanwhile makes the store refuse, and nothing is applied).
    func commitPlan(date: String, scope: [Int], actor: Actor) async throws -> LabourPlan {
        try await store.write(as: actor, conflict: "a worker in the plan was booked meanwhile: run LABOUR PLAN again") { tx in
            let plan = try await LabourPlanner.plan(tx.connection, cache: cache, date: date, scope: scope, settings: settings, logger: tx.logger)
            for placement in plan.placements where !placement.workers.isEmpty {
                guard let request = try await Self.request(tx.connection, placement.request.id, scope: [], logger: tx.logger, lock: true) else { continue }
                var job = try await Self.jobForPlaces(tx, request, day: date)
                if job.day != date {
                    // A job offered for another day of the window: the plan moves it to the planned day.
                    try await tx.execute("UPDATE labour_job SET day = \(date)::date WHERE id = \(job.id)")
                    job.day = date
                }
                for worker in placement.workers { try await Self.fillPlace(tx, job: job.id, worker: worker.id) }
                job.workers += placement.workers.map(\.id)
                if job.workers.count == job.crew {
                    try await completeCrew(tx, job: job, request: request, tell: placement.workers.map(\.id))
                }
            }
            try await tx.audit("labour.plan.commit", target: "labour_plan:\(date)",
                               after: ["total": .double(LabourCandidate.round(plan.total)), "filled": .int(plan.filled), "places": .int(plan.places)])
            return plan
        }
    }
}
