import Foundation
import HuzhuKit

/// What became of a worker's `接 <job>`.
enum LabourAcceptOutcome: Sendable {
    /// The worker has a place; `complete` when it was the last one. The farmer's contact is theirs now.
    case placed(job: LabourJob, complete: Bool, task: LocalizedText, farmer: String, farmerPhone: String?)
    case taken
    /// The worker already has a place in this job (a repeated `接`).
    case already
    case noOffer
    case expired
    /// The worker is already booked that day (job id).
    case busy(Int64)
}

extension LabourStore {
    /// Offers a request's job to its next best candidates (never to anyone offered it before) by SMS.
    /// With `team`, the offer goes to that team's leader, for the team as a unit (see `LabourTeamMatcher`).
    func offer(request id: Int64, count: Int?, team: Int64? = nil, scope: [Int], actor: Actor) async throws -> (LabourJob, [LabourCandidate]) {
        let now = clock.now()
        return try await store.write(as: actor) { tx in
            guard let request = try await Self.request(tx.connection, id, scope: scope, logger: tx.logger, lock: true) else {
                throw HuzhuError(.notFound, "no request \(id) in your villages", zh: "您管辖的村里没有找人请求 \(id)")
            }
            return try await placeOffers(tx, request, count: count, team: team, now: now)
        }
    }

    /// `offer`'s work inside a transaction that holds the request: locked by `offer`, or just created by
    /// `createRequest` with its job (`newJob`: it has no offers yet, so there is nothing to read back).
    /// Candidates' names are read only for `named` of them (console answers show them; SMS do not).
    func placeOffers(
        _ tx: WriteTransaction, _ request: LabourRequest, count: Int?, team: Int64? = nil, now: Date, newJob: LabourJob? = nil, named: Int = 50
    ) async throws -> (LabourJob, [LabourCandidate]) {
        var job: LabourJob
        if let newJob { job = newJob } else { job = try await Self.jobForPlaces(tx, request) }
        let asked = newJob != nil ? [] : try await tx.query("SELECT worker_id FROM labour_offer WHERE job_id = \(job.id)").decode(Int64.self).all()
        let open = job.crew - job.workers.count
        let wanted = count ?? settings.offerBatch * max(open, 1)
        // A team offer needs every candidate among team members (to see which are free); otherwise the best few.
        let all = try await LabourMatcher.ranked(
            tx.connection, cache: cache, for: request, day: job.day, excluding: asked + job.workers, limit: team == nil ? wanted : nil,
            named: named, settings: settings, logger: tx.logger).ranked
        var candidates = all.prefix(wanted)
        var teamText = ""
        if let team {
            guard let unit = LabourTeamMatcher.teams(try await cache.snapshot(tx.connection, logger: tx.logger), candidates: all, places: open)
                .first(where: { $0.team == team }), let leader = all.first(where: { $0.facts.worker == unit.leader }) else {
                throw HuzhuError(.conflict, "team \(team) cannot take request \(request.id): fewer than \(open) of its members (with its leader) are free candidates that day",
                                 zh: "服务队\(team)当天空闲且合适的队员（含队长）不足\(open)人，不能接请求\(request.id)")
            }
            candidates = [leader][...]
            teamText = "服务队\(unit.members.count)人"
        }
        guard !candidates.isEmpty else { return (job, []) }
        let expires = now.addingTimeInterval(Double(settings.offerMinutes) * 60)
        let task = try await tasks.name(request.task, tx.connection, logger: tx.logger)
        let area = request.areaMu.map { "\(LabourFormat.number($0))亩" } ?? ""
        // One statement for the offers, the job's state and the village's name (for the SMS), and one for
        // the SMS, however many candidates.
        let workers = candidates.map(\.facts.worker)
        enum OfferInsert: PreparedStatementName {}
        let village = try await tx.connection.prepared(OfferInsert.self,
            """
            WITH job AS (UPDATE labour_job SET state = 'offered' WHERE id = \(job.id) AND state = 'open'),
            offer AS (
                INSERT INTO labour_offer (job_id, worker_id, team_id, score, offered_at, expires_at)
                SELECT \(job.id), worker, \(team)::bigint, score, \(now), \(expires)
                FROM unnest(\(workers)::bigint[], \(candidates.map(\.score.total))::float8[]) AS o(worker, score)
            )
            SELECT name FROM village WHERE id = \(request.village)
            """, logger: tx.logger).decode(String.self).firstElement() ?? ""
        try await tx.notify(candidates.map { candidate in
            (candidate.facts.worker, LocalizedText(
                en: "Job \(job.id): \(task.en) \(request.areaMu.map { "\(LabourFormat.number($0)) mu " } ?? "")on \(job.day), \(LabourFormat.number(candidate.cost)) yuan. Reply OK \(job.id)",
                zh: "活\(job.id)：\(teamText)\(village)\(task.zh)\(area)，\(LabourFormat.zhDate(job.day))，约\(LabourFormat.number(candidate.cost))元。接请回：接\(job.id)"))
        }, urgent: true)
        if job.state == "open" { job.state = "offered" }
        try await tx.audit("labour.job.offer", target: "labour_job:\(job.id)", after: ["workers": .array(workers.map { .int(Int($0)) })])
        try await tx.emit(LabourJobOffered(job: job.id, request: request.id, task: request.task, date: job.day, workers: workers,
                                           expiresAt: expires.formatted(.iso8601)), publisher: "labour")
        return (job, Array(candidates))
    }

