import Foundation
import HuzhuConsole
import HuzhuKit

extension CoreCommands {
    /// `SMS IN` (gateways hand in a farmer's message) and `SMS TRY` (staff see how a message is read).
    static func smsIntakeCommands(_ hub: Hub) -> [ConsoleCommand] {
        let inUsage = #"SMS IN <phone> "<text>" [id=<gateway message id>] [at=<ISO-8601 time>] [gateway=<name>]"#
        let tryUsage = #"SMS TRY <phone> "<text>" [at=<ISO-8601 time>]"#
        return [
            ConsoleCommand("SMS IN", usage: inUsage, summary: .summary("Handle one inbound SMS; answers {reply, segments}", "处理一条收到的短信"),
                           access: .roles([.gateway])) { request in
                let a = request.arguments
                try a.only(["id", "at", "gateway"], usage: inUsage)
                guard a.positional.count == 2 else {
                    throw HuzhuError(.syntax, "give the phone and the quoted text: \(inUsage)", zh: "请给出号码和加引号的短信内容：\(inUsage)")
                }
                let answer = try await hub.sms.service.receive(
                    phone: a.positional[0], text: a.positional[1], gatewayID: a["id"], at: try time(a["at"], usage: inUsage),
                    gateway: a["gateway"] ?? request.caller?.username ?? "console")
                return ConsoleReply(data: answer.json, line: answer.reply.isEmpty ? "(no reply)" : answer.reply)
            },
            ConsoleCommand("SMS TRY", usage: tryUsage, summary: .summary("Show how a message is read, without acting on it", "试解析短信（不执行）"),
                           access: .roles([.staff, .labour, .culture, .market, .cadre])) { request in
                let a = request.arguments
                try a.only(["at"], usage: tryUsage)
                guard a.positional.count == 2 else {
                    throw HuzhuError(.syntax, "give the phone and the quoted text: \(tryUsage)", zh: "请给出号码和加引号的短信内容：\(tryUsage)")
                }
                let result = try await hub.sms.service.tryParse(phone: a.positional[0], text: a.positional[1], at: try time(a["at"], usage: tryUsage))
                return ConsoleReply(data: result, text: [result.jsonText])
            },
        ]
    }

    static func time(_ text: String?, usage: String) throws(HuzhuError) -> Date? {
        guard let text else { return nil }
        let formatter = ISO8601DateFormatter()
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        throw HuzhuError(.syntax, "at=\(text) must be an ISO-8601 time such as 2026-06-10T09:00:00+08:00: \(usage)",
                         zh: "at 应为 ISO-8601 时间，如 2026-06-10T09:00:00+08:00")
    }
}
