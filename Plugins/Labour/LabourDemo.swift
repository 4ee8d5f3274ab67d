import HuzhuKit

/// Demo data for the demo county: about 10,000 craftsmen (one demo member in 13), each with three of the
/// nine tasks at varied levels and prices, weekly availability and travel range; a service team per
/// village; and some open requests over the next two weeks. One INSERT … SELECT per table, so it loads in
/// seconds. Every row is marked `is_demo`.
enum LabourDemo {
    static func load(_ tx: WriteTransaction) async throws -> String {
        let workers = try await count(tx, """
            INSERT INTO labour_worker (member_id, village_id, travel_km, equipment, weekdays, rating_sum, rating_count, is_demo)
            SELECT m.id, m.village_id, 10 + (m.id % 4) * 10,
                   CASE m.id % 5 WHEN 0 THEN '{tractor}'::text[] WHEN 1 THEN '{sprayer}' WHEN 2 THEN '{transplanter}' ELSE '{}' END,
                   CASE m.id % 3 WHEN 0 THEN 127 WHEN 1 THEN 63 ELSE 95 END,
                   (m.id % 6) * (3 + m.id % 3), m.id % 6, true
            FROM member m WHERE m.is_demo AND m.id % 13 = 0
            RETURNING 1
            """)
        // (k + 7n) mod 9 takes every value once as n runs over the nine tasks: exactly three skills each.
        let skills = try await count(tx, """
            INSERT INTO labour_skill (worker_id, task, level, price, unit)
            SELECT w.member_id, t.code, 1 + (w.member_id / 13 + t.n) % 5,
                   round((t.base * (0.8 + ((w.member_id * 31 + t.n) % 5) * 0.1))::numeric, 0)::float8, t.unit
            FROM labour_worker w CROSS JOIN (VALUES ('plough', 0, 80, 'mu'), ('transplant', 1, 60, 'mu'), ('harvest', 2, 90, 'mu'),
                ('prune', 3, 150, 'day'), ('spray', 4, 20, 'mu'), ('pick', 5, 120, 'day'), ('contract', 6, 200, 'day'),
                ('helper', 7, 120, 'day'), ('cook', 8, 200, 'day')) AS t (code, n, base, unit)
            WHERE w.is_demo AND (w.member_id / 13 + t.n * 7) % 9 < 3
            RETURNING 1
            """)
        let teams = try await count(tx, """
            INSERT INTO labour_team (name, leader_id, village_id, is_demo)
            SELECT v.name || '服务队', min(w.member_id), v.id, true
            FROM labour_worker w JOIN village v ON v.id = w.village_id WHERE w.is_demo GROUP BY v.id, v.name
            RETURNING 1
            """)
        try await tx.execute("""
            INSERT INTO labour_team_member (team_id, worker_id)
            SELECT t.id, w.member_id FROM labour_team t
            JOIN LATERAL (SELECT member_id FROM labour_worker w WHERE w.village_id = t.village_id ORDER BY member_id LIMIT 6) w ON true
            WHERE t.is_demo
            """)
        let requests = try await count(tx, """
            INSERT INTO labour_request (member_id, household_id, village_id, task, area_mu, date_from, date_to, crew, priority, entered_by, is_demo)
            SELECT m.id, m.household_id, m.village_id, (ARRAY['plough', 'transplant', 'harvest', 'prune', 'spray', 'pick'])[1 + m.id % 6],
                   2 + m.id % 9, current_date + (1 + m.id % 14)::int, current_date + (1 + m.id % 14 + m.id % 3)::int,
                   CASE WHEN m.id % 4 = 0 THEN 3 ELSE 1 END, coalesce(h.no_labour OR h.elderly_alone, false), 'demo', true
            FROM member m LEFT JOIN household h ON h.id = m.household_id
            WHERE m.is_demo AND m.id % 401 = 7 AND m.id % 13 <> 0
            RETURNING 1
            """)
        // Fresh statistics, so the planner picks hash joins over the new rows at once.
        try await tx.execute("ANALYZE labour_worker, labour_skill, labour_team, labour_team_member, labour_request")
        try await tx.audit("labour.demo.load", target: "labour_worker", after: ["workers": .int(workers), "teams": .int(teams), "requests": .int(requests)])
        return "\(workers) craftsmen with \(skills) skills, \(teams) service teams, \(requests) open requests"
    }

    private static func count(_ tx: WriteTransaction, _ sql: String) async throws -> Int {
        try await tx.query(PostgresQuery(unsafeSQL: sql)).decode(Int.self).all().count
    }
}
