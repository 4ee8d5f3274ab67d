import Foundation
import HuzhuKit
import HuzhuLabour
import HuzhuTesting
import Testing

/// 全程代理 recorded in the audit log, and cadres kept to their villages.
@Suite struct LabourScopeTests {
    @Test func aRequestEnteredOnBehalfIsAuditedWithTheFarmer() async throws {
        try await LabourFixture.with { f in
            let farmer = try await f.member("王奶奶", phone: "13800000001", noLabour: true)
            let added = try await f.admin.json("LABOUR REQUEST ADD member=\(farmer) task=harvest date=\(LabourFixture.day) area=2 notes=独居")
            #expect(added.ok, "\(added.raw)")
            #expect((added.data as? [String: Any])?["entered_by"] as? String == "staff:admin")
            let audit = try await f.strings(
                "SELECT actor || '|' || coalesce(on_behalf_of::text, '-') FROM audit_log WHERE action = 'labour.request.add'")
            #expect(audit == ["staff:admin|\(farmer)"])
            #expect(try await f.admin.json("LABOUR REQUEST ADD task=harvest date=\(LabourFixture.day)").code == "SYNTAX")
            #expect(try await f.admin.json("LABOUR REQUEST ADD member=\(farmer) task=fly date=\(LabourFixture.day)").code == "INVALID")
            #expect(try await f.admin.json("LABOUR REQUEST ADD member=\(farmer) task=harvest date=12/6").code == "SYNTAX")
            #expect(try await f.admin.json("LABOUR REQUEST ADD member=\(farmer) task=harvest date=\(LabourFixture.day) colour=red").code == "SYNTAX")
        }
    }

    @Test func aCadreCannotTouchAnotherVillagesRequests() async throws {
        try await LabourFixture.with { f in
            let here = try await f.member("李四", village: 1, phone: "13800000001")
            let there = try await f.member("周九", village: 2, phone: "13800000002")
            #expect(try await f.admin.json("LABOUR REQUEST ADD member=\(there) task=plough date=\(LabourFixture.day)").ok)  // request 1, 青草村
            let cadre = try await f.daemon.console(as: "xianshui", roles: [.cadre], villages: ["咸水村"])
            #expect(try await cadre.json("LABOUR REQUEST ADD member=\(there) task=plough date=\(LabourFixture.day)").code == "NOT_FOUND")
            #expect(try await cadre.json("LABOUR REQUEST ADD member=\(here) task=plough date=\(LabourFixture.day)").ok)   // request 2
            for command in ["LABOUR REQUEST SHOW 1", "LABOUR REQUEST CANCEL 1", "LABOUR REQUEST EDIT 1 crew=2", "LABOUR MATCH 1", "LABOUR OFFER 1",
                            "LABOUR ASSIGN 1 worker=\(here)"] {
                #expect(try await cadre.json(command).code == "NOT_FOUND", "\(command)")
            }
            let listed = try await cadre.json("LABOUR REQUEST FIND")
            #expect((listed.data as? [[String: Any]])?.compactMap { $0["id"] as? Int } == [2])
            #expect(try await f.strings("SELECT state FROM labour_request WHERE id = 1") == ["open"])
            let readonly = try await f.daemon.console(as: "viewer", roles: [.readonly])
            #expect(try await readonly.json("LABOUR REQUEST FIND").ok)
            #expect(try await readonly.json("LABOUR REQUEST CANCEL 2").code == "DENIED")
        }
    }
}
