import Foundation
import HuzhuKit

struct NewDeal: Sendable {
    var offer: Int64
    var buyer: Int64
    /// In the offer's unit.
    var quantity: Double
    /// Yuan per offer unit; nil: the offer's price.
    var price: Double?
    var demand: Int64?
    var match: Int64?
}

extension MarketStore {
    /// Reserves `quantity` of an offer for a buyer. The reservation is one guarded UPDATE (the row lock
    /// orders concurrent deals; the WHERE re-checks what is left after the lock), backed by the table's
    /// CHECK (reserved <= quantity): an offer is never oversold.
    func createDeal(_ new: NewDeal, actor: Actor, scope: [Int]) async throws -> JSONValue {
        try await store.write(as: actor, conflict: "offer \(new.offer) does not hold that much") { tx in
            let reserved = try await tx.query(
                """
                UPDATE market_offer SET reserved = reserved + \(new.quantity),
                       status = CASE WHEN reserved + \(new.quantity) >= quantity THEN 'sold' ELSE status END
                WHERE id = \(new.offer) AND status = 'open' AND reserved + \(new.quantity) <= quantity
                  AND (cardinality(\(scope)::int[]) = 0 OR village_id = ANY(\(scope)::int[]))
                RETURNING member_id, crop, unit, price, quantity - reserved
                """).decode((Int64, String, String, Double?, Double).self).firstElement()
            guard let (farmer, crop, unitText, offerPrice, left) = reserved else { throw try await whyNotReserved(new, scope: scope, tx: tx) }
            guard let price = new.price ?? offerPrice else {
                throw HuzhuError(.invalid, "offer \(new.offer) has no price (面议): give price=<yuan per \(unitText)>", zh: "供货\(new.offer)号价格面议，请写 price=单价")
            }
            // A deal made from a match serves the match's demand.
            guard let (id, demand) = try await tx.query(
                """
                INSERT INTO market_deal (offer_id, buyer_id, demand_id, match_id, quantity, price, created_by)
                VALUES (\(new.offer), \(new.buyer), coalesce(\(new.demand)::bigint, (SELECT demand_id FROM market_match WHERE id = \(new.match))),
                        \(new.match), \(new.quantity), \(price), \(actor.name))
                RETURNING id, demand_id
                """).decode((Int64, Int64?).self).firstElement() else { throw HuzhuError(.internal, "the deal was not stored") }
            if let match = new.match {
                // The match must be this offer's: an unrelated match would fill someone else's demand.
                guard try await tx.query(
                    "UPDATE market_match SET status = 'dealt' WHERE id = \(match) AND offer_id = \(new.offer) RETURNING id").decode(Int64.self).firstElement() != nil else {
                    throw HuzhuError(.invalid, "match \(match) is not a match of offer \(new.offer): see MARKET MATCH LIST offer=\(new.offer)",
                                     zh: "匹配\(match)不属于供货\(new.offer)号")
                }
            }
            if let demand { try await fillIfCovered(demand, tx: tx) }
            let unit = MarketUnit(rawValue: unitText) ?? .jin
            let json: JSONValue = ["id": .int(Int(id)), "offer": .int(Int(new.offer)), "buyer": .int(Int(new.buyer)), "crop": .string(crop),
                                   "quantity": .double(new.quantity), "unit": .string(unitText), "price": .double(price),
                                   "status": "reserved", "offer_left": .double(left)]
            try await tx.audit("market.deal.add", target: "market_deal:\(id)", after: json)
            try await tx.notify(member: farmer, LocalizedText(
                en: "Offer \(new.offer): \(MarketFormat.number(new.quantity))\(unit.en) \(crop) sold at \(MarketFormat.number(price))/\(unit.en). Staff arrange delivery.",
                zh: "供货\(new.offer)号已成交\(crop)\(MarketFormat.number(new.quantity))\(unit.zh)，\(MarketFormat.number(price))元/\(unit.zh)。服务中心将安排交货。"))
            return json
        }
    }

