import Foundation
import HuzhuKit

/// `CULTURE BOOKING …`: wedding and funeral bookings at the counter, money, cancellation.
enum BookingCommands {
    static func all(_ stores: CultureStores) -> [ConsoleCommand] {
        [add(stores), show(stores), list(stores), deposit(stores), pay(stores), cancel(stores)]
    }

    static let addUsage = "CULTURE BOOKING ADD member=<id> occasion=wedding|funeral date=<YYYY-MM-DD> [days=<n>] [tables=<n>] "
        + "[services=<code>,…] [helpers=<n>] [override=\"<reason>\"]"

    static func add(_ stores: CultureStores) -> ConsoleCommand {
        ConsoleCommand("CULTURE BOOKING ADD", usage: addUsage,
                       summary: LocalizedText(en: "Book wedding/funeral services (village rules checked; staff may override with a reason)",
                                              zh: "预约红白喜事服务（按村规检查；工作人员可注明理由放行）"),
                       access: CultureAccess.write) { request in
            let a = request.arguments
            try a.only(["member", "occasion", "date", "days", "tables", "services", "helpers", "override", "on_behalf"], usage: addUsage)
            let occasion = a["occasion"] ?? ""
            guard occasion == "wedding" || occasion == "funeral" else {
                throw HuzhuError(.syntax, "occasion is wedding or funeral: \(addUsage)", zh: "occasion 应为 wedding 或 funeral。用法：\(addUsage)")
            }
            let date = try stores.time.day(a["date"] ?? "", key: "date", usage: addUsage)
            let days = try a.int("days", usage: addUsage) ?? (occasion == "wedding" ? stores.settings.weddingDays : stores.settings.funeralDays)
            guard (1...7).contains(days) else { throw HuzhuError(.invalid, "days is 1 to 7", zh: "天数应为1-7") }
            let tables = try a.int("tables", usage: addUsage)
            guard tables == nil || (1...200).contains(tables!) else { throw HuzhuError(.invalid, "tables is 1 to 200", zh: "桌数应为1-200") }
            let helpers = try a.int("helpers", usage: addUsage) ?? 0
            guard (0...50).contains(helpers) else { throw HuzhuError(.invalid, "helpers is 0 to 50", zh: "帮工人数应为0-50") }
            let override = a["override"]
            if let override {
                guard let caller = request.caller, !caller.roles.isDisjoint(with: [.admin, .staff, .culture]) else {
                    throw HuzhuError(.denied, "only the centre's or the cultural association's staff may override village rules",
                                     zh: "只有服务中心或文化协会工作人员可以放行村规")
                }
                guard (2...200).contains(override.count) else {
                    throw HuzhuError(.syntax, "override=\"<reason>\": give the reason (2 to 200 characters)", zh: "请写放行理由（2-200字）")
                }
            }
            let member = Int64(try a.requiredInt("member", usage: addUsage))
            let booking = try await stores.bookings.book(
                NewBooking(member: member, occasion: occasion, date: date, days: days, tables: tables,
                           services: a["services"].map { $0.split(separator: ",").map { String($0).lowercased() } },
                           helpers: helpers, override: override, smsMessageID: nil),
                actor: try request.actor().onBehalf(of: member), scope: request.scope, notify: true)
            return ConsoleReply(data: booking.json, line: "OK booking \(booking.id) quoted \(booking.quote) yuan")
        }
    }

    static func show(_ stores: CultureStores) -> ConsoleCommand {
        let usage = "CULTURE BOOKING SHOW <booking id>"
        return ConsoleCommand("CULTURE BOOKING SHOW", usage: usage, summary: LocalizedText(en: "A booking with its services and money", zh: "预约详情"),
                              access: CultureAccess.read) { request in
            try request.arguments.only([], usage: usage)
            let b = try await stores.bookings.show(id: try request.arguments.requiredID(0, usage: usage), scope: request.scope)
            var table = TextTable(["SERVICE", "PROVIDER", "QTY", "YUAN"])
            for item in b.items { table.add([item.name, item.providerName, "\(item.quantity)", "\(item.amount)"]) }
            let head = "booking \(b.id) \(b.occasion) \(b.date) ×\(b.days)d [\(b.status)] quote \(b.quote) deposit \(b.deposit) paid \(b.paid)"
            return ConsoleReply(data: b.json, text: [head] + table.lines)
        }
    }