    /// `接 <job>`: the first to accept gets the place. Accepts of one job are decided one at a time under
    /// the job's row lock; a worker booked elsewhere that day is refused here, and by the store's
    /// `UNIQUE (worker_id, day)` if two of their accepts race.
    func accept(job id: Int64, worker: Int64, actor: Actor) async throws -> LabourAcceptOutcome {
        let now = clock.now()
        // A number never offered to this worker (a typo, another's job) is answered from one read, without
        // taking the request's and job's locks. Offers are never deleted, so the answer cannot go stale.
        enum OfferedTo: PreparedStatementName {}
        guard try await exists(OfferedTo.self, "SELECT 1 FROM labour_offer WHERE job_id = \(id) AND worker_id = \(worker)") else { return .noOffer }
        return try await store.write(as: actor, conflict: "worker \(worker) is already booked that day") { tx in
            // Locks in the order every path takes (request, then job), so accepts never deadlock with offers.
            guard let requestID = try await tx.query("SELECT request_id FROM labour_job WHERE id = \(id)").decode(Int64.self).firstElement(),
                  let request = try await Self.request(tx.connection, requestID, scope: [], logger: tx.logger, lock: true),
                  var job = try await Self.job(tx.connection, id, scope: [], logger: tx.logger, lock: true) else { return .noOffer }
            let offer = try await tx.query(
                "SELECT state, expires_at, team_id FROM labour_offer WHERE job_id = \(id) AND worker_id = \(worker)").decode((String, Date, Int64?).self).firstElement()
            guard let offer else { return .noOffer }
            if job.workers.contains(worker) { return .already }
            if job.workers.count >= job.crew || offer.0 == "taken" || !["open", "offered"].contains(job.state) { return .taken }
            if offer.0 == "expired" || offer.1 <= now { return .expired }
            guard offer.0 == "pending" else { return .noOffer }
            if let other = try await Self.booking(tx.connection, worker: worker, day: job.day, logger: tx.logger) { return .busy(other) }
            var placed = [worker]
            if let team = offer.2 {
                // The leader accepts for the team: the members free that day with the skill go with them.
                placed = try await tx.query(
                    """
                    SELECT tm.worker_id FROM labour_team_member tm
                    JOIN labour_worker w ON w.member_id = tm.worker_id AND w.status = 'active'
                    JOIN labour_skill s ON s.worker_id = w.member_id AND s.task = \(request.task)
                    WHERE tm.team_id = \(team) AND tm.worker_id <> \(worker)
                      AND NOT EXISTS (SELECT 1 FROM labour_assignment a WHERE a.worker_id = w.member_id AND a.day = \(job.day)::date)
                      AND NOT EXISTS (SELECT 1 FROM labour_day_off o WHERE o.worker_id = w.member_id AND o.day = \(job.day)::date)
                    ORDER BY tm.worker_id LIMIT \(job.crew - job.workers.count - 1)
                    """).decode(Int64.self).all()
                placed.insert(worker, at: 0)
                try await tx.execute("UPDATE labour_job SET team_id = \(team) WHERE id = \(id)")
                job.team = team
            }
            for member in placed { try await Self.fillPlace(tx, job: id, worker: member) }
            job.workers += placed
            try await tx.audit("labour.job.accept", target: "labour_job:\(id)",
                               after: ["worker": .int(Int(worker)), "team": offer.2.map { .int(Int($0)) } ?? .null, "placed": .array(placed.map { .int(Int($0)) })])
            let complete = job.workers.count == job.crew
            if complete {
                try await completeCrew(tx, job: job, request: request, tell: Array(placed.dropFirst()), shareContacts: true)
            } else {
                for member in placed.dropFirst() {
                    try await tx.notify(member: member, LocalizedText(en: "Your team is booked for job \(id) on \(job.day).",
                                                                      zh: "服务队已接活\(id)，\(LabourFormat.zhDate(job.day))，请您出工。"))
                }
            }
            let farmer = try await Self.contact(tx.connection, request.member, logger: tx.logger)
            let task = try await tasks.name(request.task, tx.connection, logger: tx.logger)
            return .placed(job: job, complete: complete, task: task, farmer: farmer.name, farmerPhone: farmer.phone)
        }
    }

