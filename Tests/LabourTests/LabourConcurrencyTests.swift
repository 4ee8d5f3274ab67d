import Foundation
import HuzhuKit
import HuzhuLabour
import HuzhuTesting
import PostgresNIO
import Testing

/// The one-winner-per-offer and one-job-a-day rules under 200 concurrent console clients, and the store's
/// own refusal.
@Suite struct LabourConcurrencyTests {
    @Test func twoHundredConcurrentAcceptsOfAOnePersonJobGiveOneAssignment() async throws {
        try await LabourFixture.with { f in
            let farmer = try await f.member("李四", phone: "13800000001")
            let phones = (0..<200).map { String(format: "139%08d", $0) }
            var workers: [Int] = []
            for (n, phone) in phones.enumerated() { workers.append(try await f.worker("工匠\(n)", phone: phone, skills: "spray:3:20/mu")) }
            #expect(try await f.admin.json("LABOUR REQUEST ADD member=\(farmer) task=spray date=\(LabourFixture.day) area=10").ok)
            // Offered to everyone: three at once (auto_offer), then the rest 50 at a time (the most one command sends).
            for _ in 0..<4 {
                let offered = try await f.admin.json("LABOUR OFFER 1 count=50")
                #expect(offered.ok, "\(offered.raw)")
            }
            #expect(try await f.count("SELECT count(*) FROM labour_offer WHERE job_id = 1 AND state = 'pending'") == 200)

            // 200 gateway connections, one craftsman's 接 1 on each, all at once.
            let gateways = try await f.daemon.consoles(200, user: "sms1", password: "password-sms1")
            let result = try await race(gateways, phones.map { #"SMS IN \#($0) "接 1" at=\#(LabourFixture.morning)"# })
            print("twoHundredConcurrentAcceptsOfAOnePersonJobGiveOneAssignment: \(result.summary)")
            #expect(result.losers.isEmpty, "every message is answered: \(result.losers.prefix(3).map { result.answers[$0].raw })")
            let replies = result.answers.map { $0.object["reply"] as? String ?? "<\($0.raw)>" }
            let winners = replies.indices.filter { replies[$0].hasPrefix("接活成功！活1：") }
            #expect(winners.count == 1, "\(Set(replies))")
            // Every other craftsman is told the job is taken: not an error, not a crash, not "busy".
            let refused = replies.indices.filter { !winners.contains($0) }
            #expect(refused.allSatisfy { replies[$0] == "抱歉，活1已有人接了。" }, "\(Set(refused.map { replies[$0] }))")
            let winner = try #require(winners.first)

            // Rows match answers: one assignment, the winner's; one accepted offer, 199 taken; one reply of
            // success stored with the messages; the farmer told once; the 199 told it is taken, once each.
            #expect(try await f.strings("SELECT worker_id::text FROM labour_assignment") == ["\(workers[winner])"])
            #expect(try await f.strings("SELECT state || ':' || count(*) FROM labour_offer GROUP BY state ORDER BY state") == ["accepted:1", "taken:199"])
            #expect(try await f.strings("SELECT worker_id::text FROM labour_offer WHERE state = 'accepted'") == ["\(workers[winner])"])
            #expect(try await f.strings("SELECT state FROM labour_job WHERE id = 1") == ["assigned"])
            #expect(try await f.strings("SELECT state FROM labour_request WHERE id = 1") == ["matched"])
            #expect(try await f.count("SELECT count(*) FROM sms_inbound WHERE answered AND reply LIKE '接活成功%'") == 1)
            #expect(try await f.count("SELECT count(*) FROM sms_inbound WHERE answered AND reply = '抱歉，活1已有人接了。'") == 199)
            #expect(try await f.count("SELECT count(*) FROM audit_log WHERE action = 'labour.job.accept'") == 1)
            #expect(try await f.notifications(to: "13800000001").filter { $0.hasPrefix("找人1已找齐1人") }.count == 1)
            let told = try await f.strings("SELECT phone FROM sms_outbox WHERE text = '活1已有人接了，谢谢。' ORDER BY phone")
            #expect(told.count == 199 && Set(told).count == 199 && !told.contains("+86" + phones[winner]))
            for gateway in gateways { await gateway.close() }
        }
    }

    @Test func twoHundredClientsBookingOneWorkerForOneDayGiveOneBooking() async throws {
        try await LabourFixture.with { f in
            var farmers: [Int] = []
            for n in 1...10 { farmers.append(try await f.member("农户\(n)", phone: String(format: "138000000%02d", n))) }
            let workerPhone = "13800000099"
            let worker = try await f.worker("张三", phone: workerPhone, skills: "prune:4:150/day")
            // 200 requests for the same day, each offered (automatically) to the only pruner.
            for n in 0..<200 {
                let added = try await f.admin.json("LABOUR REQUEST ADD member=\(farmers[n % 10]) task=prune date=\(LabourFixture.day)")
                #expect(added.ok && added.object["id"] as? Int == n + 1, "\(added.raw)")
            }
            let jobs = try await f.strings("SELECT id::text FROM labour_job ORDER BY request_id").compactMap { Int($0) }
            #expect(jobs.count == 200)
            #expect(try await f.count("SELECT count(*) FROM labour_offer WHERE worker_id = \(worker) AND state = 'pending'") == 200)

            // 200 clients at once, each trying to book the worker for that day through a different request:
            // staff with LABOUR ASSIGN, and the worker's own 接 (every 40th client: five messages, so that even
            // with retries after UNAVAILABLE the phone stays under the ten a minute the hub answers).
            func bySMS(_ client: Int) -> Bool { client % 40 == 0 }
            var sessions: [ConsoleClient] = []
            let gateways = try await f.daemon.consoles(5, user: "sms1", password: "password-sms1")
            let clerks = try await f.daemon.consoles(195)
            var nextGateway = gateways.makeIterator(), nextClerk = clerks.makeIterator()
            for client in 0..<200 { sessions.append(bySMS(client) ? nextGateway.next()! : nextClerk.next()!) }
            let lines = (0..<200).map { client in
                bySMS(client) ? #"SMS IN \#(workerPhone) "接 \#(jobs[client])" at=\#(LabourFixture.morning)"# : "LABOUR ASSIGN \(client + 1) worker=\(worker)"
            }
            let result = try await race(sessions, lines)
            print("twoHundredClientsBookingOneWorkerForOneDayGiveOneBooking: \(result.summary)")
            let booked = (0..<200).filter { client in
                let answer = result.answers[client]
                return bySMS(client) ? (answer.object["reply"] as? String)?.hasPrefix("接活成功") == true : answer.ok
            }
            #expect(booked.count == 1, "\(result.summary)")
            let winner = try #require(booked.first)
            let winningJob = jobs[winner]
            // Every other client is told the worker is booked that day, naming the job when the application
            // saw it before the store's UNIQUE (worker_id, day) did.
            for client in 0..<200 where client != winner {
                let answer = result.answers[client]
                if bySMS(client) {
                    let reply = answer.object["reply"] as? String ?? "<\(answer.raw)>"
                    #expect(reply == "您那天已有活\(winningJob)，不能再接活\(jobs[client])。" || reply == "您那天已有活，不能再接活\(jobs[client])。",
                            "client \(client): \(reply)")
                } else {
                    let message = answer.message ?? ""
                    #expect(answer.code == "CONFLICT"
                            && (message == "工匠 \(worker) 在 \(LabourFixture.day) 已有活（活\(winningJob)）" || message == "a worker is already booked that day"),
                            "client \(client): \(answer.raw)")
                }
            }

            // Rows match answers: one assignment (the winner's job), one job assigned and its request matched,
            // every other job still offered and request still open, one audit entry of a booking.
            #expect(try await f.strings("SELECT job_id || ' ' || worker_id || ' ' || day FROM labour_assignment")
                    == ["\(winningJob) \(worker) \(LabourFixture.day)"])
            #expect(try await f.strings("SELECT state || ':' || count(*) FROM labour_job GROUP BY state ORDER BY state") == ["assigned:1", "offered:199"])
            #expect(try await f.strings("SELECT state || ':' || count(*) FROM labour_request GROUP BY state ORDER BY state") == ["matched:1", "open:199"])
            #expect(try await f.strings("SELECT request_id::text FROM labour_job WHERE state = 'assigned'") == ["\(winner + 1)"])
            #expect(try await f.count("SELECT count(*) FROM audit_log WHERE action IN ('labour.job.accept', 'labour.job.assign')") == 1)

            // The rule is the store's: a direct insert past the application is refused too.
            let refused: Bool = try await f.daemon.database.withClient { client in
                do {
                    try await client.query(
                        """
                        INSERT INTO labour_assignment (job_id, crew, day, place, worker_id)
                        SELECT id, crew, day, 1, \(Int64(worker)) FROM labour_job WHERE id <> \(Int64(winningJob)) ORDER BY id LIMIT 1
                        """, logger: TestLog.logger)
                    return false
                } catch {
                    return String(reflecting: error).contains("labour_assignment_one_job_a_day")
                }
            }
            #expect(refused)
            for session in sessions { await session.close() }
        }
    }
}
