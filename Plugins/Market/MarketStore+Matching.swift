import Foundation
import HuzhuKit

/// An offer and a demand that fit: same crop, the offer's price per kg within the buyer's (plus a
/// tolerance), enough quantity to matter, and the offer's village within the demand's delivery radius.
struct MatchCandidate: Sendable {
    var offer: Int64
    var demand: Int64
    var farmer: Int64
    /// The buyer's member record, when the buyer can get SMS.
    var buyerMember: Int64?
    var crop: String
    /// In the offer's unit: what the offer has left, or the demand's need if smaller.
    var quantity: Double
    var unit: MarketUnit
    /// The offer's price per unit, else the buyer's converted to the offer's unit.
    var price: Double?
    var distanceKm: Double?

    var json: JSONValue {
        ["offer": .int(Int(offer)), "demand": .int(Int(demand)), "crop": .string(crop), "quantity": .double(quantity),
         "unit": .string(unit.rawValue), "price": price.map(JSONValue.double) ?? .null,
         "distance_km": distanceKm.map { .double(MarketFormat.money($0)) } ?? .null]
    }
}

extension MarketStore {
    private typealias CandidateRow = (Int64, Int64, Int64, Int64?, String, Double, String, Double?, Double?, Double?, Double?, Double?)

    /// Open demands a (just created) offer fits, nearest first, then best-paying.
    ///
    /// Village by village in order of distance, the few best-paying fitting demands of each through
    /// `market_demand_village_idx`, so the cost follows the number of villages, not of open demands (a
    /// buyer without a village comes last, as its distance is unknown).
    func demandsMatching(offer: Int64, tx: WriteTransaction) async throws -> [MatchCandidate] {
        // Prepared: planning this join took PostgreSQL longer than running it.
        enum DemandsMatching: PreparedStatementName {}
        let rows = try await tx.connection.prepared(DemandsMatching.self,
            """
            WITH o AS (
                SELECT o.id, o.member_id, o.crop, o.quantity - o.reserved AS left_over, o.unit, o.kg_per_unit, o.price, o.price_per_kg,
                       o.available_from, vo.latitude, vo.longitude
                FROM market_offer o LEFT JOIN village vo ON vo.id = o.village_id WHERE o.id = \(offer)
            ), near AS (
                SELECT v.id, market_km(o.latitude, o.longitude, v.latitude, v.longitude) AS km FROM o, village v
                UNION ALL SELECT 0, NULL  -- buyers without a village (market_demand_village_idx files them under 0)
            )
            SELECT o.id, d.id, o.member_id, b.member_id, o.crop, o.left_over, o.unit, o.kg_per_unit, o.price,
                   d.quantity * d.kg_per_unit, d.price_per_kg, near.km
            FROM o CROSS JOIN near
            CROSS JOIN LATERAL (
                SELECT d.* FROM market_demand d
                WHERE d.crop = o.crop AND d.status = 'open' AND coalesce(d.village_id, 0) = near.id
                  AND (near.km IS NULL OR near.km <= d.radius_km)
                  AND (d.needed_by IS NULL OR d.needed_by >= o.available_from)
                  AND (o.price_per_kg IS NULL OR d.price_per_kg IS NULL OR o.price_per_kg <= d.price_per_kg * (1 + \(settings.priceTolerancePct) / 100))
                  AND (o.kg_per_unit IS NULL OR d.kg_per_unit IS NULL
                       OR o.left_over * o.kg_per_unit >= d.quantity * d.kg_per_unit * \(settings.minSharePct) / 100)
                ORDER BY d.price_per_kg DESC NULLS LAST, d.id
                LIMIT \(settings.matchLimit)
            ) d
            JOIN market_buyer b ON b.id = d.buyer_id
            ORDER BY near.km NULLS LAST, d.price_per_kg DESC NULLS LAST, d.id
            LIMIT \(settings.matchLimit)
            """, logger: tx.logger)
        return try await candidates(rows.decode(CandidateRow.self))
    }

