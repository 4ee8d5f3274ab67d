import Foundation
import HuzhuKit
import HuzhuTesting
import Testing

/// Kannel end to end: fakesmsc (the phones) ⇄ bearerbox ⇄ smsbox ⇄ the hub, and the outbox relay.
@Suite struct KannelGatewayTests {
    /// A gateway account `name` with an HTTP token (for get-url and dlr-url) and a console password.
    func gateway(_ daemon: TestDaemon, _ staff: ConsoleClient, _ name: String) async throws -> (token: String, password: String) {
        let password = try await Harness.gatewayAccount(daemon, name)
        let answer = try await staff.json("USER TOKEN \(name) label=kannel")
        let token = try #require((answer.data as? [String: Any])?["token"] as? String, "USER TOKEN: \(answer.raw)")
        return (token, password)
    }

    func relayArguments(_ kannel: Kannel, daemon: TestDaemon, user: String, token: String) -> [String] {
        ["--user", user, "--interval", "0.2", "--verbose", "kannel",
         "--sendsms", "http://127.0.0.1:\(kannel.sendsmsPort)/cgi-bin/sendsms",
         "--kannel-user", kannel.sendsmsUser, "--kannel-password", kannel.sendsmsPassword,
         "--dlr-url", "http://127.0.0.1:\(daemon.httpPort)/gateway/kannel/dlr?token=\(token)"]
    }

    func outboxStatus(_ daemon: TestDaemon, _ id: Int) async throws -> String? {
        try await Harness.value(daemon, "SELECT status FROM sms_outbox WHERE id = \(id)")
    }

    @Test func aFarmersChineseMessageReachesTheHubAndTheReplyReachesThePhone() async throws {
        try await withGatewayDaemon { daemon, staff in
            let (token, _) = try await gateway(daemon, staff, "kannel")
            try await Children.with { children in
                let kannel = try Kannel(httpPort: daemon.httpPort, token: token, children)
                _ = try await kannel.startBearerbox(children)
                _ = try await kannel.startSmsbox(children)
                // 张三 (a member) texts a request, written the way farmers do: no spaces.
                let text = "找人插秧5亩明天3人"
                let phone = try kannel.startPhones(children, sending: [Kannel.ucs2Line(from: "13800138000", to: kannel.serviceNumber, text)])

                let answered = try await Harness.eventually {
                    try await Harness.value(daemon, "SELECT reply FROM sms_inbound WHERE phone = '+8613800138000' AND answered") != nil
                }
                try #require(answered, "the hub never answered; fakesmsc: \(phone.output.suffix(5))")
                let row = try #require(try await Harness.rows(daemon, "SELECT text, gateway, gateway_id, reply FROM sms_inbound WHERE phone = '+8613800138000'").first)
                #expect(row[0] == text, "the message reached the hub intact (UCS-2 from the phone, UTF-8 to the hub)")
                #expect(row[1] == "kannel:kannel")
                #expect(!(row[2] ?? "").isEmpty, "Kannel's message id (%I) is kept for redeliveries")
                let reply = try #require(row[3])
                #expect(!reply.isEmpty)

                let arrived = await phone.waitForOutput(timeout: Harness.patience) { !Kannel.received($0).isEmpty }
                try #require(arrived, "no reply reached the phone: \(phone.output.suffix(10))")
                let received = Kannel.received(phone.output)
                #expect(received.count == 1)
                #expect(received.first?.to == "13800138000")
                #expect(received.first?.from == kannel.serviceNumber)
                // The hub answers with `X-Kannel-Coding: 2`, so smsbox sends the Chinese reply as UCS-2.
                #expect(received.first?.coding == "ucs-2")
                #expect(received.first?.text == reply, "\(received)")
            }
        }
    }

    @Test func aRegistrationWithSpacesReachesTheHubAsWritten() async throws {
        try await withGatewayDaemon { daemon, staff in
            let (token, _) = try await gateway(daemon, staff, "kannel")
            try await Children.with { children in
                let kannel = try Kannel(httpPort: daemon.httpPort, token: token, children)
                _ = try await kannel.startBearerbox(children)
                _ = try await kannel.startSmsbox(children)
                let text = "注册 王五 咸水村"
                let phone = try kannel.startPhones(children, sending: [Kannel.ucs2Line(from: "13700137000", to: kannel.serviceNumber, text)])
                let answered = try await Harness.eventually {
                    try await Harness.value(daemon, "SELECT reply FROM sms_inbound WHERE phone = '+8613700137000' AND answered") != nil
                }
                try #require(answered, "the hub never answered; fakesmsc: \(phone.output.suffix(5))")
                let stored = try await Harness.value(daemon, "SELECT text FROM sms_inbound WHERE phone = '+8613700137000'")
                let member = try await Harness.value(daemon, "SELECT name FROM member WHERE phone = '+8613700137000'")
                // Kannel's %a writes spaces as '+'; the side door reads the query as a form does.
                #expect(stored == text)
                #expect(member == "王五")
            }
        }
    }

