import Foundation
import HuzhuCore
import HuzhuKit
import HuzhuTesting
import PostgresNIO
import Testing

/// The outbox gateways pull from: leases, confirmations, retries, quiet hours, what is never sent.
@Suite struct SMSOutboxTests {
    /// A daemon with one village, members, a gateway session and a staff session.
    func withOutbox(
        configure: @escaping @Sendable (inout HuzhuConfiguration) -> Void = { $0.quietHours = (0, 0) },
        _ body: (TestDaemon, ConsoleClient, ConsoleClient) async throws -> Void
    ) async throws {
        try await withTestDaemon(plugins: [NotifierPlugin.self], configure: configure) { daemon in
            let staff = try await daemon.console()
            #expect(try await staff.json("VILLAGE ADD 咸水村 township=古夫镇").ok)
            #expect(try await staff.json("MEMBER ADD 张三 village=1 phone=13800138000").ok)   // member 1
            #expect(try await staff.json("MEMBER ADD 李四 village=1 phone=13900139000").ok)   // member 2
            let gateway = try await daemon.console(as: "sms1", roles: [.gateway])
            try await body(daemon, staff, gateway)
        }
    }

    func ids(_ answer: ConsoleAnswer) -> [Int] {
        (answer.data as? [[String: Any]] ?? []).compactMap { $0["id"] as? Int }
    }

    func status(_ daemon: TestDaemon, _ id: Int) async throws -> (String, String?) {
        try await daemon.database.withClient { client in
            for try await row in try await client.query("SELECT status, last_error FROM sms_outbox WHERE id = \(Int64(id))", logger: TestLog.logger)
                .decode((String, String?).self) { return row }
            return ("missing", nil)
        }
    }

    @Test func pullAcknowledgeAndReportDelivery() async throws {
        try await withOutbox { daemon, staff, gateway in
            #expect(try await staff.json(#"NOTIFY 1 "明天8点插秧，请准时到""#).ok)
            let pulled = try await gateway.json("SMS PULL 10")
            let message = try #require((pulled.data as? [[String: Any]])?.first)
            #expect(message["to"] as? String == "+8613800138000")
            #expect(message["text"] as? String == "明天8点插秧，请准时到")
            #expect(message["segments"] as? Int == 1)
            #expect(ids(try await gateway.json("SMS PULL 10")).isEmpty, "a leased message is not offered twice")
            let id = try #require(message["id"] as? Int)
            #expect(try await gateway.json("SMS ACK \(id) 99999").ok)
            #expect(try await status(daemon, id).0 == "sent")
            #expect(try await gateway.json("SMS DLR \(id) delivered").ok)
            #expect(try await status(daemon, id).0 == "delivered")
            let clerk = try await daemon.console(as: "clerk", roles: [.staff])
            #expect(try await clerk.json("SMS PULL").code == "DENIED", "only gateways pull")
        }
    }

    @Test func failuresAreRetriedLaterThenGiveUp() async throws {
        try await withOutbox { daemon, staff, gateway in
            #expect(try await staff.json(#"NOTIFY 1 "你好""#).ok)
            let id = try #require(ids(try await gateway.json("SMS PULL")).first)
            let failed = try await gateway.json("SMS FAIL \(id) modem busy")
            #expect((failed.data as? [String: Any])?["status"] as? String == "queued")
            #expect(ids(try await gateway.json("SMS PULL")).isEmpty, "a retry waits for its back-off")
            #expect(try await status(daemon, id) == ("queued", "modem busy"))
            // Past the last attempt a failure is final.
            try await daemon.database.withClient { client in
                _ = try await client.query("UPDATE sms_outbox SET attempts = 5, status = 'leased' WHERE id = \(Int64(id))", logger: TestLog.logger)
            }
            let final = try await gateway.json("SMS FAIL \(id) number does not exist")
            #expect((final.data as? [String: Any])?["status"] as? String == "failed")
            #expect(try await gateway.json("SMS FAIL 424242 x").code == "NOT_FOUND")
        }
    }

    @Test func anUnconfirmedLeaseIsOfferedAgain() async throws {
        try await withOutbox(configure: { $0.quietHours = (0, 0); $0.smsLeaseTimeout = .zero }) { daemon, staff, gateway in
            #expect(try await staff.json(#"NOTIFY 1 "你好""#).ok)
            let first = ids(try await gateway.json("SMS PULL"))
            let again = ids(try await gateway.json("SMS PULL"))
            #expect(first.count == 1 && again == first, "the lease ran out without SMS ACK")
        }
    }

