import Foundation
import HuzhuConsole
import HuzhuKit

extension CoreCommands {
    /// Staff's side of the outbox: send a member a message, see what waits.
    static func smsStaffCommands(_ hub: Hub) -> [ConsoleCommand] {
        let sendUsage = #"SMS SEND <member id> "<text>" [urgent=yes]"#
        return [
            ConsoleCommand("SMS SEND", usage: sendUsage, summary: .summary("Queue an SMS to a member (audited)", "给村民发短信（记录在案）"),
                           access: .roles([.staff, .labour, .culture, .market, .cadre])) { request in
                let a = request.arguments
                try a.only(["urgent", "on_behalf"], usage: sendUsage)
                guard a.positional.count == 2 else {
                    throw HuzhuError(.syntax, "give the member id and the quoted text: \(sendUsage)", zh: "请给出村民编号和加引号的短信内容：\(sendUsage)")
                }
                let member = try a.requiredID(0, usage: sendUsage)
                let text = a.positional[1].trimmingCharacters(in: .whitespacesAndNewlines)
                guard !text.isEmpty, text.count <= 500 else {
                    throw HuzhuError(.invalid, "the text must have 1 to 500 characters: \(sendUsage)", zh: "短信内容应为 1 到 500 个字：\(sendUsage)")
                }
                let urgent = try a.bool("urgent", usage: sendUsage) ?? false
                let scope = request.scope
                let actor = try request.actor()
                let id = try await hub.store.handle.write(as: actor) { tx in
                    guard let found = try await Directory.member(member, scope: [], forUpdate: false, on: tx.connection) else {
                        throw HuzhuError(.notFound, "no member \(member): see MEMBER FIND", zh: "没有编号为 \(member) 的村民")
                    }
                    guard scope.isEmpty || scope.contains(found.villageID) else {
                        throw HuzhuError(.denied, "member \(member) is not in your villages", zh: "村民 \(member) 不在您负责的村")
                    }
                    let id = try await tx.notify(member: member, LocalizedText(en: text, zh: text), urgent: urgent)
                    try await tx.audit("sms.send", target: "member:\(member)", after: ["text": .string(text), "outbox": id.map { .int(Int($0)) } ?? .null])
                    return id
                }
                guard let id else {
                    return ConsoleReply(data: ["outbox": .null], line: "OK nothing queued: member \(member) has no phone")
                }
                return ConsoleReply(data: ["outbox": .int(Int(id)), "segments": .int(SMSSegments.count(text))],
                                    line: "OK queued as \(id) (\(SMSSegments.count(text)) segment(s))")
            },
            ConsoleCommand("SMS QUEUE", usage: "SMS QUEUE", summary: .summary("Outbox messages by status", "短信发件箱概况"),
                           access: .authenticated) { request in
                try request.arguments.only([], usage: "SMS QUEUE")
                let counts = try await hub.store.handle.read { connection in
                    var counts: [(String, Int)] = []
                    for try await row in try await connection.query(
                        "SELECT status, count(*)::int FROM sms_outbox GROUP BY status ORDER BY status", logger: Logger(label: "huzhu.sms")
                    ).decode((String, Int).self) { counts.append(row) }
                    return counts
                }
                var table = TextTable(["STATUS", "MESSAGES"])
                for (status, count) in counts { table.add([status, "\(count)"]) }
                return ConsoleReply(data: .object(counts.map { ($0.0, JSONValue.int($0.1)) }), text: table.lines)
            },
        ]
    }
}