    /// A demand whose deals (not cancelled) cover its quantity in kg is filled: it stops matching.
    private func fillIfCovered(_ demand: Int64, tx: WriteTransaction) async throws {
        guard try await tx.first(
            """
            UPDATE market_demand d SET status = 'filled'
            WHERE d.id = \(demand) AND d.status = 'open' AND d.kg_per_unit IS NOT NULL
              AND (SELECT coalesce(sum(x.quantity * o.kg_per_unit), 0) FROM market_deal x JOIN market_offer o ON o.id = x.offer_id
                   WHERE x.demand_id = d.id AND x.status <> 'cancelled') >= d.quantity * d.kg_per_unit
            RETURNING 1
            """, as: Int.self) != nil else { return }
        try await tx.audit("market.demand.fill", target: "market_demand:\(demand)", before: ["status": "open"], after: ["status": "filled"])
    }

    /// Says why a reservation did not happen: no such offer, not yours, not open, or not enough left.
    private func whyNotReserved(_ new: NewDeal, scope: [Int], tx: WriteTransaction) async throws -> HuzhuError {
        guard let (status, left, unit, village) = try await tx.query(
            "SELECT status, quantity - reserved, unit, village_id FROM market_offer WHERE id = \(new.offer)").decode((String, Double, String, Int).self).firstElement() else {
            return HuzhuError(.notFound, "no offer \(new.offer): see MARKET OFFER LIST", zh: "没有编号为\(new.offer)的供货")
        }
        try Self.checkScope(village, scope)
        guard status == "open" else {
            return HuzhuError(.conflict, "offer \(new.offer) is \(status), not open for deals", zh: "供货\(new.offer)号状态为\(status)，不能成交")
        }
        return HuzhuError(.conflict, "offer \(new.offer) has only \(MarketFormat.number(left, decimals: 3)) \(unit) left, not \(MarketFormat.number(new.quantity, decimals: 3))",
                          zh: "供货\(new.offer)号只剩\(MarketFormat.number(left, decimals: 3))\((MarketUnit(rawValue: unit) ?? .jin).zh)，不够\(MarketFormat.number(new.quantity, decimals: 3))")
    }

    /// Marks a reserved deal delivered.
    func deliverDeal(_ id: Int64, actor: Actor, scope: [Int]) async throws -> JSONValue {
        try await store.write(as: actor) { tx in
            try await lockDeal(id, scope: scope, allowed: ["reserved"], tx: tx)
            try await tx.execute("UPDATE market_deal SET status = 'delivered' WHERE id = \(id)")
            try await tx.audit("market.deal.deliver", target: "market_deal:\(id)", before: ["status": "reserved"], after: ["status": "delivered"])
            return ["id": .int(Int(id)), "status": "delivered"]
        }
    }

