import Foundation
import HuzhuKit
import HuzhuLabour
import HuzhuTesting
import Testing

/// Technical contracts, staff-added tasks, and worker records.
@Suite struct LabourRecordsTests {
    @Test func technicalContractsAreRecordedChangedAndCancelled() async throws {
        try await LabourFixture.with { f in
            let household = try #require((try await f.admin.json("HOUSEHOLD ADD village=1").data as? [String: Any])?["id"] as? Int)
            let theirs = try #require((try await f.admin.json("HOUSEHOLD ADD village=2").data as? [String: Any])?["id"] as? Int)
            let worker = try await f.worker("张三", phone: "13800000011", skills: "contract:5:200/day")
            let add = "LABOUR CONTRACT ADD household=\(household) worker=\(worker) scope=柑橘园全年管护 fee=3000 from=2027-03-01 to=2027-11-30 area=6 milestones=春剪,夏防,秋采"
            let added = try await f.admin.json(add)
            #expect(added.ok, "\(added.raw)")
            #expect(try await f.admin.json("LABOUR CONTRACT ADD household=\(household) worker=\(worker) team=1 scope=x fee=1 from=2027-03-01 to=2027-11-30").code == "SYNTAX")
            #expect(try await f.admin.json("LABOUR CONTRACT ADD household=\(household) worker=\(worker) scope=x fee=1 from=2027-11-30 to=2027-03-01").code == "INVALID")
            #expect(try await f.admin.json("LABOUR CONTRACT EDIT 1 status=completed fee=3200").ok)
            let shown = try await f.admin.json("LABOUR CONTRACT SHOW 1")
            #expect((shown.data as? [String: Any])?["fee"] as? Double == 3200 && (shown.data as? [String: Any])?["status"] as? String == "completed")
            #expect(try await f.admin.json("LABOUR CONTRACT CANCEL 1").ok)
            #expect(try await f.strings("SELECT action FROM audit_log WHERE target = 'labour_contract:1' ORDER BY id")
                        == ["labour.contract.add", "labour.contract.edit", "labour.contract.cancel"])
            let cadre = try await f.daemon.console(as: "qingcao", roles: [.cadre], villages: ["青草村"])
            #expect(try await cadre.json("LABOUR CONTRACT SHOW 1").code == "NOT_FOUND")
            #expect(try await cadre.json("LABOUR CONTRACT ADD household=\(household) worker=\(worker) scope=x fee=1 from=2027-03-01 to=2027-04-01").code == "NOT_FOUND")
            _ = theirs
        }
    }

    @Test func aTaskStaffAddIsUnderstoodBySMS() async throws {
        try await LabourFixture.with { f in
            _ = try await f.member("李四", phone: "13800000001")
            #expect(try await f.admin.json("LABOUR TASK ADD weed 除草 en=weeding words=锄草,薅草").ok)
            #expect(try await f.admin.json("LABOUR TASK ADD weed 除草").code == "CONFLICT")
            #expect(try await f.admin.json("LABOUR TASK ADD Weed-1 除草").code == "SYNTAX")
            let worker = try await f.worker("张三", phone: "13800000011", skills: "weed:3:100/day")
            let asked = try await f.sms("13800000001", "找人锄草6月12日")
            #expect(asked.reply.hasPrefix("已收到找人1：6月12日除草，1人"), "\(asked.reply)")
            #expect(try await f.count("SELECT count(*) FROM labour_offer WHERE worker_id = \(worker)") == 1)
        }
    }

    @Test func workerRecordsRefuseMalformedInput() async throws {
        try await LabourFixture.with { f in
            let member = try await f.member("张三", phone: "13800000011")
            #expect(try await f.admin.json("LABOUR WORKER ADD \(member) skills=plough:9:80/mu").code == "SYNTAX")
            #expect(try await f.admin.json("LABOUR WORKER ADD \(member) skills=plough:3:80/acre").code == "SYNTAX")
            #expect(try await f.admin.json("LABOUR WORKER ADD \(member) skills=fly:3:80/mu").code == "INVALID")
            #expect(try await f.admin.json("LABOUR WORKER ADD \(member) skills=plough:3:80/mu days=89").code == "SYNTAX")
            #expect(try await f.admin.json("LABOUR WORKER ADD \(member)").code == "SYNTAX")
            #expect(try await f.admin.json("LABOUR WORKER ADD \(member) skills=plough:3:80/mu days=12345 off=2027-06-12 equipment=tractor").ok)
            #expect(try await f.admin.json("LABOUR WORKER ADD \(member) skills=plough:3:80/mu").code == "CONFLICT")
            let shown = try await f.admin.json("LABOUR WORKER SHOW \(member)")
            let data = try #require(shown.data as? [String: Any])
            #expect(data["days"] as? String == "12345" && data["days_off"] as? [String] == ["2027-06-12"] && data["equipment"] as? [String] == ["tractor"])
            // Not available on a day off, nor on a Saturday (2027-06-19) outside days=12345.
            _ = try await f.member("李四", phone: "13800000001")
            #expect(try await f.admin.json("LABOUR REQUEST ADD member=2 task=plough date=2027-06-12").ok)
            #expect(try await f.admin.json("LABOUR REQUEST ADD member=2 task=plough date=2027-06-19").ok)
            #expect(try await f.admin.json("LABOUR REQUEST ADD member=2 task=plough date=2027-06-14").ok)
            #expect(try await f.strings("SELECT j.day::text FROM labour_offer o JOIN labour_job j ON j.id = o.job_id") == ["2027-06-14"])
        }
    }
}
