import Foundation
import HuzhuKit
import HuzhuTesting
import Testing

/// Staff recording what a farmer did or decided act on the farmer's behalf (全程代理): the audit row names
/// the farmer, so `AUDIT LIST member=<id>` shows everything done for them.
@Suite struct OnBehalfAuditTests {
    @Test func aRatingStaffRecordIsTheFarmersAndStaysInTheCadresVillages() async throws {
        try await withTestDaemon(plugins: AuditFixture.plugins) { daemon in
            let admin = try await daemon.console()
            let day = AuditFixture.day(10)
            for line in [
                "VILLAGE ADD 咸水村 township=古夫镇 lat=31.250 lon=110.750", "VILLAGE ADD 青草村 township=古夫镇 lat=31.270 lon=110.770",
                "MEMBER ADD 李四 village=1 phone=13800000001", "MEMBER ADD 张三 village=1 phone=13800000002",
                "MEMBER ADD 赵六 village=2 phone=13800000003", "MEMBER ADD 钱七 village=2 phone=13800000004",
                "LABOUR WORKER ADD 2 skills=plough:3:70/mu days=1234567", "LABOUR WORKER ADD 4 skills=plough:3:70/mu days=1234567",
                "LABOUR REQUEST ADD member=1 task=plough date=\(day)", "LABOUR ASSIGN 1 worker=2", "LABOUR DONE 1",
                "LABOUR REQUEST ADD member=3 task=plough date=\(day)", "LABOUR ASSIGN 2 worker=4", "LABOUR DONE 2",
            ] {
                let answer = try await admin.json(line)
                #expect(answer.ok, "\(line): \(answer.raw)")
            }
            let jobs = ((try await admin.json("LABOUR JOB FIND").data as? [[String: Any]]) ?? []).map { ($0["id"] as? Int, $0["request"] as? Int) }
            #expect(jobs.count == 2 && jobs.contains { $0 == (1, 1) } && jobs.contains { $0 == (2, 2) }, "\(jobs)")

            let cadre = try await daemon.console(as: "xianshui", roles: [.cadre], villages: ["咸水村"])
            #expect(try await cadre.json("LABOUR RATE 2 5").code == "NOT_FOUND", "青草村's job")
            #expect(try await cadre.json("LABOUR RATE 1 4").ok)
            let rows = (try await admin.json("AUDIT LIST action=labour.job.rate").data as? [[String: Any]]) ?? []
            #expect(rows.count == 1, "\(rows)")
            #expect(rows.first?["actor"] as? String == "staff:xianshui")
            #expect(rows.first?["on_behalf_of"] as? Int == 1, "李四's rating")
            #expect(((try await admin.json("AUDIT LIST member=3").data as? [[String: Any]]) ?? []).allSatisfy { $0["action"] as? String != "labour.job.rate" })
        }
    }
}