    /// Open offers that fit a demand, nearest and cheapest first: the query behind `MARKET MATCH FIND` and
    /// the matching of new demands (measured in market-bench with 100,000 offers).
    ///
    /// First the nearest few villages in one plain statement (the cheapest fitting offers of each through
    /// `market_offer_village_idx`); only when they hold too few does `market_offers_for_demand` walk every
    /// village within the radius (PL/pgSQL, see `MarketSchema.offerVillageIndex`).
    ///
    /// `scope` (a cadre's villages; empty: all) keeps the offers to those villages: then the first statement
    /// reads every village of the scope within the radius, so it alone is complete.
    func offersMatching(demand: Int64, limit: Int, today: String, scope: [Int] = [], connection: PostgresConnection) async throws -> [MatchCandidate] {
        enum OffersNearest: PreparedStatementName {}
        let nearest = try await candidates(connection.prepared(OffersNearest.self,
            """
            WITH d AS (
                SELECT d.id, d.crop, d.needed_by, d.price_per_kg, d.radius_km, d.quantity * d.kg_per_unit AS kg,
                       b.member_id AS buyer_member, vd.latitude, vd.longitude
                FROM market_demand d JOIN market_buyer b ON b.id = d.buyer_id LEFT JOIN village vd ON vd.id = d.village_id
                WHERE d.id = \(demand)
            ), near AS (
                SELECT n.id, n.km FROM (SELECT v.id, market_km(v.latitude, v.longitude, d.latitude, d.longitude) AS km FROM d, village v) n, d
                WHERE (n.km IS NULL OR n.km <= d.radius_km) AND (cardinality(\(scope)::int[]) = 0 OR n.id = ANY(\(scope)::int[]))
                ORDER BY n.km NULLS LAST, n.id LIMIT \(scope.isEmpty ? Self.nearestVillages : scope.count)
            )
            SELECT o.id, d.id, o.member_id, d.buyer_member, o.crop, o.quantity - o.reserved, o.unit, o.kg_per_unit, o.price,
                   d.kg, d.price_per_kg, near.km
            FROM d CROSS JOIN near
            CROSS JOIN LATERAL (
                SELECT o.* FROM market_offer o
                WHERE o.crop = d.crop AND o.village_id = near.id AND o.status = 'open'
                  AND (o.available_until IS NULL OR o.available_until >= \(today)::date)
                  AND (d.needed_by IS NULL OR o.available_from <= d.needed_by)
                  AND (o.price_per_kg IS NULL OR d.price_per_kg IS NULL OR o.price_per_kg <= d.price_per_kg * (1 + \(settings.priceTolerancePct)::float8 / 100))
                  AND (o.kg_per_unit IS NULL OR d.kg IS NULL OR (o.quantity - o.reserved) * o.kg_per_unit >= d.kg * \(settings.minSharePct)::float8 / 100)
                ORDER BY o.price_per_kg NULLS LAST, o.id
                LIMIT \(limit)
            ) o
            ORDER BY near.km NULLS LAST, near.id, o.price_per_kg NULLS LAST, o.id
            LIMIT \(limit)
            """, logger: logger).decode(CandidateRow.self))
        guard nearest.count < limit, scope.isEmpty else { return nearest }
        let rows = try await connection.query(
            """
            SELECT f.r_offer, d.id, f.r_member, b.member_id, d.crop, f.r_left, f.r_unit, f.r_kg_per_unit, f.r_price,
                   d.quantity * d.kg_per_unit, d.price_per_kg, f.r_km
            FROM market_demand d JOIN market_buyer b ON b.id = d.buyer_id
            CROSS JOIN LATERAL market_offers_for_demand(d.id, \(limit)::int, \(today)::date, \(settings.priceTolerancePct)::float8,
                                                        \(settings.minSharePct)::float8) f
            WHERE d.id = \(demand)
            """, logger: logger)
        return try await candidates(rows.decode(CandidateRow.self))
    }

    /// How many of the nearest villages the first, plain statement reads.
    static let nearestVillages = 8