    @Test func aNotificationTravelsFromTheOutboxThroughTheRelayAndKannelToThePhoneAndIsDelivered() async throws {
        try await withGatewayDaemon { daemon, staff in
            let (token, password) = try await gateway(daemon, staff, "kannel")
            try await Children.with { children in
                let kannel = try Kannel(httpPort: daemon.httpPort, token: token, children)
                _ = try await kannel.startBearerbox(children)
                _ = try await kannel.startSmsbox(children)
                let phone = try kannel.startPhones(children)
                let text = "明天8点插秧 (3+2人)，请准时到咸水村东头集合。"
                let queued = try await staff.json(#"NOTIFY 1 "\#(text)""#)
                let id = try #require(queued.data as? Int, "NOTIFY: \(queued.raw)")
                let relay = try children.start(Harness.relay, relayArguments(kannel, daemon: daemon, user: "kannel", token: token),
                                               environment: Harness.scriptEnvironment(daemon, user: "kannel", password: password))

                let arrived = await phone.waitForOutput(timeout: Harness.patience) { !Kannel.received($0).isEmpty }
                try #require(arrived, "nothing reached the phone; relay: \(relay.output.suffix(5))")
                let received = Kannel.received(phone.output)
                #expect(received == [Kannel.Received(from: kannel.serviceNumber, to: "+8613800138000", coding: "ucs-2", text: text)],
                        "arrived intact as UCS-2: \(received)")
                let delivered = try await Harness.eventually { try await outboxStatus(daemon, id) == "delivered" }
                let status = try await outboxStatus(daemon, id) ?? "?"
                #expect(delivered, "the outbox row ends delivered (sent by the relay, then Kannel's delivery report): \(status)")
                #expect(relay.output.contains { $0.contains("sent \(id) to +8613800138000") })
            }
        }
    }

    @Test func aGatewayThatWasDownCatchesUpWithoutLossOrDuplicates() async throws {
        try await withGatewayDaemon { daemon, staff in
            let (token, password) = try await gateway(daemon, staff, "kannel")
            try await Children.with { children in
                let kannel = try Kannel(httpPort: daemon.httpPort, token: token, children)
                _ = try await kannel.startBearerbox(children)
                let phone = try kannel.startPhones(children)
                // smsbox is down: the relay runs but cannot reach sendsms.
                let relay = try children.start(Harness.relay, relayArguments(kannel, daemon: daemon, user: "kannel", token: token),
                                               environment: Harness.scriptEnvironment(daemon, user: "kannel", password: password))
                let noticed = await relay.waitForOutput(timeout: Harness.patience) { $0.contains { $0.contains("gateway unreachable") } }
                try #require(noticed, "the relay did not notice the gateway was down: \(relay.output.suffix(5))")

                let texts = ["第一条：周五停水", "第二条：明早8点开会", "第三条：化肥到了，请来领取"]
                var ids: [Int] = []
                for (n, text) in texts.enumerated() {
                    let answer = try await staff.json(#"NOTIFY \#(n % 2 + 1) "\#(text)""#)
                    ids.append(try #require(answer.data as? Int, "NOTIFY: \(answer.raw)"))
                }
                // The relay keeps checking while the gateway is down (twice more after the messages were
                // queued); nothing is leased or spent meanwhile.
                func checks(_ lines: [String]) -> Int { lines.filter { $0.contains("gateway still unreachable") }.count }
                let before = checks(relay.output)
                let checked = await relay.waitForOutput(timeout: Harness.patience) { checks($0) >= before + 2 }
                try #require(checked)
                let waiting = try await Harness.rows(daemon, "SELECT status, attempts::text FROM sms_outbox ORDER BY id")
                #expect(waiting.map { $0[0] } == ["queued", "queued", "queued"], "the hub keeps the messages while the gateway is down")
                #expect(waiting.map { $0[1] } == ["0", "0", "0"], "no attempt is spent on a gateway that is down")

                _ = try await kannel.startSmsbox(children)
                let caughtUp = await phone.waitForOutput(timeout: Harness.patience) { Kannel.received($0).count >= 3 }
                try #require(caughtUp, "the gateway did not catch up: \(Kannel.received(phone.output)); relay: \(relay.output.suffix(5))")
                // A last message marks the end: whatever was to arrive before it has arrived.
                let last = try await staff.json(#"NOTIFY 1 "第四条：完""#)
                ids.append(try #require(last.data as? Int))
                let ended = await phone.waitForOutput(timeout: Harness.patience) { lines in
                    Kannel.received(lines).contains { $0.text == "第四条：完" }
                }
                try #require(ended)
                let received = Kannel.received(phone.output)
                #expect(received.map(\.text).sorted() == (texts + ["第四条：完"]).sorted(), "each message exactly once: \(received)")
                #expect(received.allSatisfy { $0.coding == "ucs-2" })
                #expect(received.filter { $0.to == "+8613900139000" }.map(\.text) == ["第二条：明早8点开会"])
                let settled = try await Harness.eventually {
                    try await Harness.rows(daemon, "SELECT status FROM sms_outbox ORDER BY id").allSatisfy { $0[0] == "sent" || $0[0] == "delivered" }
                }
                #expect(settled)
                #expect(try await Harness.value(daemon, "SELECT max(attempts)::text FROM sms_outbox") == "1", "each sent at the first attempt")
                #expect(relay.output.contains { $0.contains("gateway back") })
            }
        }
    }
}
