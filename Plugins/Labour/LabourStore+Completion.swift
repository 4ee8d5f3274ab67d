import HuzhuKit

extension LabourStore {
    /// Marks a job done (`完工 12` by one of its workers, or staff): `labour.job.done` goes out and the
    /// farmer is asked to rate it. `worker` set: only a worker of the job may (nil reply otherwise).
    func complete(job id: Int64, worker: Int64?, scope: [Int], actor: Actor) async throws -> LabourJob? {
        // A worker's 完工 for a job that is not theirs (a typo) is answered from one read, without locks.
        enum AssignedTo: PreparedStatementName {}
        if let worker, try await !exists(AssignedTo.self, "SELECT 1 FROM labour_assignment WHERE job_id = \(id) AND worker_id = \(worker)") { return nil }
        return try await store.write(as: actor) { tx in
            guard let requestID = try await tx.query("SELECT request_id FROM labour_job WHERE id = \(id)").decode(Int64.self).firstElement(),
                  let request = try await Self.request(tx.connection, requestID, scope: scope, logger: tx.logger, lock: true),
                  var job = try await Self.job(tx.connection, id, scope: [], logger: tx.logger, lock: true),
                  worker == nil || job.workers.contains(worker!) else {
                if worker != nil { return nil }
                throw HuzhuError(.notFound, "no job \(id) in your villages", zh: "您管辖的村里没有活 \(id)")
            }
            guard job.state == "assigned" else {
                throw HuzhuError(.conflict, "job \(id) is \(job.state): only an assigned job can be done", zh: "活\(id)状态为\(job.state)，只有已派的活才能完工")
            }
            try await tx.execute("UPDATE labour_job SET state = 'done', done_at = now() WHERE id = \(id)")
            try await tx.execute("UPDATE labour_request SET state = 'done' WHERE id = \(request.id)")
            job.state = "done"
            try await tx.audit("labour.job.done", target: "labour_job:\(id)", after: job.json)
            try await tx.notify(member: request.member, LocalizedText(
                en: "Job \(id) is done. Rate it: RATE \(id) 5 (1-5 stars)", zh: "活\(id)已完工，请评价：回复 评\(id) 5（1-5星）"))
            try await tx.emit(LabourJobDone(job: id, request: request.id, task: request.task, member: request.member, household: request.household,
                                            village: request.village, date: job.day, areaMu: request.areaMu, workers: job.workers), publisher: "labour")
            return job
        }
    }

    /// The farmer rates a done job (`评 12 5`) or staff record the rating; every worker of the job gets it.
    /// `member` set: only the request's own member may (nil otherwise).
    func rate(job id: Int64, stars: Int, member: Int64?, scope: [Int], actor: Actor) async throws -> LabourJob? {
        guard (1...5).contains(stars) else { throw HuzhuError(.invalid, "stars are 1 to 5", zh: "评分为1到5星") }
        // A farmer's 评 for a job that is not theirs (a typo) is answered from one read, without locks.
        enum RequestedBy: PreparedStatementName {}
        if let member, try await !exists(RequestedBy.self,
            "SELECT 1 FROM labour_job j JOIN labour_request r ON r.id = j.request_id WHERE j.id = \(id) AND r.member_id = \(member)") { return nil }
        let rated: LabourJob? = try await store.write(as: actor) { tx in
            guard let requestID = try await tx.query("SELECT request_id FROM labour_job WHERE id = \(id)").decode(Int64.self).firstElement(),
                  let request = try await Self.request(tx.connection, requestID, scope: scope, logger: tx.logger, lock: true),
                  var job = try await Self.job(tx.connection, id, scope: [], logger: tx.logger, lock: true),
                  member == nil || request.member == member else {
                if member != nil { return nil }
                throw HuzhuError(.notFound, "no job \(id) in your villages", zh: "您管辖的村里没有活 \(id)")
            }
            guard job.state == "done" else {
                throw HuzhuError(.conflict, job.state == "rated" ? "job \(id) is rated already" : "job \(id) is \(job.state): rate it once it is done",
                                 zh: job.state == "rated" ? "活\(id)已评价过" : "活\(id)还没完工，完工后再评价")
            }
            try await tx.execute("UPDATE labour_job SET state = 'rated', rating = \(stars) WHERE id = \(id)")
            try await tx.execute(
                "UPDATE labour_worker SET rating_sum = rating_sum + \(stars), rating_count = rating_count + 1 WHERE member_id = ANY(\(job.workers))")
            job.state = "rated"
            job.rating = stars
            try await tx.audit("labour.job.rate", target: "labour_job:\(id)", after: ["stars": .int(stars)])
            return job
        }
        if let rated { cache.invalidate(rated.workers) }  // their ratings changed
        return rated
    }

    /// Records what the farmer paid.
    func pay(job id: Int64, amount: Double, method: String, scope: [Int], actor: Actor) async throws -> LabourJob {
        try await store.write(as: actor) { tx in
            guard var job = try await Self.job(tx.connection, id, scope: scope, logger: tx.logger, lock: true) else {
                throw HuzhuError(.notFound, "no job \(id) in your villages", zh: "您管辖的村里没有活 \(id)")
            }
            guard ["assigned", "done", "rated"].contains(job.state) else {
                throw HuzhuError(.conflict, "job \(id) is \(job.state): payment is recorded for assigned or done jobs", zh: "活\(id)状态为\(job.state)，不能记录付款")
            }
            try await tx.execute("UPDATE labour_job SET paid_amount = \(amount), paid_method = \(method), paid_at = now() WHERE id = \(id)")
            let before = job.json
            job.paidAmount = amount
            job.paidMethod = method
            try await tx.audit("labour.job.pay", target: "labour_job:\(id)", before: before, after: job.json)
            return job
        }
    }

    /// Staff call off a job: bookings released, the request is open again (to be offered or planned anew).
    func cancelJob(_ id: Int64, scope: [Int], actor: Actor) async throws -> LabourJob {
        try await store.write(as: actor) { tx in
            guard let requestID = try await tx.query("SELECT request_id FROM labour_job WHERE id = \(id)").decode(Int64.self).firstElement(),
                  let request = try await Self.request(tx.connection, requestID, scope: scope, logger: tx.logger, lock: true),
                  var job = try await Self.job(tx.connection, id, scope: [], logger: tx.logger, lock: true) else {
                throw HuzhuError(.notFound, "no job \(id) in your villages", zh: "您管辖的村里没有活 \(id)")
            }
            guard ["open", "offered", "assigned"].contains(job.state) else {
                throw HuzhuError(.conflict, "job \(id) is \(job.state) and cannot be cancelled", zh: "活\(id)状态为\(job.state)，不能取消")
            }
            try await Self.cancelJob(tx, job, request: request, reason: "cancelled by staff")
            try await tx.execute("UPDATE labour_request SET state = 'open' WHERE id = \(request.id) AND state = 'matched'")
            let before = job.json
            job.state = "cancelled"
            job.workers = []
            try await tx.audit("labour.job.cancel", target: "labour_job:\(id)", before: before, after: job.json)
            return job
        }
    }
}
