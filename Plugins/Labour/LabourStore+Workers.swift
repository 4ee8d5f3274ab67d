import HuzhuKit

/// Changes to a worker; nil leaves a field as it is.
struct LabourWorkerChanges: Sendable {
    var skills: [LabourSkill]?
    var equipment: [String]?
    var travelKm: Double?
    var weekdays: Int?
    var status: String?
    var notes: String?
    var daysOff: [String]?
}

extension LabourStore {
    /// Registers a member as a craftsman (home village: the member's).
    func addWorker(member: Int64, _ changes: LabourWorkerChanges, scope: [Int], actor: Actor) async throws -> LabourWorker {
        defer { cache.invalidate([member]) }
        return try await store.write(as: actor, conflict: "member \(member) is already a worker: use LABOUR WORKER EDIT") { tx in
            let rows = try await tx.query(
                """
                INSERT INTO labour_worker (member_id, village_id, travel_km, equipment, weekdays, notes)
                SELECT m.id, m.village_id, \(changes.travelKm ?? 15), \(changes.equipment ?? []), \(changes.weekdays ?? 127), \(changes.notes ?? "")
                FROM member m WHERE m.id = \(member) AND (cardinality(\(scope)::int[]) = 0 OR m.village_id = ANY(\(scope)::int[]))
                RETURNING member_id
                """)
            guard try await rows.decode(Int64.self).firstElement() != nil else {
                throw HuzhuError(.notFound, "no member \(member) in your villages: register the member first (MEMBER ADD)",
                                 zh: "您管辖的村里没有成员 \(member)：请先登记成员（MEMBER ADD）")
            }
            try await replaceSkills(tx, worker: member, changes.skills ?? [])
            try await Self.replaceDaysOff(tx, worker: member, changes.daysOff ?? [])
            let worker = try await Self.worker(tx.connection, member, scope: [], logger: logger)!
            try await tx.audit("labour.worker.add", target: "labour_worker:\(member)", after: worker.json)
            return worker
        }
    }

    func editWorker(_ id: Int64, _ changes: LabourWorkerChanges, scope: [Int], actor: Actor) async throws -> LabourWorker {
        defer { cache.invalidate([id]) }
        return try await store.write(as: actor) { tx in
            guard let before = try await Self.worker(tx.connection, id, scope: scope, logger: logger, lock: true) else {
                throw HuzhuError(.notFound, "no worker \(id) in your villages", zh: "您管辖的村里没有工匠 \(id)")
            }
            try await tx.execute(
                """
                UPDATE labour_worker SET travel_km = coalesce(\(changes.travelKm), travel_km),
                    equipment = coalesce(\(changes.equipment)::text[], equipment), weekdays = coalesce(\(changes.weekdays)::int, weekdays),
                    status = coalesce(\(changes.status), status), notes = coalesce(\(changes.notes), notes)
                WHERE member_id = \(id)
                """)
            if let skills = changes.skills { try await replaceSkills(tx, worker: id, skills) }
            if let days = changes.daysOff { try await Self.replaceDaysOff(tx, worker: id, days) }
            let after = try await Self.worker(tx.connection, id, scope: [], logger: logger)!
            try await tx.audit(changes.status == "retired" ? "labour.worker.cancel" : "labour.worker.edit",
                               target: "labour_worker:\(id)", before: before.json, after: after.json)
            return after
        }
    }

    func worker(_ id: Int64, scope: [Int]) async throws -> LabourWorker? {
        try await read { try await Self.worker($0, id, scope: scope, logger: logger) }
    }

