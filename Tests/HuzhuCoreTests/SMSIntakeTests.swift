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
