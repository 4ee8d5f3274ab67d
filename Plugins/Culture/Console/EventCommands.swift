import Foundation
import HuzhuKit

/// `CULTURE EVENT …`: add, publish, cancel, list, show, check-in, attendance.
enum EventCommands {
    static func all(_ stores: CultureStores) -> [ConsoleCommand] {
        [add(stores), publish(stores), cancel(stores), list(stores), show(stores), checkIn(stores), attendance(stores)]
    }

    static let addUsage = "CULTURE EVENT ADD \"<title>\" kind=performance|class|film|sports|meeting|other village=<id> start=<2026-10-01T19:30> "
        + "end=<time> capacity=<n> [venue=<id>] [subject=<text>] [fee=<yuan>] [organiser=<text>] [open=all|<village id>,…] [publish=yes]"

    static func add(_ stores: CultureStores) -> ConsoleCommand {
        ConsoleCommand("CULTURE EVENT ADD", usage: addUsage,
                       summary: LocalizedText(en: "Add an event or class (a draft unless publish=yes)", zh: "新增活动或培训班（publish=yes 时直接发布）"),
                       access: CultureAccess.write) { request in
            let a = request.arguments
            try a.only(["kind", "village", "start", "end", "capacity", "venue", "subject", "fee", "organiser", "open", "publish", "on_behalf"], usage: addUsage)
            guard a.positional.count == 1, (1...60).contains(a.positional[0].count) else {
                throw HuzhuError(.syntax, "give one title of 1 to 60 characters, in quotes: \(addUsage)", zh: "请给出活动名称（1-60字，加引号）。用法：\(addUsage)")
            }
            let kindText = a["kind"] ?? ""
            guard let kind = EventKind(rawValue: kindText.lowercased()) else {
                throw HuzhuError(.syntax, "kind=\(kindText) is not a kind: use performance, class, film, sports, meeting or other",
                                 zh: "kind 应为 performance、class、film、sports、meeting 或 other")
            }
            let village = try a.requiredInt("village", usage: addUsage)
            try CultureAccess.check(request, village: village)
            let start = try stores.time.parse(a["start"] ?? "", key: "start", usage: addUsage)
            let end = try stores.time.parse(a["end"] ?? "", key: "end", usage: addUsage)
            guard end > start else { throw HuzhuError(.invalid, "end must be after start", zh: "结束时间应晚于开始时间") }
            let capacity = try a.requiredInt("capacity", usage: addUsage)
            guard (1...100_000).contains(capacity) else { throw HuzhuError(.invalid, "capacity is 1 to 100000 people", zh: "容纳人数应为1-100000") }
            let fee = try a.int("fee", usage: addUsage) ?? 0
            guard fee >= 0 else { throw HuzhuError(.invalid, "fee cannot be negative", zh: "费用不能为负") }
            let event = try await stores.events.add(NewEvent(
                kind: kind, subject: a["subject"] ?? "", title: a.positional[0], villageID: village, venueID: try a.int("venue", usage: addUsage),
                startsAt: start, endsAt: end, capacity: capacity, feeYuan: fee, organiser: a["organiser"] ?? "",
                openTo: try openTo(a["open"], host: village), publish: try a.bool("publish", usage: addUsage) ?? false),
                actor: try request.actor())
            return ConsoleReply(data: event.json(stores.time), line: "OK event \(event.id) added (\(event.status))")
        }
    }

    /// `open=all` (empty list), `open=3,5`, or by default the host village only.
    static func openTo(_ text: String?, host: Int) throws(HuzhuError) -> [Int] {
        guard let text else { return [host] }
        if text.lowercased() == "all" { return [] }
        let ids = text.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !ids.isEmpty, ids.allSatisfy({ ($0 ?? 0) > 0 }) else {
            throw HuzhuError(.syntax, "open=\(text): write open=all or village ids such as open=3,5", zh: "open 应为 all 或村编号，如 open=3,5")
        }
        return ids.compactMap { $0 }
    }

    static func publish(_ stores: CultureStores) -> ConsoleCommand {
        let usage = "CULTURE EVENT PUBLISH <event id>"
        return ConsoleCommand("CULTURE EVENT PUBLISH", usage: usage,
                              summary: LocalizedText(en: "Open a draft event for registration", zh: "发布活动，开放报名"), access: CultureAccess.write) { request in
            try request.arguments.only(["on_behalf"], usage: usage)
            let event = try await stores.events.publish(id: try request.arguments.requiredID(0, usage: usage), actor: try request.actor(), scope: request.scope)
            return ConsoleReply(data: event.json(stores.time), line: "OK event \(event.id) published")
        }
    }

