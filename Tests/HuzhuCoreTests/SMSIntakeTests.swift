import Foundation
import HuzhuCore
import HuzhuKit
import HuzhuNotice
import HuzhuTesting
import PostgresNIO
import Testing

/// Farmers' messages through `SMS IN`, as a gateway hands them over.
@Suite struct SMSIntakeTests {
    func withGateway(_ body: (TestDaemon, ConsoleClient, ConsoleClient) async throws -> Void) async throws {
        try await withTestDaemon(plugins: [NoticePlugin.self], configure: { $0.quietHours = (0, 0) }) { daemon in
            let staff = try await daemon.console()
            #expect(try await staff.json("VILLAGE ADD 咸水村 township=古夫镇").ok)
            let gateway = try await daemon.console(as: "sms1", roles: [.gateway])
            try await body(daemon, staff, gateway)
        }
    }

    func reply(_ answer: ConsoleAnswer) -> String {
        ((answer.data as? [String: Any])?["reply"] as? String) ?? "<\(answer.raw)>"
    }

    func count(_ daemon: TestDaemon, _ sql: String) async throws -> Int {
        try await daemon.database.withClient { client in
            for try await n in try await client.query(PostgresQuery(unsafeSQL: sql), logger: TestLog.logger).decode(Int.self) { return n }
            return -1
        }
    }

