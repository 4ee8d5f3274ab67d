import Foundation
import HuzhuKit

/// What staff or a buyer's SMS give for a new demand.
struct NewDemand: Sendable {
    var buyer: Int64
    var crop: String
    var quantity: Double
    var unit: MarketUnit
    var price: Double?
    var neededBy: String?
    /// The centre of the delivery area; nil: the buyer's village.
    var village: Int?
    var radiusKm: Double?
}

extension MarketStore {
    /// Adds a buyer (merchant, canteen, supermarket, cooperative).
    func addBuyer(name: String, kind: String, member: Int64?, village: Int?, contact: String, actor: Actor) async throws -> JSONValue {
        try await store.write(as: actor, conflict: "member \(member.map(String.init) ?? "") is already a buyer") { tx in
            guard let id = try await tx.first(
                """
                INSERT INTO market_buyer (name, kind, member_id, village_id, contact)
                VALUES (\(name), \(kind), \(member), coalesce(\(village)::int, (SELECT village_id FROM member WHERE id = \(member))), \(contact))
                RETURNING id
                """, as: Int64.self) else { throw HuzhuError(.internal, "the buyer was not stored") }
            let json = try Self.decodeJSON(try await tx.first("SELECT row_to_json(b)::text FROM market_buyer b WHERE id = \(id)", as: String.self) ?? "{}")
            try await tx.audit("market.buyer.add", target: "market_buyer:\(id)", after: json)
            return json
        }
    }

    /// The buyer record of a member who sends 收购 by SMS, created the first time.
    func buyer(forMember member: Int64, actor: Actor) async throws -> Int64 {
        // Most 收购 come from buyers already known: one read, no transaction.
        let known = try await store.read { connection in
            try await connection.query("SELECT id FROM market_buyer WHERE member_id = \(member)", logger: logger).decode(Int64.self).firstElement()
        }
        if let known { return known }
        return try await store.write(as: actor) { tx in
            if let id = try await tx.first("SELECT id FROM market_buyer WHERE member_id = \(member)", as: Int64.self) { return id }
            guard let id = try await tx.first(
                """
                INSERT INTO market_buyer (name, kind, member_id, village_id)
                SELECT name, 'member', id, village_id FROM member WHERE id = \(member)
                ON CONFLICT (member_id) DO UPDATE SET name = EXCLUDED.name RETURNING id
                """, as: Int64.self) else { throw HuzhuError(.notFound, "no member \(member)") }
            try await tx.audit("market.buyer.add", target: "market_buyer:\(id)", after: ["member": .int(Int(member)), "kind": "member"])
            return id
        }
    }

    /// Creates a demand, audits it, emits `market.demand.created`, and proposes matching offers.
    func createDemand(_ new: NewDemand, actor: Actor, scope: [Int], today: String) async throws -> CreatedListing {
        let crop = try await crop(new.crop)
        let kgPerUnit = crop.kilograms(per: new.unit)
        let radius = new.radiusKm ?? settings.radiusKm
        let limit = settings.matchLimit
        return try await store.write(as: actor) { tx in
            guard let buyerVillage = try await tx.query("SELECT village_id FROM market_buyer WHERE id = \(new.buyer)").decode(Int?.self).firstElement() else {
                throw HuzhuError(.notFound, "no buyer \(new.buyer): see MARKET BUYER LIST", zh: "没有编号为\(new.buyer)的买家")
            }
            let village = new.village ?? buyerVillage
            if !scope.isEmpty { try Self.checkScope(village, scope) }
            guard let (id, jsonText) = try await tx.query(
                """
                INSERT INTO market_demand (buyer_id, crop, quantity, unit, kg_per_unit, price, needed_by, village_id, radius_km, created_by)
                VALUES (\(new.buyer), \(crop.name), \(new.quantity), \(new.unit.rawValue), \(kgPerUnit), \(new.price), \(new.neededBy)::date,
                        \(village), \(radius), \(actor.name))
                RETURNING id, row_to_json(market_demand)::text
                """).decode((Int64, String).self).firstElement() else { throw HuzhuError(.internal, "the demand was not stored") }
            let json = try Self.decodeJSON(jsonText)
            try await tx.audit("market.demand.add", target: "market_demand:\(id)", after: json)
            try await tx.emit(MarketDemandCreated(demand: id, buyer: new.buyer, crop: crop.name, quantity: new.quantity, unit: new.unit.rawValue,
                                                  price: new.price, village: village), publisher: "market")
            let matches = try await offersMatching(demand: id, limit: limit, today: today, connection: tx.connection)
            try await propose(matches, tx: tx)
            return CreatedListing(id: id, json: json, matches: matches)
        }
    }

    /// Cancels an open demand; `member` limits it to the buyer's own (SMS `取消`). Nil: no such demand.
    func cancelDemand(_ id: Int64, member: Int64?, actor: Actor, scope: [Int]) async throws -> (crop: String, previous: String)? {
        try await store.write(as: actor) { tx in
            guard let (crop, status, village) = try await tx.query(
                """
                SELECT d.crop, d.status, d.village_id FROM market_demand d JOIN market_buyer b ON b.id = d.buyer_id
                WHERE d.id = \(id) AND (\(member)::bigint IS NULL OR b.member_id = \(member)) FOR UPDATE OF d
                """).decode((String, String, Int?).self).firstElement() else { return nil }
            if !scope.isEmpty { try Self.checkScope(village, scope) }
            guard status == "open" else { return (crop, status) }
            try await tx.execute("UPDATE market_demand SET status = 'cancelled' WHERE id = \(id)")
            try await tx.execute("UPDATE market_match SET status = 'dismissed' WHERE demand_id = \(id) AND status = 'proposed'")
            try await tx.audit("market.demand.cancel", target: "market_demand:\(id)", before: ["status": .string(status)], after: ["status": "cancelled"])
            return (crop, "open")
        }
    }
}