    static func cancel(_ stores: CultureStores) -> ConsoleCommand {
        let usage = "CULTURE EVENT CANCEL <event id> [reason=<text>]"
        return ConsoleCommand("CULTURE EVENT CANCEL", usage: usage,
                              summary: LocalizedText(en: "Cancel an event and tell the registered by SMS", zh: "取消活动并短信通知已报名者"),
                              access: CultureAccess.write) { request in
            try request.arguments.only(["reason", "on_behalf"], usage: usage)
            let (event, notified) = try await stores.events.cancel(
                id: try request.arguments.requiredID(0, usage: usage), reason: request.arguments["reason"] ?? "",
                actor: try request.actor(), scope: request.scope)
            return ConsoleReply(data: ["event": event.json(stores.time), "notified": .int(notified)],
                                line: "OK event \(event.id) cancelled, \(notified) registered told by SMS")
        }
    }

    static func list(_ stores: CultureStores) -> ConsoleCommand {
        let usage = "CULTURE EVENT LIST [village=<id>] [from=<time>] [status=draft|published|cancelled] [limit=50]"
        return ConsoleCommand("CULTURE EVENT LIST", usage: usage,
                              summary: LocalizedText(en: "Events from now (or from=) in start order", zh: "活动列表（按开始时间）"),
                              access: CultureAccess.read) { request in
            let a = request.arguments
            try a.only(["village", "from", "status", "limit"], usage: usage)
            let from = try a["from"].map { text throws(HuzhuError) in try stores.time.parse(text, key: "from", usage: usage) } ?? stores.time.now()
            let events = try await stores.events.list(
                village: try a.int("village", usage: usage), after: from, status: a["status"],
                limit: min(max(try a.int("limit", usage: usage) ?? 50, 1), 500), scope: request.scope)
            var table = TextTable(["ID", "START", "KIND", "VILLAGE", "SEATS", "WAIT", "STATUS", "TITLE"])
            for e in events {
                table.add(["\(e.id)", stores.time.short(e.startsAt), e.kind, "\(e.villageID)", "\(e.confirmed)/\(e.capacity)", "\(e.waitlisted)", e.status, e.title])
            }
            return ConsoleReply(data: .array(events.map { $0.json(stores.time) }), text: table.lines)
        }
    }

    static func show(_ stores: CultureStores) -> ConsoleCommand {
        let usage = "CULTURE EVENT SHOW <event id>"
        return ConsoleCommand("CULTURE EVENT SHOW", usage: usage,
                              summary: LocalizedText(en: "An event with its registrations and waitlist", zh: "活动详情及报名、候补名单"),
                              access: CultureAccess.read) { request in
            try request.arguments.only([], usage: usage)
            let event = try await stores.events.show(id: try request.arguments.requiredID(0, usage: usage), scope: request.scope)
            let registrations = try await stores.registrations.list(event: event.id)
            var lines = ["event \(event.id) \(event.title) [\(event.status)] \(stores.time.short(event.startsAt))-\(stores.time.short(event.endsAt)) "
                         + "seats \(event.confirmed)/\(event.capacity), waitlist \(event.waitlisted)"]
            var table = TextTable(["REG", "MEMBER", "NAME", "PEOPLE", "STATUS", "PLACE"])
            for r in registrations {
                table.add(["registration", "member", "name", "people", "status", "place"].map { r[$0]?.plain ?? "" })
            }
            lines += table.lines
            return ConsoleReply(data: event.json(stores.time).merging(["registrations": .array(registrations)]), text: lines)
        }
    }

    static func checkIn(_ stores: CultureStores) -> ConsoleCommand {
        let usage = "CULTURE EVENT CHECKIN <event id> member=<id> [people=<n who came>]"
        return ConsoleCommand("CULTURE EVENT CHECKIN", usage: usage,
                              summary: LocalizedText(en: "Check a registered member in at the door", zh: "活动现场签到"),
                              access: CultureAccess.write) { request in
            let a = request.arguments
            try a.only(["member", "people", "on_behalf"], usage: usage)
            let result = try await stores.registrations.checkIn(
                event: try a.requiredID(0, usage: usage), member: Int64(try a.requiredInt("member", usage: usage)),
                attended: try a.int("people", usage: usage), actor: try request.actor(), scope: request.scope)
            return ConsoleReply(data: result, line: "OK checked in: \(result["attended"]?.jsonText ?? "?") people")
        }
    }

    static func attendance(_ stores: CultureStores) -> ConsoleCommand {
        let usage = "CULTURE EVENT ATTENDANCE <event id>"
        return ConsoleCommand("CULTURE EVENT ATTENDANCE", usage: usage,
                              summary: LocalizedText(en: "Registered against attended for an event", zh: "活动报名与实到人数"),
                              access: CultureAccess.read) { request in
            try request.arguments.only([], usage: usage)
            let report = try await stores.reports.attendance(event: try request.arguments.requiredID(0, usage: usage), scope: request.scope)
            return ConsoleReply(data: report, line: "event \(report["event"]?.plain ?? "") confirmed \(report["confirmed_people"]?.jsonText ?? "0") people, "
                                + "attended \(report["attended_people"]?.jsonText ?? "0") (rate \(report["attendance_rate"]?.jsonText ?? "0"))")
        }
    }
}