    /// Workers by task, village or name prefix.
    func findWorkers(task: String?, village: Int?, name: String?, status: String?, scope: [Int], limit: Int) async throws -> [LabourWorker] {
        try await read { connection in
            let rows = try await connection.query(
                """
                SELECT w.member_id FROM labour_worker w JOIN member m ON m.id = w.member_id
                WHERE (\(task)::text IS NULL OR EXISTS (SELECT 1 FROM labour_skill s WHERE s.worker_id = w.member_id AND s.task = \(task)))
                  AND (\(village)::int IS NULL OR w.village_id = \(village))
                  AND (\(name)::text IS NULL OR m.name LIKE \(name.map { $0 + "%" }))
                  AND (\(status)::text IS NULL OR w.status = \(status))
                  AND (cardinality(\(scope)::int[]) = 0 OR w.village_id = ANY(\(scope)::int[]))
                ORDER BY w.member_id LIMIT \(limit)
                """, logger: logger)
            var workers: [LabourWorker] = []
            for id in try await rows.decode(Int64.self).all() {
                if let worker = try await Self.worker(connection, id, scope: [], logger: logger) { workers.append(worker) }
            }
            return workers
        }
    }

    static func worker(_ connection: PostgresConnection, _ id: Int64, scope: [Int], logger: Logger, lock: Bool = false) async throws -> LabourWorker? {
        let query: PostgresQuery = lock
            ? """
              SELECT w.member_id, m.name, w.village_id, w.travel_km, w.equipment, w.weekdays, w.status, w.rating_sum, w.rating_count, w.notes
              FROM labour_worker w JOIN member m ON m.id = w.member_id
              WHERE w.member_id = \(id) AND (cardinality(\(scope)::int[]) = 0 OR w.village_id = ANY(\(scope)::int[])) FOR UPDATE OF w
              """
            : """
              SELECT w.member_id, m.name, w.village_id, w.travel_km, w.equipment, w.weekdays, w.status, w.rating_sum, w.rating_count, w.notes
              FROM labour_worker w JOIN member m ON m.id = w.member_id
              WHERE w.member_id = \(id) AND (cardinality(\(scope)::int[]) = 0 OR w.village_id = ANY(\(scope)::int[]))
              """
        let rows = try await connection.query(query, logger: logger)
        guard let row = try await rows.decode((Int64, String, Int, Double, [String], Int, String, Int, Int, String).self).firstElement() else { return nil }
        var worker = LabourWorker(id: row.0, name: row.1, village: row.2, travelKm: row.3, equipment: row.4, weekdays: row.5, status: row.6,
                                  ratingSum: row.7, ratingCount: row.8, notes: row.9)
        let skills = try await connection.query(
            "SELECT task, level, price, unit FROM labour_skill WHERE worker_id = \(id) ORDER BY task", logger: logger)
        worker.skills = try await skills.decode((String, Int, Double, String).self).all().map { LabourSkill(task: $0.0, level: $0.1, price: $0.2, unit: $0.3) }
        let days = try await connection.query(
            "SELECT day::text FROM labour_day_off WHERE worker_id = \(id) AND day >= current_date ORDER BY day", logger: logger)
        worker.daysOff = try await days.decode(String.self).all()
        return worker
    }

    func replaceSkills(_ tx: WriteTransaction, worker: Int64, _ skills: [LabourSkill]) async throws {
        try await tx.execute("DELETE FROM labour_skill WHERE worker_id = \(worker)")
        for skill in skills {
            try await tasks.require(skill.task, tx.connection, logger: tx.logger)
            try await tx.execute(
                "INSERT INTO labour_skill (worker_id, task, level, price, unit) VALUES (\(worker), \(skill.task), \(skill.level), \(skill.price), \(skill.unit))")
        }
    }

    static func replaceDaysOff(_ tx: WriteTransaction, worker: Int64, _ days: [String]) async throws {
        try await tx.execute("DELETE FROM labour_day_off WHERE worker_id = \(worker) AND day >= current_date")
        for day in days {
            try await tx.execute("INSERT INTO labour_day_off (worker_id, day) VALUES (\(worker), \(day)::date) ON CONFLICT DO NOTHING")
        }
    }

    /// Refuses an unknown task code with the list of known ones.
}
