import Foundation
import HuzhuCulture
import HuzhuKit
import HuzhuTesting
import Testing

/// Publishing, cancelling, reminders, check-in, attendance and the monthly report.
@Suite struct EventLifecycleTests {
    @Test func publishRemindCheckInAttendanceReportCancel() async throws {
        try await withTestDaemon(plugins: [CulturePlugin.self], prepare: CultureFixture.prepare()) { daemon in
            let admin = try await daemon.console()
            let watcher = try await daemon.console()
            #expect(try await watcher.json("BUS TAIL culture.*").ok)
            let start = CultureFixture.time(inDays: 1, hour: 9, minute: 0), end = CultureFixture.time(inDays: 1, hour: 11, minute: 0)
            let added = try await admin.json(#"CULTURE EVENT ADD "柑橘修剪培训" kind=class subject=farming village=1 start=\#(start) end=\#(end) capacity=30 open=1,2"#)
            #expect(added.ok && added.object["status"] as? String == "draft", "\(added.raw)")
            #expect(try await admin.json("CULTURE REGISTRATION ADD 1 member=1").code == "INVALID", "drafts take no registrations")
            #expect(try await admin.json("CULTURE EVENT PUBLISH 1").ok)
            #expect(try await admin.json("CULTURE EVENT PUBLISH 1").code == "CONFLICT")
            let published = try JSONSerialization.jsonObject(with: Data(try await watcher.readLine().utf8)) as? [String: Any]
            let envelope = published?["event"] as? [String: Any]
            #expect(envelope?["topic"] as? String == "culture.event.published")
            #expect((envelope?["payload"] as? [String: Any])?["open_to"] as? [Int] == [1, 2])

            let first = try await admin.json("CULTURE REGISTRATION ADD 1 member=1 people=3")
            #expect(first.ok, "\(first.raw)")
            let registered = try JSONSerialization.jsonObject(with: Data(try await watcher.readLine().utf8)) as? [String: Any]
            #expect((registered?["event"] as? [String: Any])?["topic"] as? String == "culture.registration.confirmed")
            #expect(try await admin.json("CULTURE REGISTRATION ADD 1 member=6").ok)
            #expect(try await CultureFixture.scalar(daemon, "SELECT count(*) FROM sms_outbox WHERE text LIKE '报名成功%'") == 2, "console registrations are told by SMS")

            // The day-before reminder goes once to each confirmed registration.
            let tomorrow = CultureFixture.day(inDays: 1)
            let reminded = try await admin.json("CULTURE REMIND date=\(tomorrow)")
            #expect(reminded.object["registrations"] as? Int == 2, "\(reminded.raw)")
            #expect(try await admin.json("CULTURE REMIND date=\(tomorrow)").object["registrations"] as? Int == 0)
            #expect(try await CultureFixture.column(daemon, "SELECT member_id FROM sms_outbox WHERE text LIKE '提醒：明天%' ORDER BY member_id") == [1, 6])

            #expect(try await admin.json("CULTURE EVENT CHECKIN 1 member=1 people=2").ok)
            #expect(try await admin.json("CULTURE EVENT CHECKIN 1 member=2").code == "NOT_FOUND")
            let attendance = try await admin.json("CULTURE EVENT ATTENDANCE 1")
            #expect(attendance.object["confirmed_people"] as? Int == 4 && attendance.object["attended_people"] as? Int == 2, "\(attendance.raw)")
            let report = try await admin.json("CULTURE REPORT month=\(tomorrow.prefix(7))")
            let classes = (report.object["events"] as? [[String: Any]])?.first { $0["kind"] as? String == "class" }
            #expect(classes?["events"] as? Int == 1 && classes?["attended_people"] as? Int == 2, "\(report.raw)")
            #expect(try await admin.json("CULTURE REPORT month=2026-13").code == "SYNTAX")

            let cancelled = try await admin.json(#"CULTURE EVENT CANCEL 1 reason="讲师生病，改期另行通知""#)
            #expect(cancelled.object["notified"] as? Int == 2, "\(cancelled.raw)")
            #expect(try await CultureFixture.scalar(daemon, "SELECT count(*) FROM sms_outbox WHERE text LIKE '活动1%已取消%'") == 2)
            #expect(try await admin.json("CULTURE REGISTRATION ADD 1 member=3").code == "INVALID")
            let shown = try await admin.json("CULTURE EVENT SHOW 1")
            #expect(shown.object["status"] as? String == "cancelled" && (shown.object["registrations"] as? [Any])?.count == 2)
        }
    }

    @Test func aCancelledEventPromotesNobody() async throws {
        try await withTestDaemon(plugins: [CulturePlugin.self], prepare: CultureFixture.prepare()) { daemon in
            let admin = try await daemon.console()
            let gateway = try await daemon.console(as: "kannel", roles: [.gateway])
            #expect(try await admin.json(#"CULTURE EVENT ADD "小讲座" kind=class village=1 start=\#(CultureFixture.time(inDays: 4)) end=\#(CultureFixture.time(inDays: 4, hour: 21)) capacity=1 publish=yes"#).ok)
            #expect(try await admin.json("CULTURE REGISTRATION ADD 1 member=1").object["status"] as? String == "confirmed")
            #expect(try await admin.json("CULTURE REGISTRATION ADD 1 member=2").object["place"] as? Int == 1)
            #expect(try await admin.json("CULTURE EVENT CANCEL 1").ok)
            let reply = try await gateway.json(#"SMS IN \#(CultureFixture.phone(1)) "取消 1""#)
            #expect((reply.object["reply"] as? String)?.hasPrefix("已取消您在活动1") == true, "\(reply.raw)")
            #expect(try await CultureFixture.scalar(daemon, "SELECT count(*) FROM sms_outbox WHERE text LIKE '有空位了%'") == 0)
            #expect(try await CultureFixture.scalar(daemon, "SELECT count(*) FROM culture_registration WHERE status = 'waitlisted'") == 1)
        }
    }

    @Test func malformedCommandsSayWhatWasWrong() async throws {
        try await withTestDaemon(plugins: [CulturePlugin.self], prepare: CultureFixture.prepare()) { daemon in
            let admin = try await daemon.console()
            let start = CultureFixture.time(inDays: 1), end = CultureFixture.time(inDays: 1, hour: 21)
            #expect(try await admin.json(#"CULTURE EVENT ADD "x" kind=party village=1 start=\#(start) end=\#(end) capacity=3"#).code == "SYNTAX")
            #expect(try await admin.json(#"CULTURE EVENT ADD "x" kind=film village=1 start=\#(end) end=\#(start) capacity=3"#).code == "INVALID")
            #expect(try await admin.json(#"CULTURE EVENT ADD "x" kind=film village=1 start=\#(start) end=\#(end)"#).code == "SYNTAX")
            #expect(try await admin.json(#"CULTURE EVENT ADD "x" kind=film village=1 start=\#(start) end=\#(end) capacity=3 colour=red"#).code == "SYNTAX")
            #expect(try await admin.json(#"CULTURE EVENT ADD "x" kind=film village=99 start=\#(start) end=\#(end) capacity=3"#).code == "NOT_FOUND")
            #expect(try await admin.json("CULTURE EVENT SHOW 42").code == "NOT_FOUND")
            #expect(try await admin.json("CULTURE BOOKING ADD member=1 occasion=party date=2026-10-01").code == "SYNTAX")
            #expect(try await admin.json("CULTURE BOOKING ADD member=1 occasion=wedding date=10-01").code == "SYNTAX")
            #expect(try await admin.json(#"CULTURE RULE ADD village=1 kind=max_tables text="不超过10桌""#).code == "SYNTAX")
            let text = try await daemon.console(json: true)
            let help = try await text.json("HELP CULTURE EVENT ADD")
            #expect(help.ok, "\(help.raw)")
        }
    }
}
