import Foundation
import HuzhuKit

extension LabourStore {
    static func liveJob(_ connection: PostgresConnection, request: Int64, logger: Logger) async throws -> LabourJob? {
        let rows = try await connection.query(
            "SELECT \(unescaped: LabourJob.columns) FROM labour_job j WHERE j.request_id = \(request) AND j.state NOT IN ('cancelled', 'expired') FOR UPDATE",
            logger: logger)
        guard var job = try await rows.decode(LabourJob.Row.self).firstElement().map(LabourJob.init) else { return nil }
        job.workers = try await workers(connection, job: job.id, logger: logger)
        return job
    }

    /// A job with its workers, if its request's village is in scope. `lock` takes the job's row lock: every
    /// change to a job's places runs under it, so concurrent accepts are decided one at a time.
    static func job(_ connection: PostgresConnection, _ id: Int64, scope: [Int], logger: Logger, lock: Bool = false) async throws -> LabourJob? {
        let rows = try await connection.query(
            """
            SELECT \(unescaped: LabourJob.columns) FROM labour_job j JOIN labour_request r ON r.id = j.request_id
            WHERE j.id = \(id) AND (cardinality(\(scope)::int[]) = 0 OR r.village_id = ANY(\(scope)::int[]))
            \(unescaped: lock ? "FOR UPDATE OF j" : "")
            """, logger: logger)
        guard var job = try await rows.decode(LabourJob.Row.self).firstElement().map(LabourJob.init) else { return nil }
        job.workers = try await workers(connection, job: id, logger: logger)
        return job
    }

    static func workers(_ connection: PostgresConnection, job: Int64, logger: Logger) async throws -> [Int64] {
        try await connection.query("SELECT worker_id FROM labour_assignment WHERE job_id = \(job) ORDER BY place", logger: logger)
            .decode(Int64.self).all()
    }

    func job(_ id: Int64, scope: [Int]) async throws -> LabourJob? {
        try await read { try await Self.job($0, id, scope: scope, logger: logger) }
    }

    func findJobs(state: String?, date: String?, worker: Int64?, request: Int64?, scope: [Int], limit: Int) async throws -> [LabourJob] {
        try await read { connection in
            let rows = try await connection.query(
                """
                SELECT \(unescaped: LabourJob.columns) FROM labour_job j JOIN labour_request r ON r.id = j.request_id
                WHERE (\(state)::text IS NULL OR j.state = \(state)) AND (\(date)::date IS NULL OR j.day = \(date)::date)
                  AND (\(request)::bigint IS NULL OR j.request_id = \(request))
                  AND (\(worker)::bigint IS NULL OR EXISTS (SELECT 1 FROM labour_assignment a WHERE a.job_id = j.id AND a.worker_id = \(worker)))
                  AND (cardinality(\(scope)::int[]) = 0 OR r.village_id = ANY(\(scope)::int[]))
                ORDER BY j.day DESC, j.id DESC LIMIT \(limit)
                """, logger: logger)
            var jobs = try await rows.decode(LabourJob.Row.self).all().map(LabourJob.init)
            for index in jobs.indices { jobs[index].workers = try await Self.workers(connection, job: jobs[index].id, logger: logger) }
            return jobs
        }
    }

    /// The job of a request, created if there is none yet (the request must be open).
    static func jobForPlaces(_ tx: WriteTransaction, _ request: LabourRequest, day: String? = nil) async throws -> LabourJob {
        guard request.state == "open" else {
            throw HuzhuError(.conflict, "request \(request.id) is \(request.state), not open", zh: "请求 \(request.id) 状态为\(request.state)，不是待派工")
        }
        if let job = try await liveJob(tx.connection, request: request.id, logger: tx.logger) { return job }
        enum JobInsert: PreparedStatementName {}
        let rows = try await tx.connection.prepared(JobInsert.self,
            """
            INSERT INTO labour_job AS j (request_id, day, crew) VALUES (\(request.id), \(day ?? request.dateFrom)::date, \(request.crew))
            RETURNING \(unescaped: LabourJob.columns)
            """, logger: tx.logger)
        return LabourJob(try await rows.decode(LabourJob.Row.self).firstElement()!)
    }

    /// Gives a worker the next place of a job (the job's row is locked by the caller). The worker's pay is
    /// their price for the task: per mu times the area shared by the crew, or per day.
    static func fillPlace(_ tx: WriteTransaction, job: Int64, worker: Int64) async throws {
        try await tx.execute(
            """
            INSERT INTO labour_assignment (job_id, crew, day, place, worker_id, amount)
            SELECT j.id, j.crew, j.day, coalesce((SELECT max(place) FROM labour_assignment WHERE job_id = j.id), 0) + 1, \(worker),
                   coalesce((SELECT CASE WHEN s.unit = 'mu' THEN round((s.price * coalesce(r.area_mu, 1) / j.crew)::numeric, 2)::float8 ELSE s.price END
                             FROM labour_skill s WHERE s.worker_id = \(worker) AND s.task = r.task), 0)
            FROM labour_job j JOIN labour_request r ON r.id = j.request_id WHERE j.id = \(job)
            """)
        try await tx.execute("UPDATE labour_offer SET state = 'accepted' WHERE job_id = \(job) AND worker_id = \(worker)")
    }

