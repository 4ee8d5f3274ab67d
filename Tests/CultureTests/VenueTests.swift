import Foundation
import HuzhuCulture
import HuzhuKit
import HuzhuTesting
import Testing

/// Venue bookings never overlap: the exclusion constraint decides, the error names the booking.
@Suite struct VenueTests {
    @Test func overlappingBookingsAreRefusedNamingTheClash() async throws {
        try await withTestDaemon(plugins: [CulturePlugin.self], prepare: CultureFixture.prepare()) { daemon in
            let admin = try await daemon.console()
            let venue = try await admin.json(#"CULTURE VENUE ADD "咸水村文化活动室" village=1 capacity=80"#)
            #expect(venue.ok, "\(venue.raw)")
            let day = CultureFixture.day(inDays: 10)
            let first = try await admin.json(#"CULTURE VENUE BOOK 1 from=\#(day)T08:00 to=\#(day)T12:00 purpose="婚礼""#)
            #expect(first.ok, "\(first.raw)")
            let clash = try await admin.json(#"CULTURE VENUE BOOK 1 from=\#(day)T11:00 to=\#(day)T13:00 purpose="会议""#)
            #expect(clash.code == "CONFLICT")
            #expect(clash.message?.contains("预订\(first.object["booking"] as? Int ?? -1)（婚礼）") == true, "\(clash.raw)")
            // Half-open ranges: back to back is fine.
            #expect(try await admin.json(#"CULTURE VENUE BOOK 1 from=\#(day)T12:00 to=\#(day)T14:00 purpose="会议""#).ok)
            // An event at the venue books it too, and clashes the same way.
            let event = try await admin.json(
                #"CULTURE EVENT ADD "电影" kind=film village=1 venue=1 start=\#(day)T13:30 end=\#(day)T15:00 capacity=50"#)
            #expect(event.code == "CONFLICT", "\(event.raw)")
            #expect(try await CultureFixture.scalar(daemon, "SELECT count(*) FROM culture_event") == 0, "the event rolled back with its booking")
            // More people than the venue holds is refused.
            #expect(try await admin.json(
                #"CULTURE EVENT ADD "电影" kind=film village=1 venue=1 start=\#(day)T19:00 end=\#(day)T21:00 capacity=81"#).code == "INVALID")
            let schedule = try await admin.json("CULTURE VENUE SCHEDULE 1")
            #expect(schedule.list.compactMap { $0["purpose"] as? String } == ["婚礼", "会议"], "\(schedule.raw)")
            // Unbooking frees the time.
            #expect(try await admin.json("CULTURE VENUE UNBOOK \(first.object["booking"] as? Int ?? 0)").ok)
            #expect(try await admin.json(#"CULTURE VENUE BOOK 1 from=\#(day)T11:00 to=\#(day)T12:00 purpose="会议""#).ok)
        }
    }

    @Test func concurrentOverlappingBookingsLeaveExactlyOne() async throws {
        try await withTestDaemon(plugins: [CulturePlugin.self], prepare: CultureFixture.prepare()) { daemon in
            let admin = try await daemon.console()
            #expect(try await admin.json(#"CULTURE VENUE ADD "礼堂" village=1 capacity=200"#).ok)
            let day = CultureFixture.day(inDays: 20)
            var sessions: [ConsoleClient] = []
            for _ in 0..<30 { sessions.append(try await daemon.console()) }
            let answers = try await withThrowingTaskGroup(of: ConsoleAnswer.self) { group in
                for (index, session) in sessions.enumerated() {
                    // Every request overlaps every other one (all cover 12:00-12:30).
                    let start = String(format: "%02d", 8 + index % 4)
                    group.addTask { try await session.jsonRetrying(#"CULTURE VENUE BOOK 1 from=\#(day)T\#(start):00 to=\#(day)T12:30 purpose="订\#(index)""#) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(answers.filter { $0.ok }.count == 1)
            let refused = answers.filter { !$0.ok }
            #expect(refused.count == 29 && refused.allSatisfy { $0.code == "CONFLICT" && ($0.message ?? "").contains("已被预订：预订") }, "\(refused.first?.raw ?? "")")
            #expect(try await CultureFixture.scalar(daemon, "SELECT count(*) FROM culture_venue_booking WHERE NOT cancelled") == 1)
        }
    }

    @Test func aCadreSeesAndBooksOnlyItsVillages() async throws {
        try await withTestDaemon(plugins: [CulturePlugin.self], prepare: CultureFixture.prepare()) { daemon in
            let admin = try await daemon.console()
            #expect(try await admin.json(#"CULTURE VENUE ADD "咸水活动室" village=1 capacity=80"#).ok)
            #expect(try await admin.json(#"CULTURE VENUE ADD "青草活动室" village=2 capacity=80"#).ok)
            let cadre = try await daemon.console(as: "xianshui", roles: [.cadre], villages: ["咸水村"])
            #expect(try await cadre.json("CULTURE VENUE LIST").list.count == 1)
            #expect(try await cadre.json(#"CULTURE VENUE ADD "新活动室" village=2 capacity=80"#).code == "DENIED")
            let day = CultureFixture.day(inDays: 4)
            #expect(try await cadre.json(#"CULTURE VENUE BOOK 2 from=\#(day)T08:00 to=\#(day)T09:00 purpose="x""#).code == "NOT_FOUND")
            #expect(try await cadre.json(#"CULTURE VENUE BOOK 1 from=\#(day)T08:00 to=\#(day)T09:00 purpose="开会""#).ok)
            #expect(try await cadre.json(#"CULTURE EVENT ADD "戏" kind=performance village=2 start=\#(day)T19:00 end=\#(day)T21:00 capacity=5"#).code == "DENIED")
            let readonly = try await daemon.console(as: "auditor", roles: [.readonly])
            #expect(try await readonly.json("CULTURE VENUE LIST").list.count == 2)
            #expect(try await readonly.json(#"CULTURE VENUE ADD "x" village=1 capacity=1"#).code == "DENIED")
            #expect(try await admin.json(#"CULTURE VENUE BOOK 1 from=tomorrow to=\#(day)T09:00 purpose="x""#).code == "SYNTAX")
        }
    }
}