    static func list(_ stores: CultureStores) -> ConsoleCommand {
        let usage = "CULTURE BOOKING LIST [village=<id>] [member=<id>] [from=<YYYY-MM-DD>]"
        return ConsoleCommand("CULTURE BOOKING LIST", usage: usage, summary: LocalizedText(en: "Bookings by date", zh: "预约列表"),
                              access: CultureAccess.read) { request in
            let a = request.arguments
            try a.only(["village", "member", "from"], usage: usage)
            let from = try a["from"].map { text throws(HuzhuError) in try stores.time.day(text, key: "from", usage: usage) }
            let bookings = try await stores.bookings.list(village: try a.int("village", usage: usage), member: try a.int("member", usage: usage).map(Int64.init),
                                                          from: from, scope: request.scope)
            var table = TextTable(["ID", "DATE", "OCCASION", "MEMBER", "TABLES", "STATUS", "QUOTE", "SERVICES"])
            for b in bookings {
                table.add(["\(b.id)", b.date, b.occasion, "\(b.member)", b.tables.map(String.init) ?? "", b.status, "\(b.quote)", b.serviceNames])
            }
            return ConsoleReply(data: .array(bookings.map(\.json)), text: table.lines)
        }
    }

    static func deposit(_ stores: CultureStores) -> ConsoleCommand {
        let usage = "CULTURE BOOKING DEPOSIT <booking id> amount=<yuan>"
        return ConsoleCommand("CULTURE BOOKING DEPOSIT", usage: usage,
                              summary: LocalizedText(en: "Record the deposit: confirms the booking", zh: "收定金：确认预约"),
                              access: CultureAccess.manage) { request in
            try request.arguments.only(["amount", "on_behalf"], usage: usage)
            let amount = try request.arguments.requiredInt("amount", usage: usage)
            guard amount >= 0 else { throw HuzhuError(.invalid, "amount cannot be negative", zh: "金额不能为负") }
            let booking = try await stores.bookings.deposit(id: try request.arguments.requiredID(0, usage: usage), amount: amount,
                                                            actor: try request.actor(), scope: request.scope)
            return ConsoleReply(data: booking.json, line: "OK booking \(booking.id) confirmed, \(booking.quote - booking.deposit) yuan to pay")
        }
    }

    static func pay(_ stores: CultureStores) -> ConsoleCommand {
        let usage = "CULTURE BOOKING PAY <booking id> amount=<yuan>"
        return ConsoleCommand("CULTURE BOOKING PAY", usage: usage, summary: LocalizedText(en: "Record a payment", zh: "记录付款"),
                              access: CultureAccess.manage) { request in
            try request.arguments.only(["amount", "on_behalf"], usage: usage)
            let amount = try request.arguments.requiredInt("amount", usage: usage)
            guard amount > 0 else { throw HuzhuError(.invalid, "amount must be more than 0", zh: "金额应大于0") }
            let booking = try await stores.bookings.pay(id: try request.arguments.requiredID(0, usage: usage), amount: amount,
                                                        actor: try request.actor(), scope: request.scope)
            return ConsoleReply(data: booking.json, line: "OK booking \(booking.id) \(booking.status), paid \(booking.deposit + booking.paid) of \(booking.quote)")
        }
    }

    static func cancel(_ stores: CultureStores) -> ConsoleCommand {
        let usage = "CULTURE BOOKING CANCEL <booking id> [reason=<text>]"
        return ConsoleCommand("CULTURE BOOKING CANCEL", usage: usage,
                              summary: LocalizedText(en: "Cancel a booking and free its teams", zh: "取消预约并释放服务队"),
                              access: CultureAccess.write) { request in
            try request.arguments.only(["reason", "on_behalf"], usage: usage)
            let id = try request.arguments.requiredID(0, usage: usage)
            // Cancelling is the member's decision, as booking was: staff act on their behalf (全程代理). The
            // booking's member never changes; a missing or out-of-scope booking is refused by the cancel itself.
            var actor = try request.actor()
            if actor.onBehalfOf == nil {
                do { actor = actor.onBehalf(of: try await stores.bookings.show(id: id, scope: []).member) } catch let error as HuzhuError where error.code == .notFound {}
            }
            guard let booking = try await stores.bookings.cancel(id: id, member: nil, reason: request.arguments["reason"] ?? "",
                                                                 actor: actor, scope: request.scope) else {
                throw HuzhuError(.notFound, "no booking \(id): see CULTURE BOOKING LIST", zh: "没有预约\(id)")
            }
            return ConsoleReply(data: booking.json, line: "OK booking \(id) cancelled")
        }
    }
}
