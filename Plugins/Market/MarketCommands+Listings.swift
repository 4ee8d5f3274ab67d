import Foundation
import HuzhuKit

/// `MARKET OFFER …`, `MARKET DEMAND …`, `MARKET MATCH …`.
extension MarketCommands {
    static func listings(_ market: MarketStore) -> [ConsoleCommand] {
        let offerAdd = "MARKET OFFER ADD crop=<crop> quantity=<n> unit=jin|kg|t|piece|box (member=<id> | household=<id> consign=yes [commission=<pct>]) [price=<yuan per unit>] [variety=] [grade=] [from=YYYY-MM-DD] [until=YYYY-MM-DD] [on_behalf=<member>]"
        let offerList = "MARKET OFFER LIST [crop=] [village=<id>] [status=open|sold|cancelled|expired|all] [limit=50]"
        let demandAdd = "MARKET DEMAND ADD buyer=<id> crop=<crop> quantity=<n> unit=jin|kg|t|piece|box [price=<yuan per unit>] [by=YYYY-MM-DD] [village=<id>] [radius=<km>]"
        let demandList = "MARKET DEMAND LIST [crop=] [status=open|filled|cancelled|expired|all] [limit=50]"
        let matchFind = "MARKET MATCH FIND <demand id> [limit=10]"
        let matchList = "MARKET MATCH LIST [offer=<id>] [demand=<id>] [status=proposed|dealt|dismissed|all] [limit=50]"
        return [
            ConsoleCommand(
                "MARKET OFFER ADD", usage: offerAdd,
                summary: LocalizedText(en: "List produce for a member, or consign it for a household without labour (代销)", zh: "登记供货；或为无劳力户代销"),
                access: writers
            ) { request in
                let a = request.arguments
                try a.only(["crop", "quantity", "unit", "member", "household", "consign", "commission", "price", "variety", "grade", "from", "until", "on_behalf"], usage: offerAdd)
                let consigned = try a.bool("consign", usage: offerAdd) ?? false
                let commission = try a.double("commission", usage: offerAdd)
                if let commission, !(0...50).contains(commission) {
                    throw HuzhuError(.invalid, "commission=\(commission) must be 0 to 50 (percent)", zh: "佣金比例应为 0-50（%）")
                }
                let offer = NewOffer(
                    member: try id(a, "member", usage: offerAdd), household: try id(a, "household", usage: offerAdd),
                    crop: try required(a, "crop", usage: offerAdd), variety: a["variety"] ?? "", grade: a["grade"] ?? "",
                    quantity: try requiredPositive(a, "quantity", usage: offerAdd),
                    unit: try requiredUnit(a, usage: offerAdd),
                    price: try positive(a, "price", usage: offerAdd), from: try date(a, "from", usage: offerAdd), until: try date(a, "until", usage: offerAdd),
                    consigned: consigned, commissionPct: commission)
                // Staff listing a member's produce act on that member's behalf (全程代理), as the audit shows.
                var actor = try request.actor()
                if actor.onBehalfOf == nil, let member = offer.member { actor = actor.onBehalf(of: member) }
                let created = try await market.createOffer(offer, actor: actor, scope: request.scope, today: market.today)
                return ConsoleReply(data: ["offer": created.json, "matches": .array(created.matches.map(\.json))],
                                    line: "OK offer \(created.id) listed, \(created.matches.count) match(es)")
            },
            ConsoleCommand("MARKET OFFER LIST", usage: offerList, summary: LocalizedText(en: "Offers, newest first", zh: "供货列表"), access: readers) { request in
                let a = request.arguments
                try a.only(["crop", "village", "status", "limit"], usage: offerList)
                let list = try await market.offers(
                    crop: a["crop"].map(market.canonicalCrop), village: try a.int("village", usage: offerList),
                    status: try status(a, allowed: ["open", "sold", "cancelled", "expired"], default: "open", usage: offerList),
                    limit: try limit(a, usage: offerList), scope: request.scope)
                return rows(list, ["id", "seller", "village", "crop", "quantity", "left", "unit", "price", "status", "consigned"])
            },
            ConsoleCommand("MARKET OFFER CANCEL", usage: "MARKET OFFER CANCEL <id>", summary: LocalizedText(en: "Withdraw an open offer", zh: "撤销供货"),
                           access: writers) { request in
                try request.arguments.only(["on_behalf"], usage: "MARKET OFFER CANCEL <id>")
                let id = try request.arguments.requiredID(0, usage: "MARKET OFFER CANCEL <id>")
                // Withdrawing is the seller's decision, as listing was: staff act on their behalf (全程代理). The
                // seller of an offer never changes; a missing or out-of-scope offer is refused by the cancel itself.
                var actor = try request.actor()
                if actor.onBehalfOf == nil, let seller = try await market.store.read({ connection in
                    try await connection.query("SELECT member_id FROM market_offer WHERE id = \(id)", logger: market.logger).decode(Int64.self).firstElement()
                }) {
                    actor = actor.onBehalf(of: seller)
                }
                guard let (_, previous) = try await market.cancelOffer(id, member: nil, actor: actor, scope: request.scope) else {
                    throw HuzhuError(.notFound, "no offer \(id)", zh: "没有编号为\(id)的供货")
                }
                guard previous == "open" else { throw HuzhuError(.conflict, "offer \(id) is \(previous), not open", zh: "供货\(id)号状态为\(previous)") }
                return ConsoleReply(data: ["id": .int(Int(id)), "status": "cancelled"], line: "OK offer \(id) cancelled")
            },
            ConsoleCommand("MARKET DEMAND ADD", usage: demandAdd, summary: LocalizedText(en: "Record what a buyer wants (收购)", zh: "登记买家收购需求"),
                           access: writers) { request in
                let a = request.arguments
                try a.only(["buyer", "crop", "quantity", "unit", "price", "by", "village", "radius", "on_behalf"], usage: demandAdd)
                guard let buyer = try id(a, "buyer", usage: demandAdd) else {
                    throw HuzhuError(.syntax, "missing buyer=: usage: \(demandAdd)", zh: "缺少 buyer=。用法：\(demandAdd)")
                }
                let demand = NewDemand(
                    buyer: buyer, crop: try required(a, "crop", usage: demandAdd), quantity: try requiredPositive(a, "quantity", usage: demandAdd),
                    unit: try requiredUnit(a, usage: demandAdd),
                    price: try positive(a, "price", usage: demandAdd), neededBy: try date(a, "by", usage: demandAdd),
                    village: try a.int("village", usage: demandAdd), radiusKm: try positive(a, "radius", usage: demandAdd))
                let created = try await market.createDemand(demand, actor: try request.actor(), scope: request.scope, today: market.today)
                return ConsoleReply(data: ["demand": created.json, "matches": .array(created.matches.map(\.json))],
                                    line: "OK demand \(created.id) listed, \(created.matches.count) match(es)")
            },
            ConsoleCommand("MARKET DEMAND LIST", usage: demandList, summary: LocalizedText(en: "Buyers' demands, newest first", zh: "收购需求列表"), access: readers) { request in
                let a = request.arguments
                try a.only(["crop", "status", "limit"], usage: demandList)
                let list = try await market.demands(
                    crop: a["crop"].map(market.canonicalCrop), status: try status(a, allowed: ["open", "filled", "cancelled", "expired"], default: "open", usage: demandList),
                    limit: try limit(a, usage: demandList), scope: request.scope)
                return rows(list, ["id", "buyer_name", "crop", "quantity", "unit", "price", "needed_by", "village", "status"])
            },
            ConsoleCommand("MARKET DEMAND CANCEL", usage: "MARKET DEMAND CANCEL <id>", summary: LocalizedText(en: "Withdraw an open demand", zh: "撤销收购需求"),
                           access: writers) { request in
                try request.arguments.only(["on_behalf"], usage: "MARKET DEMAND CANCEL <id>")
                let id = try request.arguments.requiredID(0, usage: "MARKET DEMAND CANCEL <id>")
                guard let (_, previous) = try await market.cancelDemand(id, member: nil, actor: try request.actor(), scope: request.scope) else {
                    throw HuzhuError(.notFound, "no demand \(id)", zh: "没有编号为\(id)的收购需求")
                }
                guard previous == "open" else { throw HuzhuError(.conflict, "demand \(id) is \(previous), not open", zh: "收购\(id)号状态为\(previous)") }
                return ConsoleReply(data: ["id": .int(Int(id)), "status": "cancelled"], line: "OK demand \(id) cancelled")
            },
            ConsoleCommand("MARKET MATCH FIND", usage: matchFind,
                           summary: LocalizedText(en: "Open offers that fit a demand now, nearest and cheapest first", zh: "查找符合某收购需求的供货（近者、便宜者优先）"),
                           access: readers) { request in
                try request.arguments.only(["limit"], usage: matchFind)
                let demand = try request.arguments.requiredID(0, usage: matchFind)
                let limit = min(max(try request.arguments.int("limit", usage: matchFind) ?? 10, 1), 100)
                let today = market.today
                let scope = request.scope
                // One query in the common case (an unscoped caller, offers found); the demand's village is read
                // only to check a cadre's scope or to tell a missing demand from one with no fitting offers.
                let found = try await market.store.read { connection in
                    return try await market.offersMatching(demand: demand, limit: limit, today: today, scope: scope, connection: connection)
                }
                if !scope.isEmpty || found.isEmpty {
                    let village = try await market.store.read { connection in
                        try await connection.query(
                            "SELECT village_id FROM market_demand WHERE id = \(demand)", logger: market.logger).decode(Int?.self).firstElement()
                    }
                    guard let village else { throw HuzhuError(.notFound, "no demand \(demand): see MARKET DEMAND LIST", zh: "没有编号为\(demand)的收购需求") }
                    if !scope.isEmpty { try MarketStore.checkScope(village, scope) }
                }
                return rows(found.map(\.json), ["offer", "crop", "quantity", "unit", "price", "distance_km"])
            },
            ConsoleCommand("MARKET MATCH LIST", usage: matchList, summary: LocalizedText(en: "Matches the hub proposed", zh: "系统推荐的匹配"), access: readers) { request in
                let a = request.arguments
                try a.only(["offer", "demand", "status", "limit"], usage: matchList)
                let list = try await market.matches(
                    offer: try id(a, "offer", usage: matchList), demand: try id(a, "demand", usage: matchList),
                    status: try status(a, allowed: ["proposed", "dealt", "dismissed"], default: "proposed", usage: matchList),
                    limit: try limit(a, usage: matchList), scope: request.scope)
                return rows(list, ["id", "offer", "demand", "crop", "offer_left", "unit", "offer_price", "demand_price", "distance_km", "status"])
            },
        ]
    }
}
