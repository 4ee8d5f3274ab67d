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

/// Teams (from the worker cache) are matched from the request's individual candidates, so the same rules apply to every member
/// (skill, day, distance, not booked); the leader must be among them, being the farmer's contact.
enum LabourTeamMatcher {
    static func teams(_ snapshot: LabourWorkerCache.Snapshot, candidates: [LabourCandidate], places: Int) -> [LabourTeamCandidate] {
        guard places > 1 else { return [] }
        let scores = Dictionary(candidates.map { ($0.facts.worker, $0.score.total) }, uniquingKeysWith: max)
        var teams: [LabourTeamCandidate] = []
        for team in snapshot.teams {
            let members = team.members.filter { scores[$0] != nil }
            guard let leaderScore = scores[team.leader], members.count >= places else { continue }
            let others = members.filter { $0 != team.leader }.sorted { scores[$0, default: 0] > scores[$1, default: 0] }.prefix(places - 1)
            let chosen = [team.leader] + others
            teams.append(LabourTeamCandidate(team: team.id, name: team.name, leader: team.leader, members: chosen,
                                             score: (leaderScore + others.reduce(0) { $0 + scores[$1, default: 0] }) / Double(chosen.count)))
        }
        return teams.sorted { $0.score != $1.score ? $0.score > $1.score : $0.team < $1.team }
    }
}
