import Foundation
import HuzhuKit

/// `CULTURE REGISTRATION …`: register a member at the counter, cancel, list.
enum RegistrationCommands {
    static func all(_ stores: CultureStores) -> [ConsoleCommand] { [add(stores), cancel(stores), list(stores)] }

    static func add(_ stores: CultureStores) -> ConsoleCommand {
        let usage = "CULTURE REGISTRATION ADD <event id> member=<id> [people=1]"
        return ConsoleCommand("CULTURE REGISTRATION ADD", usage: usage,
                              summary: LocalizedText(en: "Register a member for an event (waitlist when full; SMS to the member)",
                                                     zh: "为成员报名活动（满员则候补，并短信通知）"),
                              access: CultureAccess.write) { request in
            let a = request.arguments
            try a.only(["member", "people", "on_behalf"], usage: usage)
            let people = try a.int("people", usage: usage) ?? 1
            guard (1...50).contains(people) else { throw HuzhuError(.invalid, "people is 1 to 50", zh: "人数应为1-50") }
            let member = Int64(try a.requiredInt("member", usage: usage))
            let outcome = try await stores.registrations.register(
                event: try a.requiredID(0, usage: usage), member: member, people: people,
                actor: try request.actor().onBehalf(of: member), scope: request.scope, notify: true)
            let line = outcome.place.map { "OK registration \(outcome.registration) waitlisted, place \($0)" }
                ?? "OK registration \(outcome.registration) confirmed"
            return ConsoleReply(data: outcome.json(stores.time), line: line)
        }
    }

    static func cancel(_ stores: CultureStores) -> ConsoleCommand {
        let usage = "CULTURE REGISTRATION CANCEL <event id> member=<id>"
        return ConsoleCommand("CULTURE REGISTRATION CANCEL", usage: usage,
                              summary: LocalizedText(en: "Cancel a registration; the waitlist moves up in order", zh: "取消报名，候补按顺序递补"),
                              access: CultureAccess.write) { request in
            let a = request.arguments
            try a.only(["member", "on_behalf"], usage: usage)
            let event = try a.requiredID(0, usage: usage)
            let member = Int64(try a.requiredInt("member", usage: usage))
            guard let outcome = try await stores.registrations.cancel(
                event: event, member: member, actor: try request.actor().onBehalf(of: member), scope: request.scope) else {
                throw HuzhuError(.notFound, "member \(member) has no open registration for event \(event)", zh: "成员\(member)没有活动\(event)的报名")
            }
            return ConsoleReply(data: outcome.json, line: "OK registration \(outcome.registration) cancelled, \(outcome.promoted.count) promoted")
        }
    }

    static func list(_ stores: CultureStores) -> ConsoleCommand {
        let usage = "CULTURE REGISTRATION LIST <event id>"
        return ConsoleCommand("CULTURE REGISTRATION LIST", usage: usage,
                              summary: LocalizedText(en: "An event's registrations in arrival order, with waitlist places", zh: "活动报名名单（按报名先后，含候补位次）"),
                              access: CultureAccess.read) { request in
            try request.arguments.only([], usage: usage)
            let event = try await stores.events.show(id: try request.arguments.requiredID(0, usage: usage), scope: request.scope)
            let rows = try await stores.registrations.list(event: event.id)
            var table = TextTable(["REG", "MEMBER", "NAME", "PEOPLE", "STATUS", "PLACE", "IN"])
            for r in rows { table.add(["registration", "member", "name", "people", "status", "place", "checked_in"].map { r[$0]?.plain ?? "" }) }
            return ConsoleReply(data: .array(rows), text: table.lines)
        }
    }
}