    private func candidates<S: AsyncSequence>(_ rows: S) async throws -> [MatchCandidate] where S.Element == CandidateRow {
        var found: [MatchCandidate] = []
        for try await (offer, demand, farmer, buyerMember, crop, left, unitText, kgPerUnit, price, demandKg, demandPerKg, km) in rows {
            let unit = MarketUnit(rawValue: unitText) ?? .jin
            var quantity = left
            if let kgPerUnit, let demandKg { quantity = min(left, demandKg / kgPerUnit) }
            var offered = price
            if offered == nil, let demandPerKg, let kgPerUnit { offered = demandPerKg * kgPerUnit }
            found.append(MatchCandidate(offer: offer, demand: demand, farmer: farmer, buyerMember: buyerMember, crop: crop,
                                        quantity: (quantity * 1000).rounded() / 1000, unit: unit,
                                        price: offered.map(MarketFormat.money), distanceKm: km))
        }
        return found
    }

    /// Records proposed matches (once per offer and demand), tells both sides by SMS, and emits
    /// `market.match.found`. Phone numbers are never in these texts: staff connect the two sides.
    func propose(_ matches: [MatchCandidate], tx: WriteTransaction) async throws {
        guard !matches.isEmpty else { return }
        // One statement for every match, as for the SMS: pairs proposed before come back without an id.
        enum MatchInsert: PreparedStatementName {}
        let rows = try await tx.connection.prepared(MatchInsert.self,
            """
            INSERT INTO market_match (offer_id, demand_id, distance_km)
            SELECT offer, demand, nullif(km, -1) FROM unnest(\(matches.map(\.offer))::bigint[], \(matches.map(\.demand))::bigint[],
                                                             \(matches.map { $0.distanceKm ?? -1 })::float8[]) AS m(offer, demand, km)
            ON CONFLICT (offer_id, demand_id) DO NOTHING RETURNING id, offer_id, demand_id
            """, logger: tx.logger)
        var ids: [Pair: Int64] = [:]
        for try await row in rows {
            let (id, offer, demand) = try row.decode((Int64, Int64, Int64).self)
            ids[Pair(offer: offer, demand: demand)] = id
        }
        var notes: [(member: Int64, text: LocalizedText)] = []  // sent together: one statement
        for match in matches {
            guard let id = ids[Pair(offer: match.offer, demand: match.demand)] else { continue }
            try await tx.audit("market.match.add", target: "market_match:\(id)", after: match.json)
            let amount = "\(match.crop)\(MarketFormat.number(match.quantity))\(match.unit.zh)"
            let price = match.price.map { "\(MarketFormat.number($0))元/\(match.unit.zh)" } ?? "价格面议"
            let distance = match.distanceKm.map { "距\(Int($0.rounded()))公里" } ?? ""
            let priceEn = match.price.map { "\(MarketFormat.number($0))/\(match.unit.en)" } ?? "price open"
            let distanceEn = match.distanceKm.map { ", \(Int($0.rounded()))km" } ?? ""
            notes.append((match.farmer, LocalizedText(
                en: "Buyer for offer \(match.offer) (\(match.crop)): \(MarketFormat.number(match.quantity))\(match.unit.en) at \(priceEn)\(distanceEn). Staff will call.",
                zh: "有买家要您的\(amount)（供货\(match.offer)号），\(price)，\(distance)。服务中心将联系您。")))
            if let buyer = match.buyerMember {
                notes.append((buyer, LocalizedText(
                    en: "Demand \(match.demand): \(MarketFormat.number(match.quantity))\(match.unit.en) \(match.crop) at \(priceEn)\(distanceEn). Staff will call.",
                    zh: "为您的收购\(match.demand)号找到\(amount)，\(price)，\(distance)。服务中心将联系您。")))
            }
            try await tx.emit(MarketMatchFound(match: id, offer: match.offer, demand: match.demand, crop: match.crop, quantity: match.quantity,
                                               unit: match.unit.rawValue, price: match.price, distanceKm: match.distanceKm), publisher: "market")
        }
        try await tx.notify(notes)
    }
}

/// An offer and a demand, as `market_match` keys them.
private struct Pair: Hashable {
    var offer: Int64
    var demand: Int64
}
