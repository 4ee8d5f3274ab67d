import Foundation
import HuzhuCulture
import HuzhuKit
import HuzhuTesting
import Testing

/// Every CULTURE command refuses the roles it does not name; a cadre sees and changes only its villages.
@Suite struct CulturePermissionsTests {
    @Test func everyCultureCommandRefusesRolesBelowItsOwn() async throws {
        try await withTestDaemon(plugins: [CulturePlugin.self], prepare: CultureFixture.prepare()) { daemon in
            let admin = try await daemon.console()
            let names = ((try await admin.json("HELP").data as? [[String: Any]]) ?? []).compactMap { $0["name"] as? String }.filter { $0.hasPrefix("CULTURE ") }
            #expect(names.count == 30, "\(names)")
            let writes: Set<String> = ["CULTURE EVENT ADD", "CULTURE EVENT PUBLISH", "CULTURE EVENT CANCEL", "CULTURE EVENT CHECKIN",
                                       "CULTURE REGISTRATION ADD", "CULTURE REGISTRATION CANCEL", "CULTURE VENUE ADD", "CULTURE VENUE BOOK",
                                       "CULTURE VENUE UNBOOK", "CULTURE SERVICE ADD", "CULTURE PROVIDER ADD", "CULTURE BOOKING ADD",
                                       "CULTURE BOOKING DEPOSIT", "CULTURE BOOKING PAY", "CULTURE BOOKING CANCEL", "CULTURE RULE ADD",
                                       "CULTURE RULE EDIT", "CULTURE REMIND"]
            let money: Set<String> = ["CULTURE SERVICE ADD", "CULTURE PROVIDER ADD", "CULTURE BOOKING DEPOSIT", "CULTURE BOOKING PAY", "CULTURE REMIND"]
            let forbidden: [Role: Set<String>] = [
                .gateway: Set(names), .labour: Set(names), .market: Set(names), .readonly: writes, .cadre: money,
            ]
            for problem in try await PermissionAudit.roleViolations(daemon, commands: names, forbidden: forbidden) {
                Issue.record(Comment(rawValue: problem))
            }
        }
    }

    @Test func aCadreSeesAndChangesOnlyItsVillagesRecords() async throws {
        try await withTestDaemon(plugins: [CulturePlugin.self], prepare: CultureFixture.prepare()) { daemon in
            let admin = try await daemon.console()
            let start = CultureFixture.time(inDays: 6), end = CultureFixture.time(inDays: 6, hour: 21)
            #expect(try await admin.json(#"CULTURE EVENT ADD "咸水电影" kind=film village=1 start=\#(start) end=\#(end) capacity=20 open=all publish=yes"#).ok)
            #expect(try await admin.json(#"CULTURE EVENT ADD "青草电影" kind=film village=2 start=\#(start) end=\#(end) capacity=20 open=all publish=yes"#).ok)
            #expect(try await admin.json("CULTURE SERVICE ADD hall name=礼堂 price=500 unit=day").ok)
            #expect(try await admin.json(#"CULTURE PROVIDER ADD hall name="青草礼堂" village=2"#).ok)
            #expect(try await admin.json("CULTURE BOOKING ADD member=6 occasion=wedding date=\(CultureFixture.day(inDays: 9)) services=hall").ok)
            #expect(try await admin.json(#"CULTURE RULE ADD village=2 kind=max_tables limit=12 text="青草村宴席不超过12桌""#).ok)

            let cadre = try await daemon.console(as: "xianshui", roles: [.cadre], villages: ["咸水村"])
            #expect(try await cadre.json("CULTURE EVENT LIST").list.compactMap { $0["title"] as? String } == ["咸水电影"])
            #expect(try await cadre.json("CULTURE EVENT SHOW 2").code == "NOT_FOUND")
            #expect(try await cadre.json("CULTURE EVENT CANCEL 2").code == "NOT_FOUND")
            #expect(try await cadre.json("CULTURE REGISTRATION ADD 1 member=6").code == "DENIED", "member 6 lives in 青草村")
            #expect(try await cadre.json("CULTURE REGISTRATION ADD 1 member=1").ok)
            #expect(try await cadre.json("CULTURE BOOKING SHOW 1").code == "NOT_FOUND")
            #expect(try await cadre.json("CULTURE BOOKING LIST").list.isEmpty)
            #expect(try await cadre.json("CULTURE BOOKING CANCEL 1").code == "DENIED")
            #expect(try await cadre.json(#"CULTURE RULE EDIT 1 text="改掉""#).code == "NOT_FOUND")
            #expect(try await cadre.json(#"CULTURE RULE ADD village=all kind=max_days limit=2 text="全县不超过2天""#).code == "DENIED")
            #expect(try await cadre.json("CULTURE RULE LIST").list.isEmpty)
            #expect(try await cadre.json("CULTURE REPORT month=\(start.prefix(7)) village=2").code == "DENIED")
        }
    }
}
