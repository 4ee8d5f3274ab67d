import Foundation
import HuzhuCore
import HuzhuKit
import HuzhuTesting
import Testing

/// Staff sending a member an SMS through the outbox, and the outbox at a glance.
@Suite struct SMSSendTests {
    @Test func staffQueueAnAuditedMessageThatAGatewayThenPulls() async throws {
        try await withTestDaemon(configure: { $0.quietHours = (0, 0) }) { daemon in
            let staff = try await daemon.console()
            #expect(try await staff.json("VILLAGE ADD 咸水村 township=古夫镇").ok)
            #expect(try await staff.json("VILLAGE ADD 青草村 township=古夫镇").ok)
            #expect(try await staff.json("MEMBER ADD 李四 village=1 phone=13900139000").ok)
            #expect(try await staff.json("MEMBER ADD 王五 village=2").ok)

            let sent = try await staff.json(#"SMS SEND 1 "明早8点村委会开会""#)
            #expect(sent.ok, "\(sent.raw)")
            let noPhone = try await staff.json(#"SMS SEND 2 "开会""#)
            #expect(noPhone.ok && (noPhone.data as? [String: Any])?["outbox"] is NSNull, "\(noPhone.raw)")
            let queue = try await staff.json("SMS QUEUE")
            #expect((queue.data as? [String: Any])?["queued"] as? Int == 1, "\(queue.raw)")

            let gateway = try await daemon.console(as: "gw", roles: [.gateway])
            let pulled = try await gateway.json("SMS PULL 5")
            let messages = pulled.data as? [[String: Any]] ?? []
            #expect(messages.count == 1 && messages.first?["to"] as? String == "+8613900139000" && messages.first?["text"] as? String == "明早8点村委会开会",
                    "\(pulled.raw)")
            let audit = try await staff.json("AUDIT LIST action=sms.send")
            let targets = (audit.data as? [[String: Any]])?.compactMap { $0["target"] as? String } ?? []
            #expect(targets.sorted() == ["member:1", "member:2"], "both sends are audited, with or without a phone: \(audit.raw)")
        }
    }

    @Test func malformedOrOutOfScopeSendsAreRefusedWithTheRightForm() async throws {
        try await withTestDaemon { daemon in
            let staff = try await daemon.console()
            #expect(try await staff.json("VILLAGE ADD 咸水村 township=古夫镇").ok)
            #expect(try await staff.json("VILLAGE ADD 青草村 township=古夫镇").ok)
            #expect(try await staff.json("MEMBER ADD 李四 village=1 phone=13900139000").ok)
            let missing = try await staff.json("SMS SEND 1")
            #expect(missing.code == "SYNTAX" && (missing.message ?? "").contains(#"SMS SEND <member id> "<text>""#), "\(missing.raw)")
            let empty = try await staff.json(#"SMS SEND 1 "  ""#)
            #expect(empty.code == "INVALID", "\(empty.raw)")
            let nobody = try await staff.json(#"SMS SEND 99 "开会""#)
            #expect(nobody.code == "NOT_FOUND", "\(nobody.raw)")
            let cadre = try await daemon.console(as: "cadre2", roles: [.cadre], villages: ["青草村"])
            let other = try await cadre.json(#"SMS SEND 1 "开会""#)
            #expect(other.code == "DENIED", "a cadre reaches only its own villages: \(other.raw)")
            let queue = try await staff.json("SMS QUEUE")
            #expect((queue.data as? [String: Any])?.isEmpty == true, "nothing was queued: \(queue.raw)")
        }
    }
}
