import Foundation
import HuzhuKit
import HuzhuLabour
import HuzhuTesting
import Testing

/// A request's whole life over SMS and the console: 找人 → offers → 接 → crew complete → 完工 → 评 → payment → report.
@Suite struct LabourLifecycleTests {
    @Test func aRequestByTextIsOfferedFilledDoneRatedAndPaid() async throws {
        try await LabourFixture.with { f in
            let farmer = try await f.member("李四", phone: "13800000001", noLabour: true)
            let zhang = try await f.worker("张三", phone: "13800000011", skills: "transplant:4:60/mu")
            let wang = try await f.worker("王五", village: 2, phone: "13800000012", skills: "transplant:3:50/mu")
            _ = try await f.worker("赵六", phone: "13800000013", skills: "transplant:2:70/mu")
            _ = try await f.worker("钱七", phone: "13800000014", skills: "harvest:5:90/mu")  // no transplant skill: never offered
            let watcher = try await f.daemon.console()
            #expect(try await watcher.json("BUS TAIL labour.*").ok)

            let asked = try await f.sms("13800000001", "找人 插秧 5亩 6月12日 2人")
            #expect(asked.reply.hasPrefix("已收到找人1：6月12日插秧5亩，2人"), "\(asked.reply)")
            #expect(asked.segments == 1)
            let request = try await f.admin.json("LABOUR REQUEST SHOW 1")
            let stored = try #require((request.data as? [String: Any])?["request"] as? [String: Any])
            #expect(stored["priority"] as? Bool == true, "a household without labour is a priority")
            #expect(stored["entered_by"] as? String == "sms:+8613800000001")
            #expect(stored["date"] as? String == LabourFixture.day)

            // Offers went to the three transplanters (3 per open place, but only three exist), not to 钱七.
            for phone in ["13800000011", "13800000012", "13800000013"] {
                let texts = try await f.notifications(to: phone)
                #expect(texts.contains { $0.contains("活1：") && $0.contains("接1") }, "\(phone): \(texts)")
                #expect(texts.allSatisfy { SMSSegments.count($0) == 1 }, "\(texts)")
            }
            #expect(try await f.notifications(to: "13800000014").isEmpty)
            #expect(try await f.sms("13800000014", "接 1").reply == "没有给您推送过活1。", "a job never offered to this worker")
            #expect(try await f.sms("13800000011", "取消 1").reply == "没有找到编号为1的可取消事项。", "only the farmer cancels")
            #expect(try await f.count("SELECT count(*) FROM labour_request WHERE id = 1 AND state = 'open'") == 1)

            // The ranking explains itself: each term and the weights.
            let match = try await f.admin.json("LABOUR MATCH 1")
            let ranked = try #require((match.data as? [String: Any])?["ranked"] as? [[String: Any]])
            let scores = ranked.compactMap { $0["score"] as? Double }
            #expect(scores == scores.sorted(by: >), "best first")
            #expect(ranked.count == 3, "the three transplanters, none booked yet")
            let terms = try #require(ranked.first?["terms"] as? [String: Double])
            #expect(Set(terms.keys) == ["distance", "level", "rating", "price", "fairness"])

            let first = try await f.sms("13800000011", "接 1")
            #expect(first.reply.hasPrefix("接活成功！活1：6月12日插秧，农户李四 13800000001"), "\(first.reply)")
            #expect(first.segments == 1)
            #expect(try await f.sms("13800000011", "接 1").reply == "您已接了活1，不用重复回复。", "a repeated 接 books nothing more")
            let second = try await f.sms("13800000012", "接活1号")
            #expect(second.reply.hasPrefix("接活成功"), "\(second.reply)")
            let late = try await f.sms("13800000013", "OK 1")
            #expect(late.reply == "抱歉，活1已有人接了。", "\(late.reply)")
            #expect(try await f.notifications(to: "13800000013").contains("活1已有人接了，谢谢。"), "the one still waiting is told")

            // The farmer gets one SMS once the crew is complete, with the leader's name and number.
            let toFarmer = try await f.notifications(to: "13800000001")
            #expect(toFarmer.count == 1 && toFarmer[0].contains("领队张三 13800000011"), "\(toFarmer)")
            #expect(SMSSegments.count(toFarmer[0]) == 1)

            let done = try await f.sms("13800000012", "完工 1")
            #expect(done.reply == "活1已登记完工，辛苦了！", "\(done.reply)")
            #expect(try await f.sms("13800000013", "完工 1").reply == "没有找到您的活1。", "not their job")
            #expect(try await f.sms("13800000011", "评 1 5").reply == "没有找到您可评价的活1。", "only the farmer rates")
            let rated = try await f.sms("13800000001", "评价1号 五星")
            #expect(rated.reply == "谢谢评价：活1 5星。", "\(rated.reply)")
            let worker = try await f.admin.json("LABOUR WORKER SHOW \(zhang)")
            #expect((worker.data as? [String: Any])?["rating"] as? Double == 5)

            let paid = try await f.admin.json("LABOUR PAY 1 amount=300 method=wechat")
            #expect(paid.ok, "\(paid.raw)")
            let job = try await f.admin.json("LABOUR JOB SHOW 1")
            let jobData = try #require(job.data as? [String: Any])
            #expect(jobData["state"] as? String == "rated")
            #expect(jobData["workers"] as? [Int] == [zhang, wang])
            #expect(jobData["price"] as? Double == 275, "5 mu shared by two: 2.5 × 60 + 2.5 × 50")
            #expect(jobData["paid_amount"] as? Double == 300)

            // labour.job.done carries the contract payload the sales plugin reads.
            var doneEvent: [String: Any]?
            while doneEvent == nil {
                let line = try await watcher.readLine()
                let event = (try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["event"] as? [String: Any]
                if event?["topic"] as? String == "labour.job.done" { doneEvent = event?["payload"] as? [String: Any] }
            }
            #expect(doneEvent?["job"] as? Int == 1 && doneEvent?["request"] as? Int == 1 && doneEvent?["task"] as? String == "transplant")
            #expect(doneEvent?["member"] as? Int == farmer && doneEvent?["village"] as? Int == 1 && doneEvent?["date"] as? String == LabourFixture.day)
            #expect(doneEvent?["area_mu"] as? Double == 5 && doneEvent?["workers"] as? [Int] == [zhang, wang])
            #expect(doneEvent?["household"] is Int)

            let report = try await f.admin.json("LABOUR REPORT from=2027-06-01 to=2027-06-30")
            let data = try #require(report.data as? [String: Any])
            #expect(data["days_worked"] as? Int == 2 && data["active_workers"] as? Int == 4)
            #expect(abs((data["gini"] as? Double ?? -1) - 0.5) < 1e-9, "days 1,1,0,0 among four active workers")
            #expect(try await f.sms("13800000001", "取消 1").reply == "找人1已完成或已取消，不能再取消。")
        }
    }

    @Test func theFarmerCancelsTheirOwnRequestBySMSOnly() async throws {
        try await LabourFixture.with { f in
            _ = try await f.member("李四", phone: "13800000001")
            _ = try await f.member("孙八", phone: "13800000002")
            let worker = try await f.worker("张三", phone: "13800000011")
            #expect(try await f.sms("13800000001", "找人 插秧 6月12日").reply.hasPrefix("已收到找人1"))
            #expect(try await f.sms("13800000011", "接 1").reply.hasPrefix("接活成功"))
            let other = try await f.sms("13800000002", "取消 1")
            #expect(other.reply == "没有找到编号为1的可取消事项。", "another member's request is not theirs to cancel: \(other.reply)")
            let cancelled = try await f.sms("13800000001", "取消 1")
            #expect(cancelled.reply == "已取消找人1。" && cancelled.segments == 1, "\(cancelled.reply)")
            #expect(try await f.notifications(to: "13800000011").last == "活1（6月12日）已取消。")
            #expect(try await f.count("SELECT count(*) FROM labour_assignment WHERE worker_id = \(worker)") == 0, "the booking is released")
            #expect(try await f.strings("SELECT state FROM labour_request WHERE id = 1") == ["cancelled"])
        }
    }

    @Test func aGatewayRedeliveryDoesNotMakeASecondRequest() async throws {
        try await LabourFixture.with { f in
            _ = try await f.member("李四", phone: "13800000001")
            let once = try await f.gateway.json(#"SMS IN 13800000001 "找人 帮工 6月12日 2人" id=k-1 at=\#(LabourFixture.morning)"#)
            #expect(once.ok, "\(once.raw)")
            _ = try await f.gateway.json(#"SMS IN 13800000001 "找人 帮工 6月12日 2人" id=k-1 at=\#(LabourFixture.morning)"#)
            #expect(try await f.count("SELECT count(*) FROM labour_request") == 1)
            #expect(try await f.strings("SELECT task FROM labour_request") == ["helper"], "帮工 is a task word added by the plugin")
        }
    }

    @Test func staffOfferAgainAfterOffersExpire() async throws {
        try await LabourFixture.with { f in
            _ = try await f.member("李四", phone: "13800000001")
            for n in 1...4 { _ = try await f.worker("工匠\(n)", phone: "1380000001\(n)", skills: "harvest:\(n):80/mu") }
            let added = try await f.admin.json("LABOUR REQUEST ADD member=1 task=harvest date=\(LabourFixture.day) area=4")
            #expect(added.ok, "\(added.raw)")
            #expect(try await f.count("SELECT count(*) FROM labour_offer WHERE state = 'pending'") == 3, "offer_batch = 3")
            // Three hours on: past the offers' 120 minutes, long before the job's day.
            let later = ISO8601DateFormatter().string(from: Date().addingTimeInterval(3 * 3600))
            let expired = try await f.admin.json("LABOUR EXPIRE at=\(later)")
            #expect((expired.data as? [String: Any])?["expired"] as? Int == 3)
            #expect((expired.data as? [String: Any])?["reoffered"] as? Int == 1, "the fourth candidate gets the next offer")
            let stale = try await f.count("SELECT worker_id::int FROM labour_offer WHERE state = 'expired' ORDER BY worker_id LIMIT 1")
            let phone = "1380000001\(stale - 1)"
            #expect(try await f.sms(phone, "接 1").reply == "活1的邀请已过期。")
            let direct = try await f.admin.json("LABOUR ASSIGN 1 worker=\(stale)")
            #expect(direct.ok && (direct.data as? [String: Any])?["state"] as? String == "assigned", "\(direct.raw)")
            #expect(try await f.notifications(to: phone).last?.hasPrefix("派活1：6月12日收割") == true)
        }
    }
}