    @Test func anUnknownNumberRegistersBySMS() async throws {
        try await withGateway { daemon, staff, gateway in
            let first = try await gateway.json(#"SMS IN 13800138000 "公告""#)
            #expect(reply(first).contains("注册 张三 咸水村"), "an unknown sender is told how to register: \(reply(first))")
            let registered = try await gateway.json(#"SMS IN +86-138-0013-8000 "注册 张三 咸水村""#)
            #expect(reply(registered).hasPrefix("已登记：张三，咸水村"), "\(registered.raw)")
            #expect((registered.data as? [String: Any])?["segments"] as? Int == 1)
            #expect(try await count(daemon, "SELECT count(*) FROM member WHERE phone = '+8613800138000' AND needs_review") == 1)
            let again = try await gateway.json(#"SMS IN 13800138000 "注册 张三 咸水村""#)
            #expect(reply(again).contains("已登记为张三"))
            let audit = try await staff.json("AUDIT LIST action=member.add")
            #expect((audit.data as? [[String: Any]])?.first?["actor"] as? String == "sms:+8613800138000")
        }
    }

    @Test func aRedeliveredMessageIsHandledOnceAndGetsTheSameReply() async throws {
        try await withGateway { daemon, staff, gateway in
            #expect(try await staff.json("MEMBER ADD 李四 village=1 phone=13900139000").ok)
            #expect(try await staff.json(#"NOTICE POST "周五停水" village=1"#).ok)
            let first = try await gateway.json(#"SMS IN 13900139000 "公告" id=kannel-77"#)
            let second = try await gateway.json(#"SMS IN 13900139000 "公告" id=kannel-77"#)
            #expect(reply(first) == "公告：周五停水")
            #expect(reply(second) == reply(first))
            #expect(try await count(daemon, "SELECT count(*) FROM sms_inbound WHERE gateway_id = 'kannel-77'") == 1)
            #expect(try await count(daemon, "SELECT count(*) FROM sms_inbound WHERE intent = 'notice.list' AND answered") == 1,
                    "the parse and the reply are stored")
        }
    }

    /// Messages that arrive together are stored and answered in shared statements (`SMSInboundLog`):
    /// each must still get its own row, sender, reply and stored answer, and a gateway id sent twice in
    /// the same wave must be handled once.
    @Test func messagesArrivingTogetherAreEachStoredAndAnsweredForTheirOwnSender() async throws {
        try await withGateway { daemon, staff, gateway in
            for i in 0..<10 { #expect(try await staff.json("MEMBER ADD 成员\(i) village=1 phone=1390013900\(i)").ok) }
            #expect(try await staff.json(#"NOTICE POST "周五停水" village=1"#).ok)
            var gateways = [gateway]
            for n in 2...5 { gateways.append(try await daemon.console(as: "sms\(n)", roles: [.gateway])) }
            // Ten members, five unknown numbers, and wave-0 a second time: sixteen messages at once.
            let senders = (0..<10).map { "1390013900\($0)" } + (0..<5).map { "1370013700\($0)" } + ["13900139000"]
            let connections = gateways
            let answers = try await withThrowingTaskGroup(of: (Int, ConsoleAnswer).self) { group in
                for (index, phone) in senders.enumerated() {
                    let id = index == 15 ? "wave-0" : "wave-\(index)"
                    let connection = connections[index % connections.count]
                    group.addTask { (index, try await connection.json(#"SMS IN \#(phone) "公告" id=\#(id)"#)) }
                }
                var answers: [Int: ConsoleAnswer] = [:]
                for try await (index, answer) in group { answers[index] = answer }
                return answers
            }
            for index in 1..<10 { #expect(reply(answers[index]!) == "公告：周五停水", "member \(index): \(answers[index]!.raw)") }
            for index in 10..<15 { #expect(reply(answers[index]!).contains("注册 张三 咸水村"), "unknown \(index): \(answers[index]!.raw)") }
            // Of the two wave-0 deliveries one is handled; the other gets its reply, or is asked to come again
            // while the first is being handled.
            let twins = [answers[0]!, answers[15]!]
            #expect(twins.contains { reply($0) == "公告：周五停水" })
            #expect(twins.allSatisfy { reply($0) == "公告：周五停水" || $0.code == "UNAVAILABLE" }, "\(twins.map(\.raw))")
            #expect(try await count(daemon, "SELECT count(*) FROM sms_inbound WHERE gateway_id LIKE 'wave-%'") == 15)
            #expect(try await count(daemon, "SELECT count(*) FROM sms_inbound WHERE gateway_id LIKE 'wave-%' AND NOT answered") == 0)
            #expect(try await count(daemon,
                "SELECT count(*) FROM sms_inbound s JOIN member m ON m.id = s.member_id AND m.phone = s.phone WHERE s.reply = '公告：周五停水'") == 10,
                "each member's message is stored with that member and their reply")
            #expect(try await count(daemon,
                "SELECT count(*) FROM sms_inbound WHERE member_id IS NULL AND phone LIKE '+86137%' AND reply LIKE '%注册 张三 咸水村%'") == 5)
        }
    }

    @Test func aGatewayIdOrNameTheStoreWouldRefuseIsRefusedAlone() async throws {
        try await withGateway { daemon, staff, gateway in
            #expect(try await staff.json("MEMBER ADD 李四 village=1 phone=13900139000").ok)
            for (id, name) in [("a\u{0}b", "bench"), ("ok-1", "gw\u{1}"), (String(repeating: "9", count: 201), "bench")] {
                await #expect(throws: HuzhuError.self) {
                    _ = try await daemon.hub.sms.service.receive(phone: "13900139000", text: "公告", gatewayID: id, at: nil, gateway: name)
                }
            }
            #expect(try await count(daemon, "SELECT count(*) FROM sms_inbound") == 0)
            let fine = try await daemon.hub.sms.service.receive(phone: "13900139000", text: "公告", gatewayID: "ok-2", at: nil, gateway: "bench")
            #expect(fine.intent == "notice.list")
        }
    }

    @Test func stopEndsNotificationsAndANewRequestResumesThem() async throws {
        try await withGateway { daemon, staff, gateway in
            #expect(try await staff.json("MEMBER ADD 李四 village=1 phone=13900139000").ok)
            #expect(reply(try await gateway.json(#"SMS IN 13900139000 "退订""#)).hasPrefix("已退订"))
            #expect(try await count(daemon, "SELECT count(*) FROM member WHERE opted_out") == 1)
            #expect(reply(try await gateway.json(#"SMS IN 13900139000 "STOP""#)).hasPrefix("已退订"), "replies still go to an opted-out member")
            _ = try await gateway.json(#"SMS IN 13900139000 "公告""#)
            #expect(try await count(daemon, "SELECT count(*) FROM member WHERE opted_out") == 0)
        }
    }

    @Test func unknownTextGetsAShortHelpfulReply() async throws {
        try await withGateway { daemon, staff, gateway in
            #expect(try await staff.json("MEMBER ADD 李四 village=1 phone=13900139000").ok)
            let answer = try await gateway.json(#"SMS IN 13900139000 "今天天气怎么样""#)
            #expect(reply(answer).contains("帮助"), "\(answer.raw)")
            #expect((answer.data as? [String: Any])?["segments"] as? Int == 1)
            let long = try await gateway.json(#"SMS IN 13900139000 "\#(String(repeating: "长", count: 1_200))""#)
            #expect(reply(long).contains("太长"))
            #expect(try await gateway.json(#"SMS IN 12345 "公告""#).code == "INVALID")
            #expect(try await gateway.json("SMS IN 13900139000").code == "SYNTAX")
        }
    }

    @Test func aBurstFromOnePhoneIsAnsweredPolitelyOnceThenNotAtAll() async throws {
        try await withGateway { daemon, staff, gateway in
            #expect(try await staff.json("MEMBER ADD 李四 village=1 phone=13900139000").ok)
            var replies: [String] = []
            for _ in 0..<12 { replies.append(reply(try await gateway.json(#"SMS IN 13900139000 "公告""#))) }
            #expect(replies[10].contains("太快"))
            #expect(replies[11] == "")
        }
    }

    @Test func tryParsesWithoutActing() async throws {
        try await withGateway { daemon, staff, gateway in
            let tried = try await staff.json(#"SMS TRY 13800138000 "注册 王五 咸水村""#)
            let data = try #require(tried.data as? [String: Any])
            #expect(data["intent"] as? String == "core.register")
            #expect((data["slots"] as? [String: Any])?["name"] as? String == "王五")
            #expect(try await count(daemon, "SELECT count(*) FROM member") == 0)
            #expect(try await count(daemon, "SELECT count(*) FROM sms_inbound") == 0)
            #expect(try await gateway.json(#"SMS TRY 13800138000 "公告""#).code == "DENIED", "gateways hand messages in; staff try them")
        }
    }
}

/// Kannel's webhook: the message in the query, the reply as the body.
@Suite struct KannelWebhookTests {
    @Test func aMessageInTheQueryGetsItsReplyAsTheBody() async throws {
        try await withTestDaemon(plugins: [NoticePlugin.self]) { daemon in
            let admin = try await daemon.console()
            #expect(try await admin.json("VILLAGE ADD 咸水村 township=古夫镇").ok)
            #expect(try await admin.json("USER ADD kannel role=gateway password=kannel-pass").ok)
            let token = try #require((try await admin.json("USER TOKEN kannel").data as? [String: Any])?["token"] as? String)
            let text = "注册 张三 咸水村".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            let path = "/gateway/kannel?token=\(token)&from=%2B8613800138000&text=\(text)&id=k1"
            let first = try await HTTPSideDoorTests().get(daemon.httpPort, path)
            #expect(first.status == 200)
            #expect(first.body.hasPrefix("已登记：张三，咸水村"), "\(first.body)")
            let again = try await HTTPSideDoorTests().get(daemon.httpPort, path)
            #expect(again.body == first.body, "a redelivery gets the same reply")
            #expect(try await HTTPSideDoorTests().get(daemon.httpPort, "/gateway/kannel?token=\(token)&text=x").status == 400)
        }
    }
}