    @Test func leasesHeldWhenTheHubStoppedGoBackToTheQueueAndLateConfirmationsCount() async throws {
        try await withOutbox { daemon, staff, gateway in
            #expect(try await staff.json(#"NOTIFY 1 "甲""#).ok)
            #expect(try await staff.json(#"NOTIFY 2 "乙""#).ok)
            let leased = ids(try await gateway.json("SMS PULL 10"))
            #expect(leased.count == 2)
            // What a start-up does after a crash: the relay's session is gone, its leases come back at once.
            #expect(try await daemon.hub.sms.outbox.releaseLeases() == 2)
            #expect(try await status(daemon, leased[0]).0 == "queued")
            // The relay had sent the first before the crash and confirms it late; the second goes out again.
            let late = try await gateway.json("SMS ACK \(leased[0])")
            #expect((late.data as? [String: Any])?["sent"] as? [Int] == [leased[0]], "\(late.raw)")
            #expect(ids(try await gateway.json("SMS PULL 10")) == [leased[1]])
            let attempts = try await daemon.database.withClient { client in
                try await client.query("SELECT attempts FROM sms_outbox WHERE id = \(Int64(leased[1]))", logger: TestLog.logger)
                    .decode(Int.self).first(where: { _ in true })
            }
            #expect(attempts == 1, "the lease cut short by the stop does not count as an attempt")
            // A message never leased cannot be confirmed.
            #expect(try await staff.json(#"NOTIFY 1 "丙""#).ok)
            let unleased = try await daemon.database.withClient { client in
                try await client.query("SELECT max(id) FROM sms_outbox", logger: TestLog.logger).decode(Int.self).first(where: { _ in true })
            }
            let refused = try await gateway.json("SMS ACK \(unleased ?? 0)")
            #expect((refused.data as? [String: Any])?["not_leased"] as? [Int] == [unleased ?? 0], "\(refused.raw)")
        }
    }

    @Test func quietHoursHoldNotificationsButNotUrgentOnes() async throws {
        try await withOutbox(configure: { $0.quietHours = (0, 23 * 60 + 59) }) { daemon, staff, gateway in
            #expect(try await staff.json(#"NOTIFY 1 "价格提醒""#).ok)
            #expect(ids(try await gateway.json("SMS PULL")).isEmpty)
            #expect(try await staff.json(#"NOTIFY 1 "急：明早改期" urgent=yes"#).ok)
            let pulled = try await gateway.json("SMS PULL")
            #expect((pulled.data as? [[String: Any]])?.map { $0["text"] as? String } == ["急：明早改期"])
        }
    }

    @Test func demoOptedOutAndRepeatedMessagesAreNeverSent() async throws {
        try await withOutbox { daemon, staff, gateway in
            #expect(try await staff.json("MEMBER EDIT 2 opted_out=yes").ok)
            try await daemon.database.withClient { client in
                _ = try await client.query(
                    "INSERT INTO member (village_id, name, phone, is_demo) VALUES (1, '演示', '+8617000000001', true)", logger: TestLog.logger)
            }
            for member in [2, 3] { #expect(try await staff.json(#"NOTIFY \#(member) "通知""#).ok) }
            for _ in 0..<3 { #expect(try await staff.json(#"NOTIFY 1 "同样的话""#).ok) }
            let pulled = try await gateway.json("SMS PULL 10")
            let texts = (pulled.data as? [[String: Any]] ?? []).map { "\($0["to"]!) \($0["text"]!)" }
            #expect(texts == ["+8613800138000 同样的话", "+8613800138000 同样的话"], "opted out, demo and the third repeat are held: \(texts)")
            let reasons = try await daemon.database.withClient { client in
                var reasons: [String] = []
                for try await reason in try await client.query("SELECT last_error FROM sms_outbox WHERE status = 'suppressed' ORDER BY id", logger: TestLog.logger).decode(String.self) {
                    reasons.append(reason)
                }
                return reasons
            }
            #expect(reasons.count == 3)
            #expect(reasons[0].contains("opted out") && reasons[1].contains("demo") && reasons[2].contains("loop guard"))
        }
    }

    @Test func repliesGoBeforeNotifications() async throws {
        try await withOutbox { daemon, staff, gateway in
            for n in 1...3 { #expect(try await staff.json(#"NOTIFY 1 "通知\#(n)""#).ok) }
            try await daemon.database.withClient { client in
                _ = try await client.query(
                    "INSERT INTO sms_outbox (phone, text, segments, kind) VALUES ('+8613900139000', '收到', 1, 'reply')", logger: TestLog.logger)
            }
            let first = try await gateway.json("SMS PULL 1")
            #expect((first.data as? [[String: Any]])?.first?["text"] as? String == "收到")
        }
    }
}