    /// Settles a deal: amount, commission (the offer's rate: 代销 carries one), paid; the price becomes an
    /// observation (per kg, when the unit's weight is known); the seller is told; `market.deal.settled`.
    func settleDeal(_ id: Int64, paid: Bool, market: String?, actor: Actor, scope: [Int], today: String) async throws -> JSONValue {
        try await store.write(as: actor) { tx in
            try await lockDeal(id, scope: scope, allowed: ["reserved", "delivered"], tx: tx)
            guard let (offer, buyer, farmer, household, crop, quantity, unitText, price, kgPerUnit, amount, commission, consigned, buyerName) = try await tx.query(
                """
                UPDATE market_deal d SET status = 'settled', paid = \(paid), settled_at = now(),
                       amount = round((d.quantity * d.price)::numeric, 2)::float8,
                       commission = round((d.quantity * d.price * o.commission_pct / 100)::numeric, 2)::float8
                FROM market_offer o, market_buyer b
                WHERE d.id = \(id) AND o.id = d.offer_id AND b.id = d.buyer_id
                RETURNING o.id, d.buyer_id, o.member_id, o.household_id, o.crop, d.quantity, o.unit, d.price, o.kg_per_unit,
                          d.amount, d.commission, o.consigned, b.name
                """).decode((Int64, Int64, Int64, Int64?, String, Double, String, Double, Double?, Double, Double, Bool, String).self).firstElement() else {
                throw HuzhuError(.internal, "the deal was not settled")
            }
            if let kgPerUnit {
                try await tx.execute(
                    """
                    INSERT INTO market_price (market, crop, price_per_kg, observed_on, source, deal_id, created_by)
                    VALUES (\(market ?? buyerName), \(crop), \(price / kgPerUnit), \(today)::date, 'deal', \(id), \(actor.name))
                    """)
            }
            let unit = MarketUnit(rawValue: unitText) ?? .jin
            let event = MarketDealSettled(deal: id, offer: offer, buyer: buyer, member: farmer, household: household, crop: crop,
                                          quantity: quantity, unit: unitText, price: price, amount: amount, commission: commission,
                                          paid: paid, consigned: consigned)
            try await tx.audit("market.deal.settle", target: "market_deal:\(id)", after: event.json)
            try await tx.emit(event, publisher: "market")
            let net = MarketFormat.number(amount - commission)
            try await tx.notify(member: farmer, LocalizedText(
                en: "Offer \(offer) settled: \(MarketFormat.number(quantity))\(unit.en) \(crop), \(MarketFormat.number(amount)) yuan, fee \(MarketFormat.number(commission)), net \(net).",
                zh: "供货\(offer)号已结算：\(crop)\(MarketFormat.number(quantity))\(unit.zh)，货款\(MarketFormat.number(amount))元，佣金\(MarketFormat.number(commission))元，实得\(net)元。"))
            return event.json
        }
    }

    /// Cancels a deal not yet settled and gives its quantity back to the offer.
    func cancelDeal(_ id: Int64, actor: Actor, scope: [Int]) async throws -> JSONValue {
        try await store.write(as: actor) { tx in
            let status = try await lockDeal(id, scope: scope, allowed: ["reserved", "delivered"], tx: tx)
            guard let (offer, quantity) = try await tx.query(
                "UPDATE market_deal SET status = 'cancelled' WHERE id = \(id) RETURNING offer_id, quantity").decode((Int64, Double).self).firstElement() else {
                throw HuzhuError(.internal, "the deal was not cancelled")
            }
            try await tx.execute(
                """
                UPDATE market_offer SET reserved = greatest(reserved - \(quantity), 0),
                       status = CASE WHEN status = 'sold' THEN 'open' ELSE status END
                WHERE id = \(offer)
                """)
            try await tx.audit("market.deal.cancel", target: "market_deal:\(id)", before: ["status": .string(status)], after: ["status": "cancelled"])
            return ["id": .int(Int(id)), "status": "cancelled", "offer": .int(Int(offer)), "released": .double(quantity)]
        }
    }

    /// Locks a deal, checking it exists, is in the caller's villages and in one of `allowed` states.
    @discardableResult
    private func lockDeal(_ id: Int64, scope: [Int], allowed: Set<String>, tx: WriteTransaction) async throws -> String {
        guard let (status, village) = try await tx.query(
            "SELECT d.status, o.village_id FROM market_deal d JOIN market_offer o ON o.id = d.offer_id WHERE d.id = \(id) FOR UPDATE OF d"
        ).decode((String, Int).self).firstElement() else {
            throw HuzhuError(.notFound, "no deal \(id): see MARKET DEAL LIST", zh: "没有编号为\(id)的成交")
        }
        try Self.checkScope(village, scope)
        guard allowed.contains(status) else {
            throw HuzhuError(.conflict, "deal \(id) is \(status): only \(allowed.sorted().joined(separator: " or ")) deals can do that",
                             zh: "成交\(id)号状态为\(status)，不能这样操作")
        }
        return status
    }
}
