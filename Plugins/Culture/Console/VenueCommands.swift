import Foundation
import HuzhuKit

/// `CULTURE VENUE …`: venues and their bookings.
enum VenueCommands {
    static func all(_ stores: CultureStores) -> [ConsoleCommand] { [add(stores), list(stores), schedule(stores), book(stores), unbook(stores)] }

    static func add(_ stores: CultureStores) -> ConsoleCommand {
        let usage = "CULTURE VENUE ADD \"<name>\" village=<id> capacity=<people>"
        return ConsoleCommand("CULTURE VENUE ADD", usage: usage, summary: LocalizedText(en: "Add a venue", zh: "新增场地"),
                              access: CultureAccess.write) { request in
            let a = request.arguments
            try a.only(["village", "capacity"], usage: usage)
            guard a.positional.count == 1, (1...60).contains(a.positional[0].count) else {
                throw HuzhuError(.syntax, "give one name of 1 to 60 characters: \(usage)", zh: "请给出场地名称。用法：\(usage)")
            }
            let village = try a.requiredInt("village", usage: usage)
            try CultureAccess.check(request, village: village)
            let capacity = try a.requiredInt("capacity", usage: usage)
            guard capacity > 0 else { throw HuzhuError(.invalid, "capacity must be more than 0", zh: "容纳人数应大于0") }
            let venue = try await stores.venues.add(name: a.positional[0], village: village, capacity: capacity, actor: try request.actor())
            return ConsoleReply(data: venue.json, line: "OK venue \(venue.id) added")
        }
    }

    static func list(_ stores: CultureStores) -> ConsoleCommand {
        let usage = "CULTURE VENUE LIST [village=<id>]"
        return ConsoleCommand("CULTURE VENUE LIST", usage: usage, summary: LocalizedText(en: "Venues", zh: "场地列表"),
                              access: CultureAccess.read) { request in
            try request.arguments.only(["village"], usage: usage)
            let venues = try await stores.venues.list(village: try request.arguments.int("village", usage: usage), scope: request.scope)
            var table = TextTable(["ID", "VILLAGE", "CAPACITY", "NAME"])
            for v in venues { table.add(["\(v.id)", "\(v.villageID)", "\(v.capacity)", v.name]) }
            return ConsoleReply(data: .array(venues.map(\.json)), text: table.lines)
        }
    }

    static func schedule(_ stores: CultureStores) -> ConsoleCommand {
        let usage = "CULTURE VENUE SCHEDULE <venue id>"
        return ConsoleCommand("CULTURE VENUE SCHEDULE", usage: usage, summary: LocalizedText(en: "A venue's bookings from now on", zh: "场地预订安排"),
                              access: CultureAccess.read) { request in
            try request.arguments.only([], usage: usage)
            let rows = try await stores.venues.schedule(venue: Int(try request.arguments.requiredID(0, usage: usage)), after: stores.time.now(),
                                                        scope: request.scope)
            var table = TextTable(["BOOKING", "FROM", "TO", "EVENT", "PURPOSE"])
            for r in rows { table.add(["booking", "from", "to", "event", "purpose"].map { r[$0]?.plain ?? "" }) }
            return ConsoleReply(data: .array(rows), text: table.lines)
        }
    }

    static func book(_ stores: CultureStores) -> ConsoleCommand {
        let usage = "CULTURE VENUE BOOK <venue id> from=<2026-10-01T08:00> to=<time> purpose=\"<text>\""
        return ConsoleCommand("CULTURE VENUE BOOK", usage: usage,
                              summary: LocalizedText(en: "Book a venue for a time (no overlaps)", zh: "预订场地（时段不得重叠）"),
                              access: CultureAccess.write) { request in
            let a = request.arguments
            try a.only(["from", "to", "purpose", "on_behalf"], usage: usage)
            let from = try stores.time.parse(a["from"] ?? "", key: "from", usage: usage)
            let to = try stores.time.parse(a["to"] ?? "", key: "to", usage: usage)
            guard let purpose = a["purpose"], (1...100).contains(purpose.count) else {
                throw HuzhuError(.syntax, "say what the venue is for: purpose=\"…\" (usage: \(usage))", zh: "请写用途 purpose=。用法：\(usage)")
            }
            let venue = Int(try a.requiredID(0, usage: usage))
            let id = try await stores.venues.book(venue: venue, from: from, to: to, purpose: purpose, actor: try request.actor(), scope: request.scope)
            return ConsoleReply(data: ["booking": .int(Int(id)), "venue": .int(venue), "from": .string(stores.time.iso(from)), "to": .string(stores.time.iso(to))],
                                line: "OK venue booking \(id)")
        }
    }

    static func unbook(_ stores: CultureStores) -> ConsoleCommand {
        let usage = "CULTURE VENUE UNBOOK <venue booking id>"
        return ConsoleCommand("CULTURE VENUE UNBOOK", usage: usage, summary: LocalizedText(en: "Cancel a venue booking", zh: "取消场地预订"),
                              access: CultureAccess.write) { request in
            try request.arguments.only(["on_behalf"], usage: usage)
            let id = try request.arguments.requiredID(0, usage: usage)
            try await stores.venues.cancelBooking(id, actor: try request.actor(), scope: request.scope)
            return ConsoleReply(data: ["booking": .int(Int(id)), "cancelled": true], line: "OK venue booking \(id) cancelled")
        }
    }
}
