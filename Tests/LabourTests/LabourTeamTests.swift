import Foundation
import HuzhuKit
import HuzhuLabour
import HuzhuTesting
import Testing

/// Service teams (专业化服务队伍) matched and booked as a unit.
@Suite struct LabourTeamTests {
    @Test func aTeamIsOfferedThroughItsLeaderAndBookedWhole() async throws {
        try await LabourFixture.with { f in
            _ = try await f.member("李四", phone: "13800000001")
            let leader = try await f.worker("队长", phone: "13800000011", skills: "harvest:5:90/mu")
            let a = try await f.worker("队员甲", phone: "13800000012", skills: "harvest:4:90/mu")
            let b = try await f.worker("队员乙", village: 2, phone: "13800000013", skills: "harvest:3:90/mu")
            let loner = try await f.worker("散工", phone: "13800000014", skills: "harvest:3:90/mu")
            let team = try await f.admin.json("LABOUR TEAM ADD 咸水村收割队 leader=\(leader) members=\(a),\(b)")
            #expect(team.ok && (team.data as? [String: Any])?["members"] as? [Int] == [leader, a, b], "\(team.raw)")
            #expect(try await f.admin.json("LABOUR WORKER EDIT \(loner) status=paused").ok)  // so the automatic offers skip them

            #expect(try await f.admin.json("LABOUR REQUEST ADD member=1 task=harvest date=\(LabourFixture.day) area=9 crew=3").ok)
            let match = try await f.admin.json("LABOUR MATCH 1")
            let teams = try #require((match.data as? [String: Any])?["teams"] as? [[String: Any]])
            #expect(teams.first?["team"] as? Int == 1 && teams.first?["members"] as? [Int] == [leader, a, b], "\(match.raw)")
            #expect(try await f.admin.json("LABOUR JOB CANCEL 1").ok, "withdraw the automatic individual offers")

            let offered = try await f.admin.json("LABOUR OFFER 1 team=1")
            #expect(offered.ok, "\(offered.raw)")
            #expect(try await f.notifications(to: "13800000011").last?.hasPrefix("活2：服务队3人") == true)
            let accepted = try await f.sms("13800000011", "接 2")
            #expect(accepted.reply.hasPrefix("接活成功"), "\(accepted.reply)")
            #expect(try await f.count("SELECT count(*) FROM labour_assignment WHERE job_id = 2") == 3)
            #expect(try await f.notifications(to: "13800000001").last?.contains("已找齐3人，6月12日，领队队长 13800000011") == true)
            #expect(try await f.notifications(to: "13800000013").last?.hasPrefix("派活2") == true, "members are told")
            #expect(try await f.admin.json("LABOUR OFFER 1 team=1").code == "CONFLICT", "the request is matched")
        }
    }

    @Test func aNewLeaderFromAnotherVillageTakesTheTeamToTheirVillage() async throws {
        try await LabourFixture.with { f in
            let leader = try await f.worker("队长", village: 1, phone: "13800000011")
            let member = try await f.worker("队员", village: 1, phone: "13800000012")
            let newLeader = try await f.worker("新队长", village: 2, phone: "13800000013")
            let added = try await f.admin.json("LABOUR TEAM ADD 插秧队 leader=\(leader) members=\(member)")
            #expect(added.ok && added.object["village"] as? Int == 1, "\(added.raw)")
            let xianshui = try await f.daemon.console(as: "xianshui", roles: [.cadre], villages: ["咸水村"])
            let qingcao = try await f.daemon.console(as: "qingcao", roles: [.cadre], villages: ["青草村"])
            #expect(try await xianshui.json("LABOUR TEAM EDIT 1 leader=\(newLeader)").code == "NOT_FOUND", "not their village's craftsman")
            #expect(try await qingcao.json("LABOUR TEAM SHOW 1").code == "NOT_FOUND")

            let edited = try await f.admin.json("LABOUR TEAM EDIT 1 leader=\(newLeader)")
            #expect(edited.ok && edited.object["leader"] as? Int == newLeader && edited.object["village"] as? Int == 2, "\(edited.raw)")
            #expect(try await f.admin.json("LABOUR TEAM SHOW 1").object["village"] as? Int == 2)
            let ids = { (answer: ConsoleAnswer) in (answer.data as? [[String: Any]])?.compactMap { $0["id"] as? Int } }
            #expect(ids(try await f.admin.json("LABOUR TEAM FIND village=2")) == [1])
            #expect(ids(try await f.admin.json("LABOUR TEAM FIND village=1")) == [])
            let audit = try await f.strings(
                "SELECT (before->>'village') || '>' || (after->>'village') FROM audit_log WHERE action = 'labour.team.edit' ORDER BY id")
            #expect(audit == ["1>2"])

            // Cadres' scope goes by the team's village: the team is now 青草村's.
            for command in ["LABOUR TEAM SHOW 1", "LABOUR TEAM EDIT 1 name=咸水插秧队", "LABOUR TEAM CANCEL 1"] {
                #expect(try await xianshui.json(command).code == "NOT_FOUND", "\(command)")
            }
            #expect(ids(try await xianshui.json("LABOUR TEAM FIND")) == [])
            let renamed = try await qingcao.json("LABOUR TEAM EDIT 1 name=青草插秧队")
            #expect(renamed.ok && renamed.object["village"] as? Int == 2, "a change without a leader keeps the village: \(renamed.raw)")
            #expect(ids(try await qingcao.json("LABOUR TEAM FIND")) == [1])
        }
    }
}
