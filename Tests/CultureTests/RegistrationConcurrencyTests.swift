import Foundation
import HuzhuCulture
import HuzhuKit
import HuzhuTesting
import Testing

/// Capacity and the waitlist under real concurrent console sessions.
@Suite struct RegistrationConcurrencyTests {
    @Test func twoHundredRegistrationsForFiftySeats() async throws {
        try await withTestDaemon(plugins: [CulturePlugin.self], prepare: CultureFixture.prepare(villages: 1, perVillage: 200)) { daemon in
            let admin = try await daemon.console()
            let added = try await admin.json(
                #"CULTURE EVENT ADD "露天电影" kind=film village=1 start=\#(CultureFixture.time(inDays: 5)) end=\#(CultureFixture.time(inDays: 5, hour: 21)) capacity=50 publish=yes"#)
            #expect(added.ok, "\(added.raw)")

            // 200 clerks at the counter, each on their own connection, register 200 members at once.
            let sessions = try await daemon.consoles(200)
            let result = try await race(sessions, (1...200).map { "CULTURE REGISTRATION ADD 1 member=\($0)" })
            print("twoHundredRegistrationsForFiftySeats: \(result.summary)")
            // Nobody is refused: whoever does not get a seat waits. A refusal here would be a lost registration.
            #expect(result.losers.isEmpty, "\(result.losers.prefix(3).map { result.answers[$0].raw })")
            let outcomes = result.answers.enumerated().map { (member: $0.offset + 1, registration: $0.element.object["registration"] as? Int ?? 0,
                                                            status: $0.element.object["status"] as? String ?? "", place: $0.element.object["place"] as? Int) }
            let confirmed = outcomes.filter { $0.status == "confirmed" }
            let waiting = outcomes.filter { $0.status == "waitlisted" }.sorted { $0.registration < $1.registration }
            #expect(confirmed.count == 50)
            #expect(waiting.count == 150)
            #expect(Set(outcomes.map(\.registration)).count == 200, "no duplicate registrations")
            // Every answer is a row and every row an answer: the same registrations, with the same status.
            #expect(try await CultureFixture.column(daemon, "SELECT id FROM culture_registration WHERE event_id = 1 AND status = 'confirmed' ORDER BY id")
                    == confirmed.map(\.registration).sorted())
            #expect(try await CultureFixture.column(daemon, "SELECT id FROM culture_registration WHERE event_id = 1 AND status = 'waitlisted' ORDER BY id")
                    == waiting.map(\.registration))
            #expect(try await CultureFixture.scalar(daemon, "SELECT count(*) FROM culture_registration") == 200)
            #expect(try await CultureFixture.column(daemon, "SELECT member_id FROM culture_registration WHERE status = 'confirmed' ORDER BY member_id")
                    == confirmed.map(\.member).sorted())
            // The counter the CHECK guards agrees with the rows, and each member was told once.
            #expect(try await CultureFixture.scalar(daemon, "SELECT confirmed FROM culture_event WHERE id = 1") == 50)
            #expect(try await CultureFixture.scalar(daemon, "SELECT sum(people) FROM culture_registration WHERE status = 'confirmed'") == 50)
            #expect(try await CultureFixture.scalar(daemon, "SELECT count(*) FROM sms_outbox WHERE kind = 'notification'") == 200)
            #expect(try await CultureFixture.scalar(daemon, "SELECT count(DISTINCT member_id) FROM sms_outbox WHERE kind = 'notification'") == 200)
            #expect(try await CultureFixture.scalar(daemon, "SELECT count(*) FROM audit_log WHERE action = 'culture.registration.add'") == 200)
            // Arrival order: every seat went to an earlier arrival than any waiting registration, and the
            // places told to the waiting follow their arrival: 1, 2, … 150.
            #expect(confirmed.map(\.registration).max()! < waiting.first!.registration)
            #expect(waiting.map { $0.place ?? 0 } == Array(1...150))

            // Three cancel one after another: the first three waiting are promoted, in order, and told by SMS.
            for (turn, cancelling) in confirmed.prefix(3).enumerated() {
                let cancelled = try await admin.json("CULTURE REGISTRATION CANCEL 1 member=\(cancelling.member)")
                #expect(cancelled.ok, "\(cancelled.raw)")
                let promoted = (cancelled.object["promoted"] as? [[String: Any]])?.compactMap { $0["member"] as? Int }
                #expect(promoted == [waiting[turn].member])
            }
            let notified = try await CultureFixture.column(daemon, "SELECT member_id FROM sms_outbox WHERE text LIKE '有空位了%' ORDER BY id")
            #expect(notified == waiting.prefix(3).map(\.member))

