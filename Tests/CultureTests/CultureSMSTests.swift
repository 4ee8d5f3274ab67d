import Foundation
import HuzhuCulture
import HuzhuKit
import HuzhuTesting
import Testing

/// 活动, 报名, 预约 and 取消 by SMS, end to end through `SMS IN`.
@Suite struct CultureSMSTests {
    /// Sends a message as member `member` and returns the reply, checking it fits one segment.
    static func sms(_ gateway: ConsoleClient, _ member: Int, _ text: String, id: String? = nil) async throws -> String {
        let answer = try await gateway.json(#"SMS IN \#(CultureFixture.phone(member)) "\#(text)""# + (id.map { " id=\($0)" } ?? ""))
        #expect(answer.ok, "\(answer.raw)")
        let reply = answer.object["reply"] as? String ?? ""
        #expect(answer.object["segments"] as? Int == 1 && SMSSegments.count(reply) == 1, "one segment: \(reply)")
        return reply
    }

    @Test func listJoinWaitlistCancelAndPromotion() async throws {
        try await withTestDaemon(plugins: [CulturePlugin.self], prepare: CultureFixture.prepare()) { daemon in
            let admin = try await daemon.console()
            let gateway = try await daemon.console(as: "kannel", roles: [.gateway])
            let start = CultureFixture.time(inDays: 2), end = CultureFixture.time(inDays: 2, hour: 21, minute: 0)
            #expect(try await admin.json(#"CULTURE EVENT ADD "露天电影长津湖" kind=film village=1 start=\#(start) end=\#(end) capacity=2 publish=yes"#).ok)
            #expect(try await admin.json(#"CULTURE EVENT ADD "全县科普讲座" kind=class village=2 start=\#(CultureFixture.time(inDays: 3)) end=\#(CultureFixture.time(inDays: 3, hour: 21)) capacity=100 open=all publish=yes"#).ok)
            #expect(try await admin.json(#"CULTURE EVENT ADD "青草村篮球赛" kind=sports village=2 start=\#(CultureFixture.time(inDays: 1)) end=\#(CultureFixture.time(inDays: 1, hour: 21)) capacity=100 publish=yes"#).ok)
            #expect(try await admin.json(#"CULTURE EVENT ADD "草稿活动" kind=other village=1 start=\#(start) end=\#(end) capacity=5"#).ok)

            let listing = try await Self.sms(gateway, 1, "活动")
            #expect(listing.hasPrefix("活动：1 ") && listing.contains("；2 ") && listing.contains("露天电影"), "\(listing)")
            #expect(!listing.contains("篮球") && !listing.contains("草稿"), "only events open to 咸水村 and published: \(listing)")
            #expect(try await Self.sms(gateway, 6, "活动").contains("篮球"))

            let joined = try await Self.sms(gateway, 1, "报名1号 两个人")
            #expect(joined.hasPrefix("报名成功：活动1") && joined.contains("2人"), "\(joined)")
            #expect(try await Self.sms(gateway, 1, "报名 1").contains("已报名"))
            let waiting = try await Self.sms(gateway, 2, "JOIN 1")
            #expect(waiting.contains("候补第1位"), "\(waiting)")
            #expect(try await Self.sms(gateway, 3, "报名1").contains("候补第2位"))
            #expect(try await Self.sms(gateway, 6, "报名 1").contains("不面向"), "event 1 is for 咸水村 only")
            #expect(try await Self.sms(gateway, 4, "报名 99").contains("没有编号为99"))
            #expect(try await Self.sms(gateway, 4, "报名 4").contains("尚未开放"))
            #expect(try await Self.sms(gateway, 1, "活动").contains("(满)"))

            // 取消 1 frees two seats: member 2 (1 person) then member 3 are promoted in order and told by SMS.
            #expect(try await Self.sms(gateway, 1, "取消 1").hasPrefix("已取消您在活动1"))
            let promoted = try await CultureFixture.column(daemon, "SELECT member_id FROM sms_outbox WHERE text LIKE '有空位了%' ORDER BY id")
            #expect(promoted == [2, 3])
            #expect(try await CultureFixture.scalar(daemon, "SELECT confirmed FROM culture_event WHERE id = 1") == 2)
            #expect(try await Self.sms(gateway, 5, "取消 1").contains("没有找到编号为1"), "member 5 has nothing numbered 1")
            // A member who reads English gets English, still one segment.
            #expect(try await admin.json("MEMBER EDIT 4 lang=en").ok)
            let english = try await Self.sms(gateway, 4, "EVENTS")
            #expect(english.hasPrefix("Events: 1 ") && english.contains("(full)"), "\(english)")
            #expect(try await Self.sms(gateway, 4, "JOIN 2").hasPrefix("Registered: event 2"))
            let tail = try await admin.json("AUDIT LIST action=culture.registration.promote")
            #expect(tail.list.count == 2 && tail.list.allSatisfy { ($0["actor"] as? String)?.hasPrefix("sms:") == true })
        }
    }

    @Test func bookingBySMSWithRulesAndCancel() async throws {
        try await withTestDaemon(plugins: [CulturePlugin.self], prepare: CultureFixture.prepare()) { daemon in
            let admin = try await daemon.console()
            try await BookingTests.catalogue(admin)
            let gateway = try await daemon.console(as: "kannel", roles: [.gateway])
            let day = CultureFixture.day(inDays: 30)
            let parts = day.split(separator: "-").map { Int($0)! }
            let chinese = "\(parts[1])月\(parts[2])日"

            let refused = try await Self.sms(gateway, 1, "预约 婚宴 \(chinese) 15桌")
            #expect(refused.contains("婚丧宴席不超过10桌"), "\(refused)")
            #expect(try await CultureFixture.scalar(daemon, "SELECT count(*) FROM culture_booking") == 0)

            let booked = try await Self.sms(gateway, 1, "预约 办喜酒 \(chinese) 8桌", id: "gw-1")
            #expect(booked.hasPrefix("预约1已登记：婚宴\(chinese)8桌") && booked.contains("报价880元"), "\(booked)")
            #expect(try await Self.sms(gateway, 1, "预约 办喜酒 \(chinese) 8桌", id: "gw-1") == booked, "a redelivery is not booked twice")
            #expect(try await CultureFixture.scalar(daemon, "SELECT count(*) FROM culture_booking") == 1)
            #expect(try await CultureFixture.scalar(daemon, "SELECT count(*) FROM bus_outbox WHERE topic = 'labour.request.wanted' AND payload->>'source' = 'culture.booking:1'") == 1,
                    "the cooks are asked for once")
            let full = try await Self.sms(gateway, 6, "预约 白事 \(chinese) 5桌")
            #expect(full.contains("已约满"), "\(full)")
            #expect(try await Self.sms(gateway, 1, "预约 婚宴 明天").contains("请写桌数"), "the package is priced per table")

            #expect(try await Self.sms(gateway, 2, "取消 1").contains("没有找到"), "member 2 does not own booking 1")
            #expect(try await Self.sms(gateway, 1, "取消 1").hasPrefix("已取消预约1"))
            #expect(try await Self.sms(gateway, 6, "预约 白事 \(chinese) 5桌").hasPrefix("预约"), "the teams are free again")
        }
    }
}
