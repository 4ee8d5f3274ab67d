import Foundation
import HuzhuCulture
import HuzhuKit
import HuzhuTesting
import Testing

/// Wedding and funeral services: catalogue, rules with audited overrides, providers never double-booked,
/// money, and the labour request on the bus.
@Suite struct BookingTests {
    static func catalogue(_ admin: ConsoleClient) async throws {
        for line in [
            "CULTURE SERVICE ADD cooks name=厨师队 price=80 unit=table package=yes hands=cook crew=3",
            "CULTURE SERVICE ADD tables name=桌椅餐具 price=30 unit=table package=yes",
            "CULTURE SERVICE ADD band name=乐队 price=1500 unit=booking",
            #"CULTURE PROVIDER ADD cooks name="古夫厨师队""#,
            #"CULTURE PROVIDER ADD tables name="桌椅一号""#,
            #"CULTURE PROVIDER ADD band name="喜乐乐队""#,
            #"CULTURE RULE ADD village=1 occasion=any kind=max_tables limit=10 text="婚丧宴席不超过10桌""#,
            #"CULTURE RULE ADD village=1 occasion=funeral kind=forbidden service=band text="丧事不请乐队""#,
        ] {
            let answer = try await admin.json(line)
            #expect(answer.ok, "\(line): \(answer.raw)")
        }
    }