            // Ten cancel at once: the next ten in line get the seats; never more than fifty confirmed.
            let tenConfirmed = try await CultureFixture.column(daemon,
                "SELECT member_id FROM culture_registration WHERE status = 'confirmed' ORDER BY id LIMIT 10")
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (index, member) in tenConfirmed.enumerated() {
                    let session = sessions[index]
                    group.addTask {
                        let cancelled = try await session.jsonRetrying("CULTURE REGISTRATION CANCEL 1 member=\(member)")
                        #expect(cancelled.ok, "\(cancelled.raw)")
                    }
                }
                try await group.waitForAll()
            }
            let nowConfirmed = Set(try await CultureFixture.column(daemon, "SELECT member_id FROM culture_registration WHERE status = 'confirmed'"))
            #expect(nowConfirmed.count == 50)
            #expect(Set(waiting[3..<13].map(\.member)).isSubset(of: nowConfirmed))
            #expect(!nowConfirmed.contains(waiting[13].member))
            let listed = try await admin.json("CULTURE REGISTRATION LIST 1")
            let head = listed.list.first { ($0["place"] as? Int) == 1 }
            #expect(head?["member"] as? Int == waiting[13].member, "the waitlist moved up: the 14th is now first")
            for session in sessions { await session.close() }
        }
    }

    @Test func oneMemberRegisteringTwiceAtOnceGetsOneRegistration() async throws {
        try await withTestDaemon(plugins: [CulturePlugin.self], prepare: CultureFixture.prepare(villages: 1, perVillage: 3)) { daemon in
            let admin = try await daemon.console()
            #expect(try await admin.json(
                #"CULTURE EVENT ADD "农技培训" kind=class village=1 start=\#(CultureFixture.time(inDays: 3)) end=\#(CultureFixture.time(inDays: 3, hour: 21)) capacity=10 publish=yes"#).ok)
            var sessions: [ConsoleClient] = []
            for _ in 0..<20 { sessions.append(try await daemon.console()) }
            let answers = try await withThrowingTaskGroup(of: ConsoleAnswer.self) { group in
                for session in sessions { group.addTask { try await session.jsonRetrying("CULTURE REGISTRATION ADD 1 member=2 people=2") } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(answers.filter { $0.ok }.count == 1)
            #expect(answers.filter { !$0.ok }.allSatisfy { $0.code == "CONFLICT" })
            #expect(try await CultureFixture.scalar(daemon, "SELECT confirmed FROM culture_event WHERE id = 1") == 2)
            // A registration that does not fit waits, even though seats remain for smaller parties later.
            #expect(try await admin.json("CULTURE REGISTRATION ADD 1 member=1 people=9").object["status"] as? String == "waitlisted")
            #expect(try await admin.json("CULTURE REGISTRATION ADD 1 member=3 people=1").object["place"] as? Int == 2)
        }
    }

    @Test func theStoreRefusesSeatsBeyondCapacityWhateverWritesThem() async throws {
        try await withTestDaemon(plugins: [CulturePlugin.self], prepare: CultureFixture.prepare(villages: 1, perVillage: 3)) { daemon in
            let admin = try await daemon.console()
            #expect(try await admin.json(
                #"CULTURE EVENT ADD "讲座" kind=class village=1 start=\#(CultureFixture.time(inDays: 3)) end=\#(CultureFixture.time(inDays: 3, hour: 21)) capacity=2 publish=yes"#).ok)
            #expect(try await admin.json("CULTURE REGISTRATION ADD 1 member=1 people=2").ok)
            // Bypassing the plugin's code: the trigger-kept counter and its CHECK still refuse.
            await #expect(throws: (any Error).self) {
                try await daemon.database.withClient { client in
                    try await client.query("INSERT INTO culture_registration (event_id, member_id, people, status) VALUES (1, 2, 1, 'confirmed')",
                                           logger: TestLog.logger)
                }
            }
            #expect(try await CultureFixture.scalar(daemon, "SELECT count(*) FROM culture_registration") == 1)
        }
    }
}
