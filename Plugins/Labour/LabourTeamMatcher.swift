import HuzhuKit

/// A service team that can take a request as a unit: enough of its members are candidates that day.
struct LabourTeamCandidate: Sendable {
    var team: Int64
    var name: String
    var leader: Int64
    /// The members who would go (the leader first), as many as the open places.
    var members: [Int64]
    /// The mean score of those members: comparable with single candidates' scores.
    var score: Double

    var json: JSONValue {
        ["team": .int(Int(team)), "name": .string(name), "leader": .int(Int(leader)),
         "members": .array(members.map { .int(Int($0)) }), "score": .double(LabourCandidate.round(score))]
    }
}

/// Teams are matched from the request's individual candidates, so the same rules apply to every member
/// (skill, day, distance, not booked); the leader must be among them, being the farmer's contact.
enum LabourTeamMatcher {
    static func teams(_ connection: PostgresConnection, candidates: [LabourCandidate], places: Int, logger: Logger) async throws -> [LabourTeamCandidate] {
        guard places > 1 else { return [] }
        let scores = Dictionary(candidates.map { ($0.facts.worker, $0.score.total) }, uniquingKeysWith: max)
        let rows = try await connection.query(
            """
            SELECT t.id, t.name, t.leader_id, array_agg(tm.worker_id ORDER BY tm.worker_id)
            FROM labour_team t JOIN labour_team_member tm ON tm.team_id = t.id
            WHERE t.status = 'active' AND tm.worker_id = ANY(\(Array(scores.keys))::bigint[])
            GROUP BY t.id, t.name, t.leader_id
            """, logger: logger)
        var teams: [LabourTeamCandidate] = []
        for try await (id, name, leader, members) in rows.decode((Int64, String, Int64, [Int64]).self) {
            guard let leaderScore = scores[leader], members.count >= places else { continue }
            let others = members.filter { $0 != leader }.sorted { scores[$0, default: 0] > scores[$1, default: 0] }.prefix(places - 1)
            let chosen = [leader] + others
            teams.append(LabourTeamCandidate(team: id, name: name, leader: leader, members: chosen,
                                             score: (leaderScore + others.reduce(0) { $0 + scores[$1, default: 0] }) / Double(chosen.count)))
        }
        return teams.sorted { $0.score != $1.score ? $0.score > $1.score : $0.team < $1.team }
    }
}