    /// Staff assign workers (or a team as a unit) to a request directly.
    func assign(request id: Int64, workers given: [Int64], team: Int64?, scope: [Int], actor: Actor) async throws -> LabourJob {
        try await store.write(as: actor, conflict: "a worker is already booked that day") { tx in
            guard let request = try await Self.request(tx.connection, id, scope: scope, logger: tx.logger, lock: true) else {
                throw HuzhuError(.notFound, "no request \(id) in your villages", zh: "您管辖的村里没有找人请求 \(id)")
            }
            var job = try await Self.jobForPlaces(tx, request)
            _ = try await Self.job(tx.connection, job.id, scope: [], logger: tx.logger, lock: true)
            var workers = given
            if let team {
                let members = try await tx.query(
                    """
                    SELECT t.leader_id FROM labour_team t WHERE t.id = \(team) AND t.status = 'active'
                    UNION SELECT tm.worker_id FROM labour_team_member tm JOIN labour_team t ON t.id = tm.team_id WHERE t.id = \(team) AND t.status = 'active'
                    """).decode(Int64.self).all()
                guard !members.isEmpty else { throw HuzhuError(.notFound, "no active team \(team)", zh: "没有在册的服务队 \(team)") }
                workers = members.sorted()
                try await tx.execute("UPDATE labour_job SET team_id = \(team) WHERE id = \(job.id)")
                job.team = team
            }
            let open = job.crew - job.workers.count
            guard workers.count <= open else {
                throw HuzhuError(.conflict, "job \(job.id) has \(open) of \(job.crew) places open, not \(workers.count)",
                                 zh: "活\(job.id)只剩\(open)个空位（共\(job.crew)人），不能派\(workers.count)人")
            }
            for worker in workers {
                let status = try await tx.query("SELECT status FROM labour_worker WHERE member_id = \(worker)").decode(String.self).firstElement()
                guard status == "active" else {
                    throw HuzhuError(.invalid, "member \(worker) is not an active worker", zh: "成员 \(worker) 不是在册工匠")
                }
                if let other = try await Self.booking(tx.connection, worker: worker, day: job.day, logger: tx.logger) {
                    throw HuzhuError(.conflict, "worker \(worker) is already booked on \(job.day) (job \(other))",
                                     zh: "工匠 \(worker) 在 \(job.day) 已有活（活\(other)）")
                }
                try await Self.fillPlace(tx, job: job.id, worker: worker)
                job.workers.append(worker)
            }
            try await tx.audit("labour.job.assign", target: "labour_job:\(job.id)",
                               after: ["request": .int(Int(id)), "workers": .array(workers.map { .int(Int($0)) }), "team": team.map { .int(Int($0)) } ?? .null])
            if job.workers.count == job.crew {
                try await completeCrew(tx, job: job, request: request, tell: workers)
            } else {
                for worker in workers {
                    try await tx.notify(member: worker, LocalizedText(en: "You are booked for job \(job.id) on \(job.day).",
                                                                      zh: "已为您派活\(job.id)，\(LabourFormat.zhDate(job.day))。"))
                }
            }
            return try await Self.job(tx.connection, job.id, scope: [], logger: tx.logger)!
        }
    }

    /// Expires unanswered offers (as of `now`) and offers those jobs to the next candidates; requests whose
    /// window has passed without a crew become `unmet`. Run every minute (as `plugin:labour`), and by
    /// `LABOUR EXPIRE` (as the account that ran it).
    func expire(now: Date, actor: Actor = Actor("plugin:labour")) async throws -> (offers: Int, reoffered: Int, unmet: Int) {
        let (expiredJobs, unmet) = try await store.write(as: actor) { tx in
            let jobs = try await tx.query(
                "UPDATE labour_offer SET state = 'expired' WHERE state = 'pending' AND expires_at <= \(now) RETURNING job_id").decode(Int64.self).all()
            let unmet = try await tx.query(
                "UPDATE labour_request SET state = 'unmet' WHERE state = 'open' AND date_to < \(today(now))::date RETURNING id").decode(Int64.self).all()
            if !unmet.isEmpty {
                try await tx.execute("UPDATE labour_job SET state = 'expired' WHERE request_id = ANY(\(unmet)) AND state IN ('open', 'offered')")
                try await tx.execute("DELETE FROM labour_assignment a USING labour_job j WHERE a.job_id = j.id AND j.state = 'expired' AND j.request_id = ANY(\(unmet))")
            }
            if !jobs.isEmpty || !unmet.isEmpty {
                try await tx.audit("labour.offer.expire", target: "labour_offer", after: ["offers": .int(jobs.count), "unmet": .array(unmet.map { .int(Int($0)) })])
            }
            return (jobs, unmet.count)
        }
        var reoffered = 0
        for job in Set(expiredJobs).sorted() {
            let request = try await read { connection in
                try await connection.query(
                    """
                    SELECT j.request_id FROM labour_job j WHERE j.id = \(job) AND j.state IN ('open', 'offered')
                      AND NOT EXISTS (SELECT 1 FROM labour_offer o WHERE o.job_id = j.id AND o.state = 'pending')
                    """, logger: logger).decode(Int64.self).firstElement()
            }
            guard let request else { continue }
            let (_, offered) = try await offer(request: request, count: nil, scope: [], actor: actor)
            reoffered += offered.count
        }
        return (expiredJobs.count, reoffered, unmet)
    }
}
