import HuzhuKit

/// A service team (专业化服务队伍): a leader and members, matched as a unit.
struct LabourTeam: Sendable {
    var id: Int64
    var name: String
    var leader: Int64
    var village: Int
    var status: String
    var members: [Int64] = []

    var json: JSONValue {
        ["id": .int(Int(id)), "name": .string(name), "leader": .int(Int(leader)), "village": .int(village), "status": .string(status),
         "members": .array(members.map { .int(Int($0)) })]
    }
}

extension LabourStore {
    func addTeam(name: String, leader: Int64, members: [Int64], scope: [Int], actor: Actor) async throws -> LabourTeam {
        defer { cache.invalidateTeams() }
        return try await store.write(as: actor) { tx in
            let rows = try await tx.query(
                """
                INSERT INTO labour_team (name, leader_id, village_id)
                SELECT \(name), w.member_id, w.village_id FROM labour_worker w
                WHERE w.member_id = \(leader) AND (cardinality(\(scope)::int[]) = 0 OR w.village_id = ANY(\(scope)::int[]))
                RETURNING id
                """)
            guard let id = try await rows.decode(Int64.self).firstElement() else {
                throw HuzhuError(.notFound, "the leader \(leader) is not a worker in your villages (LABOUR WORKER ADD first)",
                                 zh: "队长 \(leader) 不是您管辖村的工匠（请先 LABOUR WORKER ADD）")
            }
            try await Self.checkWorkers(members, scope: scope, tx)
            for member in Set(members + [leader]) {
                try await tx.execute("INSERT INTO labour_team_member (team_id, worker_id) VALUES (\(id), \(member))")
            }
            let team = try await Self.team(tx.connection, id, scope: [], logger: tx.logger)!
            try await tx.audit("labour.team.add", target: "labour_team:\(id)", after: team.json)
            return team
        }
    }

    func editTeam(_ id: Int64, name: String?, leader: Int64?, members: [Int64]?, status: String?, scope: [Int], actor: Actor) async throws -> LabourTeam {
        defer { cache.invalidateTeams() }
        return try await store.write(as: actor) { tx in
            guard let before = try await Self.team(tx.connection, id, scope: scope, logger: tx.logger) else {
                throw HuzhuError(.notFound, "no team \(id) in your villages", zh: "您管辖的村里没有服务队 \(id)")
            }
            try await Self.checkWorkers((members ?? []) + (leader.map { [$0] } ?? []), scope: scope, tx)
            // A team's village is its leader's (as at ADD): scope and `FIND village=` follow the new leader.
            try await tx.execute(
                """
                UPDATE labour_team SET name = coalesce(\(name), name), leader_id = coalesce(\(leader), leader_id), status = coalesce(\(status), status),
                       village_id = coalesce((SELECT village_id FROM labour_worker WHERE member_id = \(leader)), village_id)
                WHERE id = \(id)
                """)
            if members != nil || leader != nil {
                try await tx.execute("DELETE FROM labour_team_member WHERE team_id = \(id)")
                for member in Set((members ?? before.members) + [leader ?? before.leader]) {
                    try await tx.execute("INSERT INTO labour_team_member (team_id, worker_id) VALUES (\(id), \(member))")
                }
            }
            let after = try await Self.team(tx.connection, id, scope: [], logger: tx.logger)!
            try await tx.audit(status == "disbanded" ? "labour.team.cancel" : "labour.team.edit", target: "labour_team:\(id)", before: before.json, after: after.json)
            return after
        }
    }

    /// Refuses workers that are not craftsmen of the caller's villages (`scope`; empty: any craftsman), so
    /// a cadre cannot put another village's people in a team.
    static func checkWorkers(_ workers: [Int64], scope: [Int], _ tx: WriteTransaction) async throws {
        guard !workers.isEmpty else { return }
        let found = Set(try await tx.query(
            """
            SELECT member_id FROM labour_worker
            WHERE member_id = ANY(\(workers)) AND (cardinality(\(scope)::int[]) = 0 OR village_id = ANY(\(scope)::int[]))
            """).decode(Int64.self).all())
        if let missing = workers.first(where: { !found.contains($0) }) {
            throw HuzhuError(.notFound, "worker \(missing) is not a craftsman in your villages (LABOUR WORKER ADD first)",
                             zh: "\(missing) 不是您管辖村的工匠（请先 LABOUR WORKER ADD）")
        }
    }

    func team(_ id: Int64, scope: [Int]) async throws -> LabourTeam? {
        try await read { try await Self.team($0, id, scope: scope, logger: logger) }
    }

    func findTeams(village: Int?, scope: [Int], limit: Int) async throws -> [LabourTeam] {
        try await read { connection in
            let ids = try await connection.query(
                """
                SELECT id FROM labour_team WHERE (\(village)::int IS NULL OR village_id = \(village))
                  AND (cardinality(\(scope)::int[]) = 0 OR village_id = ANY(\(scope)::int[])) ORDER BY id LIMIT \(limit)
                """, logger: logger).decode(Int64.self).all()
            var teams: [LabourTeam] = []
            for id in ids { if let team = try await Self.team(connection, id, scope: [], logger: logger) { teams.append(team) } }
            return teams
        }
    }

    static func team(_ connection: PostgresConnection, _ id: Int64, scope: [Int], logger: Logger) async throws -> LabourTeam? {
        let rows = try await connection.query(
            """
            SELECT id, name, leader_id, village_id, status FROM labour_team
            WHERE id = \(id) AND (cardinality(\(scope)::int[]) = 0 OR village_id = ANY(\(scope)::int[]))
            """, logger: logger)
        guard let row = try await rows.decode((Int64, String, Int64, Int, String).self).firstElement() else { return nil }
        var team = LabourTeam(id: row.0, name: row.1, leader: row.2, village: row.3, status: row.4)
        team.members = try await connection.query(
            "SELECT worker_id FROM labour_team_member WHERE team_id = \(id) ORDER BY worker_id", logger: logger).decode(Int64.self).all()
        return team
    }

    /// Adds a task: the row, and its SMS words in the word book (so `找人 <word>` understands it).
    func addTask(code: String, zh: String, en: String, words: [String], actor: Actor, words book: any SMSWordBook) async throws {
        try await store.write(as: actor, conflict: "task \(code) exists already") { tx in
            try await tx.execute("INSERT INTO labour_task (code, name_zh, name_en, added_by) VALUES (\(code), \(zh), \(en), \(actor.name))")
            try await tx.audit("labour.task.add", target: "labour_task:\(code)", after: ["zh": .string(zh), "en": .string(en)])
        }
        try await book.add(.task, words: Array(Set([zh] + words)), meaning: code, as: actor)
    }

    func tasks() async throws -> [(code: String, zh: String, en: String)] {
        try await read { connection in
            try await connection.query("SELECT code, name_zh, name_en FROM labour_task ORDER BY code", logger: logger).decode((String, String, String).self).all()
                .map { ($0.0, $0.1, $0.2) }
        }
    }
}
