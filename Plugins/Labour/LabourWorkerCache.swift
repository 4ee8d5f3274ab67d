import Foundation
import HuzhuKit
import Synchronization

/// The craftsmen's slowly changing facts (home village, travel range, weekdays, ratings, skills) kept in
/// memory, with their days off, so that ranking a request among ~10,000 craftsmen needs only one small
/// query for what changes by the day (bookings and recent work). The plugin is the only writer of these facts and tells
/// the cache after each commit (`invalidate`); a reload reads only the workers marked stale.
final class LabourWorkerCache: Sendable {
    struct Worker: Sendable {
        var id: Int64
        var village: Int
        var travelKm: Double
        var weekdays: Int
        var ratingSum: Int
        var ratingCount: Int
        /// Days off from yesterday on (`YYYY-MM-DD`).
        var daysOff: Set<String>
    }

    struct Skill: Sendable {
        /// Index into `Snapshot.workers`.
        var worker: Int
        var level: Int
        var price: Double
        var unit: String
    }

    /// An active service team.
    struct Team: Sendable {
        var id: Int64
        var name: String
        var leader: Int64
        var members: [Int64]
    }

    /// Active workers, their skills by task, active teams, and villages' coordinates.
    struct Snapshot: Sendable {
        var workers: [Worker] = []
        var byTask: [String: [Skill]] = [:]
        var teams: [Team] = []
        var coordinates: [Int: (Double, Double)] = [:]
    }

    private struct State {
        var snapshot: Snapshot?
        var skills: [Int64: [(String, Int, Double, String)]] = [:]
        var workers: [Int64: Worker] = [:]
        var stale: Set<Int64> = []
        var everything = true
        var teams: [Team]?
        var villagesLoadedAt = Date.distantPast
    }

    private let state = Mutex(State())
    /// Villages' coordinates belong to the core and may be edited there: read again at most this often.
    private let villageRefresh: TimeInterval = 60

    /// Marks workers whose facts changed (after the change has committed).
    func invalidate(_ workers: [Int64]) {
        state.withLock { $0.stale.formUnion(workers) }
    }

    /// Reloads everything at the next use (demo data, bulk changes).
    func invalidateAll() {
        state.withLock { $0.everything = true; $0.teams = nil }
    }

    /// Reloads the teams at the next use (a team formed, changed or disbanded).
    func invalidateTeams() {
        state.withLock { $0.teams = nil }
    }

    /// The current snapshot, loading what is stale first.
    func snapshot(_ connection: PostgresConnection, logger: Logger) async throws -> Snapshot {
        let (everything, stale, snapshot, villagesDue, teamsKnown) = state.withLock { s in
            (s.everything, s.stale, s.snapshot, Date().timeIntervalSince(s.villagesLoadedAt) > villageRefresh, s.teams != nil)
        }
        if let snapshot, !everything, stale.isEmpty, !villagesDue, teamsKnown { return snapshot }
        var teams: [Team]?
        if !teamsKnown {
            let rows = try await connection.query(
                """
                SELECT t.id, t.name, t.leader_id, array_agg(tm.worker_id ORDER BY tm.worker_id)
                FROM labour_team t JOIN labour_team_member tm ON tm.team_id = t.id WHERE t.status = 'active' GROUP BY t.id ORDER BY t.id
                """, logger: logger)
            teams = try await rows.decode((Int64, String, Int64, [Int64]).self).all().map { Team(id: $0.0, name: $0.1, leader: $0.2, members: $0.3) }
        }
        let ids = everything ? nil : Array(stale)
        let rows = try await connection.query(
            """
            SELECT w.member_id, w.village_id, w.travel_km, w.weekdays, w.rating_sum, w.rating_count, w.status = 'active',
                   coalesce(array_agg(s.task ORDER BY s.task) FILTER (WHERE s.task IS NOT NULL), '{}'),
                   coalesce(array_agg(s.level::int ORDER BY s.task) FILTER (WHERE s.task IS NOT NULL), '{}'),
                   coalesce(array_agg(s.price ORDER BY s.task) FILTER (WHERE s.task IS NOT NULL), '{}'),
                   coalesce(array_agg(s.unit ORDER BY s.task) FILTER (WHERE s.task IS NOT NULL), '{}'),
                   (SELECT coalesce(array_agg(o.day::text), '{}') FROM labour_day_off o WHERE o.worker_id = w.member_id AND o.day >= current_date - 1)
            FROM labour_worker w LEFT JOIN labour_skill s ON s.worker_id = w.member_id
            WHERE \(ids == nil) OR w.member_id = ANY(\(ids ?? [])::bigint[])
            GROUP BY w.member_id
            """, logger: logger)
        var loaded: [(Worker, Bool, [(String, Int, Double, String)])] = []
        for try await row in rows.decode((Int64, Int, Double, Int, Int, Int, Bool, [String], [Int], [Double], [String], [String]).self) {
            let skills = (0..<row.7.count).map { (row.7[$0], row.8[$0], row.9[$0], row.10[$0]) }
            loaded.append((Worker(id: row.0, village: row.1, travelKm: row.2, weekdays: row.3, ratingSum: row.4, ratingCount: row.5,
                                  daysOff: Set(row.11)), row.6, skills))
        }
        var coordinates: [Int: (Double, Double)]?
        if villagesDue || snapshot == nil {
            coordinates = try await LabourPlanner.villageCoordinates(connection, logger: logger)
        }
        return state.withLock { s in
            if everything { s.workers = [:]; s.skills = [:]; s.everything = false }
            for id in stale { s.workers[id] = nil; s.skills[id] = nil }
            s.stale.subtract(stale)
            for (worker, active, skills) in loaded where active {
                s.workers[worker.id] = worker
                s.skills[worker.id] = skills
            }
            if let teams { s.teams = teams }
            var next = Snapshot()
            next.teams = s.teams ?? []
            next.coordinates = coordinates ?? s.snapshot?.coordinates ?? [:]
            if coordinates != nil { s.villagesLoadedAt = Date() }
            for (index, worker) in s.workers.values.sorted(by: { $0.id < $1.id }).enumerated() {
                next.workers.append(worker)
                for (task, level, price, unit) in s.skills[worker.id] ?? [] {
                    next.byTask[task, default: []].append(Skill(worker: index, level: level, price: price, unit: unit))
                }
            }
            s.snapshot = next
            return next
        }
    }
}
