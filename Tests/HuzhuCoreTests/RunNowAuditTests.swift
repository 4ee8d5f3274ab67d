import Foundation
import HuzhuKit
import HuzhuTesting
import Testing

/// `LABOUR EXPIRE`, `CULTURE REMIND` and `MARKET ALERT RUN` do now what a periodic job does by itself. They
/// act on every village, so an account limited to villages may not run them; and the account that ran one
/// is the actor of what it changed (the periodic jobs themselves stay `plugin:<id>`).
@Suite struct RunNowAuditTests {
    @Test func runNowCommandsRefuseScopedAccountsAndAuditTheAccountThatRanThem() async throws {
        try await withTestDaemon(plugins: AuditFixture.plugins) { daemon in
            let admin = try await daemon.console()
            let gateway = try await daemon.console(as: "sms1", roles: [.gateway])
                        for line in [
                "VILLAGE ADD 咸水村 township=古夫镇 lat=31.250 lon=110.750", "VILLAGE ADD 青草村 township=古夫镇 lat=31.270 lon=110.770",
                "MEMBER ADD 李四 village=1 phone=13800000001", "MEMBER ADD 赵六 village=2 phone=13800000013",
                "LABOUR WORKER ADD 2 skills=plough:3:70/mu travel=30 days=1234567",
                "LABOUR REQUEST ADD member=1 task=plough date=\(AuditFixture.day(10))",  // offered to 赵六 at once
                "MARKET PRICE ADD crop=柑橘 price=3 unit=kg market=古夫镇农贸市场",
            ] {
                let answer = try await admin.json(line)
                #expect(answer.ok, "\(line): \(answer.raw)")
            }
            // A subscription without a baseline: the alert run sets it (a write).
            #expect(try await gateway.json(#"SMS IN 13800000013 "订阅 土豆" id=run-now-1"#).ok)
            #expect(try await admin.json("MARKET PRICE ADD crop=土豆 price=2 unit=kg market=古夫镇农贸市场").ok)

            let runNow = ["LABOUR EXPIRE at=\(AuditFixture.day(12))T08:00:00+08:00", "CULTURE REMIND date=\(AuditFixture.day(6))", "MARKET ALERT RUN"]
            let cadre = try await daemon.console(as: "xianshui", roles: [.cadre], villages: ["咸水村"])
            let scopedStaff = try await daemon.console(as: "qingcao_staff", roles: [.staff, .labour, .culture, .market], villages: ["青草村"])
            for line in runNow {
                #expect(try await cadre.json(line).code == "DENIED", "\(line) by a cadre")
                #expect(try await scopedStaff.json(line).code == "DENIED", "\(line) by staff limited to one village")
            }
            #expect(try await audits(admin, "labour.offer.expire").isEmpty, "the refused runs changed nothing")

            let clerk = try await daemon.console(as: "clerk", roles: [.staff, .labour, .culture, .market])
            for line in runNow {
                let answer = try await clerk.json(line)
                #expect(answer.ok, "\(line): \(answer.raw)")
            }
            #expect((try await clerk.json(runNow[0]).data as? [String: Any])?["expired"] as? Int == 0, "expired once")
            for action in ["labour.offer.expire", "culture.remind", "market.subscription.baseline"] {
                let rows = try await audits(admin, action)
                #expect(rows.count == 1 && rows.allSatisfy { $0["actor"] as? String == "staff:clerk" }, "\(action): \(rows)")
            }
        }
    }

    func audits(_ console: ConsoleClient, _ action: String) async throws -> [[String: Any]] {
        (try await console.json("AUDIT LIST action=\(action)").data as? [[String: Any]]) ?? []
    }
}