    @Test func rulesRefuseQuotingTheirTextAndStaffOverrideIsAudited() async throws {
        try await withTestDaemon(plugins: [CulturePlugin.self], prepare: CultureFixture.prepare()) { daemon in
            let admin = try await daemon.console()
            try await Self.catalogue(admin)
            let date = CultureFixture.day(inDays: 30)
            let refused = try await admin.json("CULTURE BOOKING ADD member=1 occasion=wedding date=\(date) tables=15")
            #expect(refused.code == "DENIED")
            #expect(refused.message?.contains("婚丧宴席不超过10桌") == true || refused.message?.contains("rule 1") == true, "\(refused.raw)")
            let band = try await admin.json("CULTURE BOOKING ADD member=1 occasion=funeral date=\(date) tables=5 services=cooks,tables,band")
            #expect(band.code == "DENIED" && band.message?.contains("丧事不请乐队") == true, "\(band.raw)")

            let cadre = try await daemon.console(as: "xianshui", roles: [.cadre], villages: ["咸水村"])
            #expect(try await cadre.json(#"CULTURE BOOKING ADD member=1 occasion=wedding date=\#(date) tables=15 override="村委同意""#).code == "DENIED")

            let overridden = try await admin.json(#"CULTURE BOOKING ADD member=1 occasion=wedding date=\#(date) tables=15 override="老人八十大寿并婚宴，村委会同意""#)
            #expect(overridden.ok, "\(overridden.raw)")
            #expect(overridden.object["override_reason"] as? String == "老人八十大寿并婚宴，村委会同意")
            #expect(overridden.object["quote_yuan"] as? Int == 15 * 80 + 15 * 30)
            let audit = try await admin.json("AUDIT LIST action=culture.booking.override")
            let entry = try #require(audit.list.first)
            #expect(entry["actor"] as? String == "staff:admin")
            #expect(((entry["after"] as? [String: Any])?["reason"] as? String) == "老人八十大寿并婚宴，村委会同意")

            // Rules are data: switch the table limit off and the same booking passes for another day.
            #expect(try await admin.json("CULTURE RULE EDIT 1 active=no").ok)
            #expect(try await admin.json("CULTURE BOOKING ADD member=2 occasion=wedding date=\(CultureFixture.day(inDays: 31)) tables=15").ok)
            #expect(try await admin.json("CULTURE RULE EDIT 2 limit=3").code == "INVALID")
            #expect(try await cadre.json("CULTURE RULE LIST").list.count == 2)
        }
    }

    @Test func providersAreNeverDoubleBookedAndMoneyAndHandsFollow() async throws {
        try await withTestDaemon(plugins: [CulturePlugin.self], prepare: CultureFixture.prepare()) { daemon in
            let admin = try await daemon.console()
            try await Self.catalogue(admin)
            let date = CultureFixture.day(inDays: 40)
            let watcher = try await daemon.console()
            #expect(try await watcher.json("BUS TAIL labour.*").ok)
            let first = try await admin.json("CULTURE BOOKING ADD member=6 occasion=wedding date=\(date) tables=8 helpers=2")
            #expect(first.ok, "\(first.raw)")
            let id = try #require(first.object["id"] as? Int)
            // The hands are asked for in the booking's transaction: the labour plugin's contract.
            let wanted = try JSONSerialization.jsonObject(with: Data(try await watcher.readLine().utf8)) as? [String: Any]
            let envelope = try #require(wanted?["event"] as? [String: Any])
            #expect(envelope["topic"] as? String == "labour.request.wanted")
            let payload = try #require(envelope["payload"] as? [String: Any])
            #expect(payload["member"] as? Int == 6 && payload["task"] as? String == "cook" && payload["crew"] as? Int == 5)
            #expect(payload["date"] as? String == date && payload["source"] as? String == "culture.booking:\(id)")
            #expect((payload["notes"] as? String)?.contains("厨师3人、帮工2人") == true, "\(payload)")
            #expect(first.object["quote_yuan"] as? Int == 8 * 110)
            // The only cook team is held for that day: the next wedding on an overlapping day is refused, naming the holder.
            let clash = try await admin.json("CULTURE BOOKING ADD member=7 occasion=funeral date=\(CultureFixture.day(inDays: 39)) days=2 tables=5")
            #expect(clash.code == "CONFLICT" && clash.message?.contains("已约满") == true, "\(clash.raw)")
            let english = try await daemon.console()
            #expect(try await english.json("LANG en").ok)
            let named = try await english.json("CULTURE BOOKING ADD member=7 occasion=funeral date=\(CultureFixture.day(inDays: 39)) days=2 tables=5")
            #expect(named.message?.contains("held by booking \(id)") == true, "the English message names the holder: \(named.raw)")
            #expect(try await CultureFixture.scalar(daemon, "SELECT count(*) FROM culture_booking") == 1, "the refused booking left nothing behind")

            let culture = try await daemon.console()
            #expect(try await culture.json("BUS TAIL culture.booking.*").ok)
            let deposit = try await admin.json("CULTURE BOOKING DEPOSIT \(id) amount=200")
            #expect(deposit.ok && deposit.object["status"] as? String == "confirmed", "\(deposit.raw)")
            let confirmed = try JSONSerialization.jsonObject(with: Data(try await culture.readLine().utf8)) as? [String: Any]
            let confirmedPayload = (confirmed?["event"] as? [String: Any])?["payload"] as? [String: Any]
            #expect(confirmedPayload?["booking"] as? Int == id && confirmedPayload?["deposit_yuan"] as? Int == 200)

            #expect(try await admin.json("CULTURE BOOKING PAY \(id) amount=1000").code == "INVALID", "more than is owed")
            let paid = try await admin.json("CULTURE BOOKING PAY \(id) amount=680")
            #expect(paid.object["status"] as? String == "paid", "\(paid.raw)")
            #expect(try await admin.json("CULTURE BOOKING DEPOSIT \(id) amount=1").code == "CONFLICT")

            // Cancelling frees the team for the day.
            #expect(try await admin.json("CULTURE BOOKING CANCEL \(id) reason=改期").ok)
            let cancelled = try JSONSerialization.jsonObject(with: Data(try await culture.readLine().utf8)) as? [String: Any]
            let cancelledPayload = (cancelled?["event"] as? [String: Any])?["payload"] as? [String: Any]
            #expect(cancelledPayload?["source"] as? String == "culture.booking:\(id)")
            #expect(try await CultureFixture.scalar(daemon, "SELECT count(*) FROM bus_outbox WHERE topic = 'labour.request.wanted'") == 1,
                    "refused bookings asked for nobody; the deposit did not ask again")
            #expect(try await admin.json("CULTURE BOOKING ADD member=7 occasion=funeral date=\(date) tables=5").ok)
            let month = String(date.prefix(7))
            let report = try await admin.json("CULTURE REPORT month=\(month)")
            #expect(report.ok, "\(report.raw)")
            #expect((report.object["bookings"] as? [[String: Any]])?.first?["occasion"] as? String == "funeral")
        }
    }

