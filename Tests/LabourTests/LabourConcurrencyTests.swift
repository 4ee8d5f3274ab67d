import Foundation
import HuzhuKit
import HuzhuLabour
import HuzhuTesting
import PostgresNIO
import Testing

/// The one-job-a-day and crew-size rules under concurrent SMS, and the store's own refusal.
@Suite struct LabourConcurrencyTests {
    @Test func fiftyConcurrentAcceptsOfAOnePersonJobGiveOneAssignment() async throws {
        try await LabourFixture.with { f in
            _ = try await f.member("李四", phone: "13800000001")
            let phones = (0..<50).map { String(format: "139%08d", $0) }
            for (n, phone) in phones.enumerated() { _ = try await f.worker("工匠\(n)", phone: phone, skills: "spray:3:20/mu") }
            #expect(try await f.admin.json("LABOUR REQUEST ADD member=1 task=spray date=\(LabourFixture.day) area=10").ok)
            let offered = try await f.admin.json("LABOUR OFFER 1 count=50")
            #expect(offered.ok, "\(offered.raw)")
            #expect(try await f.count("SELECT count(*) FROM labour_offer WHERE state = 'pending'") == 50)

            var gateways: [ConsoleClient] = []
            for _ in phones { gateways.append(try await f.daemon.console(user: "sms1", password: "password-sms1")) }
            let replies = try await withThrowingTaskGroup(of: String.self) { group in
                for (phone, gateway) in zip(phones, gateways) {
                    group.addTask { try await f.sms(phone, "接 1", on: gateway).reply }
                }
                return try await group.reduce(into: [String]()) { $0.append($1) }
            }
            #expect(replies.filter { $0.hasPrefix("接活成功") }.count == 1, "\(replies)")
            #expect(replies.filter { $0 == "抱歉，活1已有人接了。" }.count == 49)
            #expect(try await f.count("SELECT count(*) FROM labour_assignment WHERE job_id = 1") == 1)
            #expect(try await f.strings("SELECT state FROM labour_job WHERE id = 1") == ["assigned"])
        }
    }

    @Test func aWorkerOfferedTwoJobsTheSameDayGetsOnlyOne() async throws {
        try await LabourFixture.with { f in
            _ = try await f.member("李四", phone: "13800000001")
            _ = try await f.member("周九", phone: "13800000002")
            let worker = try await f.worker("张三", phone: "13800000011", skills: "prune:4:150/day")
            #expect(try await f.sms("13800000001", "找人 修剪 6月12日").reply.hasPrefix("已收到找人1"))
            #expect(try await f.sms("13800000002", "找人 剪枝 6月12日").reply.hasPrefix("已收到找人2"))
            #expect(try await f.count("SELECT count(*) FROM labour_offer WHERE worker_id = \(worker) AND state = 'pending'") == 2)

            // Both accepts at once, on two connections.
            let other = try await f.daemon.console(user: "sms1", password: "password-sms1")
            async let first = f.sms("13800000011", "接 1")
            async let second = f.sms("13800000011", "接 2", on: other)
            let replies = [try await first.reply, try await second.reply]
            #expect(replies.filter { $0.hasPrefix("接活成功") }.count == 1, "\(replies)")
            #expect(replies.filter { $0.hasPrefix("您那天已有活") }.count == 1, "\(replies)")
            #expect(try await f.count("SELECT count(*) FROM labour_assignment WHERE worker_id = \(worker)") == 1)

            // Staff cannot book them either, and the message names the clash.
            let taken = try await f.strings("SELECT request_id::text FROM labour_job j WHERE NOT EXISTS (SELECT 1 FROM labour_assignment a WHERE a.job_id = j.id)")
            let assign = try await f.admin.json("LABOUR ASSIGN \(taken[0]) worker=\(worker)")
            #expect(assign.code == "CONFLICT" && (assign.message ?? "").contains(LabourFixture.day), "\(assign.raw)")

            // The rule is the store's: a direct insert past the application is refused too.
            let refused: Bool = try await f.daemon.database.withClient { client in
                do {
                    try await client.query(
                        """
                        INSERT INTO labour_assignment (job_id, crew, day, place, worker_id)
                        SELECT id, crew, day, 1, \(Int64(worker)) FROM labour_job WHERE request_id = \(Int64(taken[0])!)
                        """, logger: TestLog.logger)
                    return false
                } catch {
                    return String(reflecting: error).contains("labour_assignment_one_job_a_day")
                }
            }
            #expect(refused)
        }
    }
}
