import HuzhuConsole
import HuzhuKit

extension CoreCommands {
    /// The gateway side of the SMS outbox: lease, confirm, fail, report delivery; and the staff view.
    static func smsOutboxCommands(_ hub: Hub) -> [ConsoleCommand] {
        let gateway: ConsoleAccess = .roles([.gateway])
        @Sendable func gatewayName(_ request: ConsoleRequest) -> String {
            request.arguments["gateway"] ?? request.caller?.username ?? "console"
        }
        return [
            ConsoleCommand("SMS PULL", usage: "SMS PULL [max] [gateway=<name>]",
                           summary: .summary("Lease messages to send: [{id,to,text,segments}]", "领取待发短信"), access: gateway) { request in
                try request.arguments.only(["gateway"], usage: "SMS PULL [max] [gateway=<name>]")
                let maximum = try request.arguments.positional.first.map { (text) throws(HuzhuError) in
                    guard let value = Int(text), value > 0 else {
                        throw HuzhuError(.syntax, "max must be a positive whole number: SMS PULL [max]", zh: "数量应为正整数：SMS PULL [数量]")
                    }
                    return value
                } ?? 10
                let leased = try await hub.sms.outbox.pull(gateway: gatewayName(request), maximum: maximum)
                return ConsoleReply(data: .array(leased.map(\.json)),
                                    text: leased.isEmpty ? ["(nothing to send)"] : leased.map { "\($0.id)\t\($0.to)\t\($0.segments)\t\($0.text)" })
            },
            ConsoleCommand("SMS ACK", usage: "SMS ACK <id> [<id>…]", summary: .summary("Confirm messages were sent", "确认短信已发送"),
                           access: gateway) { request in
                try request.arguments.only(["gateway"], usage: "SMS ACK <id> [<id>…]")
                guard !request.arguments.positional.isEmpty else {
                    throw HuzhuError(.syntax, "usage: SMS ACK <id> [<id>…]", zh: "用法：SMS ACK 编号…")
                }
                let ids = try request.arguments.positional.map { (text) throws(HuzhuError) in
                    guard let id = Int64(text) else { throw HuzhuError(.syntax, "'\(text)' is not a message id: SMS ACK <id> [<id>…]") }
                    return id
                }
                let done = try await hub.sms.outbox.acknowledge(ids, gateway: gatewayName(request))
                let unknown = Set(ids).subtracting(done).sorted()
                return ConsoleReply(data: ["sent": .array(done.map { .int(Int($0)) }), "not_leased": .array(unknown.map { .int(Int($0)) })],
                                    line: "OK \(done.count) sent" + (unknown.isEmpty ? "" : "; not leased: \(unknown.map(String.init).joined(separator: ","))"))
            },
            ConsoleCommand("SMS FAIL", usage: "SMS FAIL <id> <reason>", summary: .summary("Report a failed send (retried later)", "报告发送失败（稍后重试）"),
                           access: gateway) { request in
                try request.arguments.only(["gateway"], usage: "SMS FAIL <id> <reason>")
                let id = try request.arguments.requiredID(0, usage: "SMS FAIL <id> <reason>")
                let reason = request.arguments.positional.dropFirst().joined(separator: " ")
                guard !reason.isEmpty else { throw HuzhuError(.syntax, "give a reason: SMS FAIL <id> <reason>", zh: "请说明原因") }
                let status = try await hub.sms.outbox.fail(id, reason: reason, gateway: gatewayName(request))
                return ConsoleReply(data: ["id": .int(Int(id)), "status": .string(status)],
                                    line: status == "failed" ? "OK \(id) failed for good" : "OK \(id) will be retried")
            },
            ConsoleCommand("SMS DLR", usage: "SMS DLR <id> delivered|failed [reason]", summary: .summary("A delivery report", "送达报告"),
                           access: gateway) { request in
                try request.arguments.only(["gateway"], usage: "SMS DLR <id> delivered|failed [reason]")
                let id = try request.arguments.requiredID(0, usage: "SMS DLR <id> delivered|failed [reason]")
                let state = try request.arguments.required(1, usage: "SMS DLR <id> delivered|failed [reason]").lowercased()
                guard state == "delivered" || state == "failed" else {
                    throw HuzhuError(.syntax, "the state is delivered or failed: SMS DLR <id> delivered|failed [reason]")
                }
                try await hub.sms.outbox.report(id, delivered: state == "delivered",
                                                reason: request.arguments.positional.dropFirst(2).joined(separator: " "), gateway: gatewayName(request))
                return ConsoleReply(data: ["id": .int(Int(id)), "status": .string(state)], line: "OK \(id) \(state)")
            },
        ]
    }
}