    @Test func twoHundredConcurrentBookingsHoldEachTeamAndTableSetOnceADay() async throws {
        try await withTestDaemon(plugins: [CulturePlugin.self], prepare: CultureFixture.prepare(villages: 2, perVillage: 100)) { daemon in
            let admin = try await daemon.console()
            try await Self.catalogue(admin)
            // Two cook teams but one set of tables and chairs: each day the package (cooks + tables) can be
            // booked once, and a booking that got a cook team but no tables must give the team back.
            #expect(try await admin.json(#"CULTURE PROVIDER ADD cooks name="二号厨师队""#).ok)
            let days = [CultureFixture.day(inDays: 50), CultureFixture.day(inDays: 51)]
            func day(_ client: Int) -> String { days[client % 2] }
            let sessions = try await daemon.consoles(200)
            let result = try await race(sessions, (0..<200).map { "CULTURE BOOKING ADD member=\($0 + 1) occasion=wedding date=\(day($0)) tables=8" })
            print("twoHundredConcurrentBookingsHoldEachTeamAndTableSetOnceADay: \(result.summary)")
            let winners = result.winners
            #expect(winners.count == 2, "\(result.summary)")
            #expect(Set(winners.map(day)) == Set(days), "one booking a day (back-to-back days do not clash): \(winners)")
            let bookingOfDay = Dictionary(winners.map { (day($0), result.answers[$0].object["id"] as? Int ?? -1) }, uniquingKeysWith: { a, _ in a })
            // Every loser is told CONFLICT naming the booking that holds the tables that day.
            for loser in result.losers {
                let answer = result.answers[loser]
                let holder = (answer.message ?? "").firstMatch(of: /桌椅餐具已约满（桌椅一号已被预约(\d+)占用）/).map { Int($0.1)! }
                #expect(answer.code == "CONFLICT" && holder != nil && holder == bookingOfDay[day(loser)], "client \(loser): \(answer.raw)")
            }
            // Rows match the answers: two bookings, each holding one cook team and the tables; the losers'
            // bookings, cook teams and requests for hands all rolled back.
            #expect(try await CultureFixture.column(daemon, "SELECT id FROM culture_booking ORDER BY id") == bookingOfDay.values.sorted())
            #expect(try await CultureFixture.column(daemon, "SELECT member_id - 1 FROM culture_booking ORDER BY id")
                    == winners.sorted { bookingOfDay[day($0)]! < bookingOfDay[day($1)]! })
            #expect(try await CultureFixture.column(daemon, """
                SELECT count(*) FROM culture_booking_item i JOIN culture_service s ON s.id = i.service_id
                WHERE i.active GROUP BY i.booking_id, s.code ORDER BY i.booking_id, s.code
                """) == [1, 1, 1, 1])
            #expect(try await CultureFixture.scalar(daemon, "SELECT count(*) FROM culture_booking_item") == 4)
            #expect(try await CultureFixture.scalar(daemon, """
                SELECT count(*) FROM culture_booking_item a JOIN culture_booking_item b
                  ON a.provider_id = b.provider_id AND a.id < b.id AND a.during && b.during AND a.active AND b.active
                """) == 0)
            #expect(try await CultureFixture.scalar(daemon, "SELECT count(*) FROM audit_log WHERE action = 'culture.booking.add'") == 2)
            let sources = try await CultureFixture.column(daemon,
                "SELECT substr(payload->>'source', 17)::int FROM bus_outbox WHERE topic = 'labour.request.wanted' ORDER BY 1")
            #expect(sources == bookingOfDay.values.sorted(), "hands asked for the two bookings only")
            for session in sessions { await session.close() }
        }
    }
}
