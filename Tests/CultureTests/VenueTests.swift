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

    @Test func twoHundredConcurrentBookingsLeaveExactlyOnePerOverlappingSlot() async throws {
        try await withTestDaemon(plugins: [CulturePlugin.self], prepare: CultureFixture.prepare()) { daemon in
            let admin = try await daemon.console()
            #expect(try await admin.json(#"CULTURE VENUE ADD "礼堂" village=1 capacity=200"#).ok)
            let day = CultureFixture.day(inDays: 20)
            // Four slots back to back, 50 clients each. Within a slot every request overlaps every other
            // (slot s starts at 08:00 + 2s h plus 0-45 min and ends at 10:00 + 2s h); across slots none does,
            // the last minute of one slot touching the first of the next (half-open ranges).
            func slot(_ client: Int) -> Int { client % 4 }
            let lines = (0..<200).map { client -> String in
                let s = slot(client)
                let from = String(format: "%02d:%02d", 8 + 2 * s, 15 * (client / 4 % 4))
                let to = String(format: "%02d:00", 10 + 2 * s)
                return #"CULTURE VENUE BOOK 1 from=\#(day)T\#(from) to=\#(day)T\#(to) purpose="订\#(client)""#
            }
            let sessions = try await daemon.consoles(200)
            let result = try await race(sessions, lines)
            print("twoHundredConcurrentBookingsLeaveExactlyOnePerOverlappingSlot: \(result.summary)")
            let winners = result.winners
            #expect(winners.count == 4, "\(result.summary)")
            #expect(Set(winners.map(slot)) == [0, 1, 2, 3], "one booking in each slot: \(winners)")
            let bookingOfSlot = Dictionary(winners.map { (slot($0), result.answers[$0].object["booking"] as? Int ?? -1) }, uniquingKeysWith: { a, _ in a })
            // Every loser is told CONFLICT naming the booking that holds its slot: the winner of its own slot.
            for loser in result.losers {
                let answer = result.answers[loser]
                let named = (answer.message ?? "").firstMatch(of: /已被预订：预订(\d+)（订(\d+)）/).map { (Int($0.1)!, Int($0.2)!) }
                #expect(answer.code == "CONFLICT" && named?.0 == bookingOfSlot[slot(loser)] && named.map { slot($0.1) } == slot(loser),
                        "client \(loser): \(answer.raw)")
            }
            // The rows are the winners' answers, nothing more: no two live bookings overlap, and the losers
            // left no booking and no audit entry behind.
            #expect(try await CultureFixture.column(daemon, "SELECT id FROM culture_venue_booking WHERE NOT cancelled ORDER BY id")
                    == bookingOfSlot.values.sorted())
            #expect(try await CultureFixture.column(daemon, "SELECT substr(purpose, 2)::int FROM culture_venue_booking ORDER BY id")
                    == winners.sorted { bookingOfSlot[slot($0)]! < bookingOfSlot[slot($1)]! })
            #expect(try await CultureFixture.scalar(daemon, """
                SELECT count(*) FROM culture_venue_booking a JOIN culture_venue_booking b
                  ON a.venue_id = b.venue_id AND a.id < b.id AND a.during && b.during AND NOT a.cancelled AND NOT b.cancelled
                """) == 0)
            #expect(try await CultureFixture.scalar(daemon, "SELECT count(*) FROM audit_log WHERE action = 'culture.venue.book'") == 4)
            for session in sessions { await session.close() }
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