    /// The job booked for a worker on a day, if any.
    static func booking(_ connection: PostgresConnection, worker: Int64, day: String, logger: Logger) async throws -> Int64? {
        try await connection.query(
            "SELECT job_id FROM labour_assignment WHERE worker_id = \(worker) AND day = \(day)::date", logger: logger).decode(Int64.self).firstElement()
    }

    /// Marks a job whose places are all taken as assigned: other offers are told it is taken, the farmer gets
    /// one SMS with the leader's name, and `labour.job.assigned` goes out.
    ///
    /// Phone numbers go out only with `shareContacts` — when the workers took the job themselves (接) and the
    /// farmer asked for it: both sides agreed. When staff placed the crew (LABOUR ASSIGN, PLAN COMMIT) the
    /// messages name the people and the service centre puts them in touch.
    func completeCrew(_ tx: WriteTransaction, job: LabourJob, request: LabourRequest, tell workersToTell: [Int64],
                             shareContacts: Bool = false) async throws {
        let workers = try await Self.workers(tx.connection, job: job.id, logger: tx.logger)
        var leader = workers.first
        if let team = job.team {
            leader = try await tx.query("SELECT leader_id FROM labour_team WHERE id = \(team)").decode(Int64.self).firstElement() ?? leader
        }
        let price = try await tx.query("SELECT coalesce(sum(amount), 0)::float8 FROM labour_assignment WHERE job_id = \(job.id)")
            .decode(Double.self).firstElement() ?? 0
        try await tx.execute("UPDATE labour_job SET state = 'assigned', leader_id = \(leader), price = \(price) WHERE id = \(job.id)")
        try await tx.execute("UPDATE labour_request SET state = 'matched' WHERE id = \(request.id)")
        let losers = try await tx.query(
            "UPDATE labour_offer SET state = 'taken' WHERE job_id = \(job.id) AND state = 'pending' RETURNING worker_id").decode(Int64.self).all()
        for worker in losers {
            try await tx.notify(member: worker, LocalizedText(en: "Job \(job.id) has been taken by others. Thank you.", zh: "活\(job.id)已有人接了，谢谢。"))
        }
        let task = try await tasks.name(request.task, tx.connection, logger: tx.logger)
        let farmer = try await Self.contact(tx.connection, request.member, logger: tx.logger)
        if let leader {
            let head = try await Self.contact(tx.connection, leader, logger: tx.logger)
            let headPhone = shareContacts ? " " + LabourFormat.phone(head.phone) : ""
            try await tx.notify(member: request.member, LocalizedText(
                en: "Request \(request.id): \(workers.count) hand(s) for \(job.day), leader \(head.name)\(headPhone)",
                zh: "找人\(request.id)已找齐\(workers.count)人，\(LabourFormat.zhDate(job.day))，领队\(head.name)\(headPhone)"))
        }
        let farmerPhone = shareContacts ? " " + LabourFormat.phone(farmer.phone) : ""
        for worker in workersToTell {
            try await tx.notify(member: worker, LocalizedText(
                en: "Job \(job.id): \(task.en) on \(job.day) for \(farmer.name)\(farmerPhone)",
                zh: "派活\(job.id)：\(LabourFormat.zhDate(job.day))\(task.zh)，农户\(farmer.name)\(farmerPhone)"))
        }
        try await tx.emit(LabourJobAssigned(job: job.id, request: request.id, task: request.task, member: request.member, village: request.village,
                                            date: job.day, workers: workers, leader: leader, price: price), publisher: "labour")
    }

    /// Cancels a job: bookings released, pending offers withdrawn, workers told, `labour.job.cancelled`.
    static func cancelJob(_ tx: WriteTransaction, _ job: LabourJob, request: LabourRequest, reason: String) async throws {
        let workers = try await workers(tx.connection, job: job.id, logger: tx.logger)
        try await tx.execute("DELETE FROM labour_assignment WHERE job_id = \(job.id)")
        try await tx.execute("UPDATE labour_offer SET state = 'cancelled' WHERE job_id = \(job.id) AND state = 'pending'")
        try await tx.execute("UPDATE labour_job SET state = 'cancelled' WHERE id = \(job.id)")
        for worker in workers {
            try await tx.notify(member: worker, LocalizedText(en: "Job \(job.id) on \(job.day) is cancelled.", zh: "活\(job.id)（\(LabourFormat.zhDate(job.day))）已取消。"))
        }
        try await tx.emit(LabourJobCancelled(job: job.id, request: request.id, date: job.day, workers: workers, reason: reason), publisher: "labour")
    }

    static func contact(_ connection: PostgresConnection, _ member: Int64, logger: Logger) async throws -> (name: String, phone: String?) {
        let row = try await connection.query("SELECT name, phone FROM member WHERE id = \(member)", logger: logger)
            .decode((String, String?).self).firstElement()
        return (row?.0 ?? "#\(member)", row?.1)
    }
}
