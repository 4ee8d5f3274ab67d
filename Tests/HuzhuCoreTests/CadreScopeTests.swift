import Foundation
import HuzhuKit
import HuzhuTesting
import Testing

/// A cadre of 咸水村 (village 1) against records of 青草村 (village 2), where a plugin command used to let
/// the other village through.
@Suite struct CadreScopeTests {
    /// Two villages 3 km apart; 李四 (1) and 张三 (2) in 咸水村, 赵六 (3) in 青草村, all three craftsmen.
    func prepare(_ daemon: TestDaemon) async throws -> ConsoleClient {
        let admin = try await daemon.console()
        for line in [
            "VILLAGE ADD 咸水村 township=古夫镇 lat=31.250 lon=110.750", "VILLAGE ADD 青草村 township=古夫镇 lat=31.270 lon=110.770",
            "MEMBER ADD 李四 village=1 phone=13800000001", "MEMBER ADD 张三 village=1 phone=13800000002", "MEMBER ADD 赵六 village=2 phone=13800000003",
            "LABOUR WORKER ADD 1 skills=plough:3:70/mu days=1234567", "LABOUR WORKER ADD 2 skills=plough:3:70/mu days=1234567",
            "LABOUR WORKER ADD 3 skills=plough:3:70/mu days=1234567",
        ] {
            let answer = try await admin.json(line)
            #expect(answer.ok, "\(line): \(answer.raw)")
        }
        return admin
    }

    @Test func aCadreCannotPutAnotherVillagesCraftsmanInATeam() async throws {
        try await withTestDaemon(plugins: AuditFixture.plugins) { daemon in
            let admin = try await prepare(daemon)
            let cadre = try await daemon.console(as: "xianshui", roles: [.cadre], villages: ["咸水村"])
            #expect(try await cadre.json("LABOUR TEAM ADD 咸水队 leader=1 members=3").code == "NOT_FOUND", "赵六 is 青草村's")
            let formed = try await cadre.json("LABOUR TEAM ADD 咸水队 leader=1 members=2")
            let id = try #require((formed.data as? [String: Any])?["id"] as? Int, "\(formed.raw)")
            #expect(try await cadre.json("LABOUR TEAM EDIT \(id) members=2,3").code == "NOT_FOUND")
            #expect(try await cadre.json("LABOUR TEAM EDIT \(id) leader=3").code == "NOT_FOUND")
            let team = try await admin.json("LABOUR TEAM SHOW \(id)")
            #expect((team.data as? [String: Any])?["members"] as? [Int] == [1, 2], "unchanged: \(team.raw)")
            #expect((team.data as? [String: Any])?["leader"] as? Int == 1)
            #expect(try await cadre.json("LABOUR TEAM EDIT \(id) members=2 name=咸水耕田队").ok, "its own village's craftsmen are fine")
            #expect(try await admin.json("LABOUR TEAM EDIT \(id) members=2,3").ok, "an account of all villages may mix them")
        }
    }

    @Test func aCadreFindsMatchesOnlyAmongItsVillagesOffers() async throws {
        try await withTestDaemon(plugins: AuditFixture.plugins) { daemon in
            let admin = try await prepare(daemon)
            for line in [
                "MARKET BUYER ADD 县果品公司 kind=merchant village=1",
                "MARKET DEMAND ADD buyer=1 crop=柑橘 quantity=1 unit=t price=6500 village=1",
                "MARKET DEMAND ADD buyer=1 crop=土豆 quantity=1 unit=t price=3000 village=2",
                "MARKET OFFER ADD member=1 crop=柑橘 quantity=2000 unit=jin price=3",
                "MARKET OFFER ADD member=3 crop=柑橘 quantity=2000 unit=jin price=2.5",
            ] {
                let answer = try await admin.json(line)
                #expect(answer.ok, "\(line): \(answer.raw)")
            }
            func offers(_ console: ConsoleClient, _ line: String) async throws -> [Int] {
                let answer = try await console.json(line)
                #expect(answer.ok, "\(line): \(answer.raw)")
                return ((answer.data as? [[String: Any]]) ?? []).compactMap { $0["offer"] as? Int }.sorted()
            }
            let demand = 1
            #expect(try await offers(admin, "MARKET MATCH FIND \(demand)").count == 2, "an account of all villages sees both")
            let cadre = try await daemon.console(as: "xianshui", roles: [.cadre], villages: ["咸水村"])
            let mine = try await offers(cadre, "MARKET MATCH FIND \(demand)")
            #expect(mine.count == 1, "only 咸水村's offer: \(mine)")
            let list = try await cadre.json("MARKET OFFER LIST")
            #expect(((list.data as? [[String: Any]]) ?? []).compactMap { $0["id"] as? Int } == mine, "the offer a cadre may see: \(list.raw)")
            #expect(try await cadre.json("MARKET MATCH FIND 2").code == "DENIED", "青草村's demand")
        }
    }
}
