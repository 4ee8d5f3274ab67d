import Foundation
import HuzhuKit

/// What staff or a farmer's SMS give for a new offer.
struct NewOffer: Sendable {
    var member: Int64?
    var household: Int64?
    var crop: String
    var variety = ""
    var grade = ""
    var quantity: Double
    var unit: MarketUnit
    var price: Double?
    var from: String?
    var until: String?
    /// 代销: staff sell for a household without labour.
    var consigned = false
    var commissionPct: Double?
    /// The seller's village and household when already known (an SMS from them): not read again.
    var sellerPlace: (village: Int, household: Int64?)?
}

/// An offer as created, with the matches proposed for it.
struct CreatedListing: Sendable {
    var id: Int64
    var json: JSONValue
    var matches: [MatchCandidate]
}

extension MarketStore {
    /// Creates an offer, audits it, emits `market.offer.created`, and proposes matching demands (SMS to
    /// both sides, `market.match.found`), all in one transaction.
    func createOffer(_ new: NewOffer, actor: Actor, scope: [Int], today: String) async throws -> CreatedListing {
        let crop = try await crop(new.crop)
        let kgPerUnit = crop.kilograms(per: new.unit)
        return try await store.write(as: actor) { tx in
            let (member, household, village) = try await seller(new, actor: actor, tx: tx)
            try Self.checkScope(village, scope)
            let commission = new.consigned ? (new.commissionPct ?? settings.consignCommissionPct) : (new.commissionPct ?? 0)
            // The row comes back as the audit's JSON with its id: no second read.
            guard let (id, jsonText) = try await tx.query(
                """
                INSERT INTO market_offer (member_id, household_id, village_id, crop, variety, grade, quantity, unit, kg_per_unit, price,
                                          available_from, available_until, consigned, commission_pct, created_by)
                VALUES (\(member), \(household), \(village), \(crop.name), \(new.variety), \(new.grade), \(new.quantity), \(new.unit.rawValue),
                        \(kgPerUnit), \(new.price), coalesce(\(new.from)::date, \(today)::date),
                        coalesce(\(new.until)::date, coalesce(\(new.from)::date, \(today)::date) + \(settings.offerDays)::int), \(new.consigned),
                        \(commission), \(actor.name))
                RETURNING id, row_to_json(market_offer)::text
                """).decode((Int64, String).self).firstElement() else { throw HuzhuError(.internal, "the offer was not stored") }
            let json = try Self.decodeJSON(jsonText)
            // 代销 is named apart in the audit log, so the households helped can be traced (村务公开).
            try await tx.audit(new.consigned ? "market.offer.consign" : "market.offer.add", target: "market_offer:\(id)", after: json)
            try await tx.emit(MarketOfferCreated(offer: id, member: member, household: household, village: village, crop: crop.name,
                                                 quantity: new.quantity, unit: new.unit.rawValue, price: new.price, consigned: new.consigned),
                              publisher: "market")
            let matches = try await demandsMatching(offer: id, tx: tx)
            try await propose(matches, tx: tx)
            return CreatedListing(id: id, json: json, matches: matches)
        }
    }

    /// Who sells and from where: the member (and household) for an ordinary offer; the household without
    /// labour (and a member of it to write to) for a consigned one.
    private func seller(_ new: NewOffer, actor: Actor, tx: WriteTransaction) async throws -> (Int64, Int64?, Int) {
        if new.consigned {
            guard let household = new.household else {
                throw HuzhuError(.syntax, "a consigned offer (代销) names the household: household=<id>", zh: "代销需写明农户：household=编号")
            }
            guard let (village, noLabour, firstMember) = try await tx.query(
                "SELECT village_id, no_labour, (SELECT min(id) FROM member WHERE household_id = h.id) FROM household h WHERE id = \(household)"
            ).decode((Int, Bool, Int64?).self).firstElement() else {
                throw HuzhuError(.notFound, "no household \(household)", zh: "没有编号为\(household)的农户")
            }
            guard noLabour else {
                throw HuzhuError(.invalid, "household \(household) is not registered as without labour (无劳力户): HOUSEHOLD EDIT \(household) no_labour=yes first",
                                 zh: "农户\(household)未登记为无劳力户，请先 HOUSEHOLD EDIT \(household) no_labour=yes")
            }
            guard let member = new.member ?? actor.onBehalfOf ?? firstMember else {
                throw HuzhuError(.invalid, "household \(household) has no member to sell for: add one with MEMBER ADD", zh: "农户\(household)没有登记成员")
            }
            return (member, household, village)
        }
        guard let member = new.member ?? actor.onBehalfOf else {
            throw HuzhuError(.syntax, "name the seller: member=<id> (or household=<id> consign=yes for 代销)", zh: "请写明卖方：member=编号（代销用 household=编号 consign=yes）")
        }
        if let known = new.sellerPlace { return (member, new.household ?? known.household, known.village) }
        guard let (village, household) = try await tx.query(
            "SELECT village_id, household_id FROM member WHERE id = \(member)").decode((Int, Int64?).self).firstElement() else {
            throw HuzhuError(.notFound, "no member \(member)", zh: "没有编号为\(member)的成员")
        }
        return (member, new.household ?? household, village)
    }

    /// Cancels an open offer. `member` limits it to the seller's own (SMS `取消`); nil for staff.
    /// Returns nil when there is no such offer (for that member); `previous` is "open" when it was cancelled now.
    func cancelOffer(_ id: Int64, member: Int64?, actor: Actor, scope: [Int]) async throws -> (crop: String, previous: String)? {
        try await store.write(as: actor) { tx in
            guard let (crop, status, village) = try await tx.query(
                """
                SELECT crop, status, village_id FROM market_offer
                WHERE id = \(id) AND (\(member)::bigint IS NULL OR member_id = \(member)) FOR UPDATE
                """).decode((String, String, Int).self).firstElement() else { return nil }
            try Self.checkScope(village, scope)
            guard status == "open" else { return (crop, status) }
            try await tx.execute("UPDATE market_offer SET status = 'cancelled' WHERE id = \(id)")
            try await tx.execute("UPDATE market_match SET status = 'dismissed' WHERE offer_id = \(id) AND status = 'proposed'")
            try await tx.audit("market.offer.cancel", target: "market_offer:\(id)", before: ["status": .string(status)], after: ["status": "cancelled"])
            return (crop, "open")
        }
    }

    /// Open listings past their dates expire (a daily job).
    func expireListings(today: String) async throws -> (offers: Int, demands: Int) {
        try await store.write(as: Actor("plugin:market")) { tx in
            var offers = 0, demands = 0
            for try await _ in try await tx.query(
                "UPDATE market_offer SET status = 'expired' WHERE status = 'open' AND available_until < \(today)::date RETURNING id").decode(Int64.self) { offers += 1 }
            for try await _ in try await tx.query(
                "UPDATE market_demand SET status = 'expired' WHERE status = 'open' AND needed_by < \(today)::date RETURNING id").decode(Int64.self) { demands += 1 }
            if offers + demands > 0 {
                try await tx.audit("market.expire", target: "market:\(today)", after: ["offers": .int(offers), "demands": .int(demands)])
            }
            return (offers, demands)
        }
    }
}
