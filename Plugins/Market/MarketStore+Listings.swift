import Foundation
import HuzhuKit

/// Listings for the console, as JSON rows (the same rows make the text tables).
extension MarketStore {
    func offers(crop: String?, village: Int?, status: String, limit: Int, scope: [Int]) async throws -> [JSONValue] {
        try await json(
            """
            SELECT coalesce(json_agg(r ORDER BY r.id DESC), '[]')::text FROM (
                SELECT o.id, o.member_id AS member, m.name AS seller, o.household_id AS household, o.village_id AS village, o.crop,
                       o.variety, o.grade, o.quantity, o.reserved, o.quantity - o.reserved AS left, o.unit, o.price,
                       round(o.price_per_kg::numeric, 2)::float8 AS price_per_kg, o.available_from, o.available_until, o.status,
                       o.consigned, o.commission_pct, o.created_by
                FROM market_offer o JOIN member m ON m.id = o.member_id
                WHERE (\(crop)::text IS NULL OR o.crop = \(crop)) AND (\(village)::int IS NULL OR o.village_id = \(village))
                  AND (\(status) = 'all' OR o.status = \(status))
                  AND (cardinality(\(scope)::int[]) = 0 OR o.village_id = ANY(\(scope)::int[]))
                ORDER BY o.id DESC LIMIT \(limit)) r
            """).arrayValue
    }

    func buyers() async throws -> [JSONValue] {
        try await json(
            """
            SELECT coalesce(json_agg(r ORDER BY r.id), '[]')::text FROM (
                SELECT b.id, b.name, b.kind, b.member_id AS member, b.village_id AS village, b.contact,
                       (SELECT count(*) FROM market_demand d WHERE d.buyer_id = b.id AND d.status = 'open') AS open_demands
                FROM market_buyer b) r
            """).arrayValue
    }

    func demands(crop: String?, status: String, limit: Int, scope: [Int]) async throws -> [JSONValue] {
        try await json(
            """
            SELECT coalesce(json_agg(r ORDER BY r.id DESC), '[]')::text FROM (
                SELECT d.id, d.buyer_id AS buyer, b.name AS buyer_name, d.crop, d.quantity, d.unit, d.price,
                       round(d.price_per_kg::numeric, 2)::float8 AS price_per_kg, d.needed_by, d.village_id AS village, d.radius_km, d.status
                FROM market_demand d JOIN market_buyer b ON b.id = d.buyer_id
                WHERE (\(crop)::text IS NULL OR d.crop = \(crop)) AND (\(status) = 'all' OR d.status = \(status))
                  AND (cardinality(\(scope)::int[]) = 0 OR d.village_id = ANY(\(scope)::int[]))
                ORDER BY d.id DESC LIMIT \(limit)) r
            """).arrayValue
    }

    func matches(offer: Int64?, demand: Int64?, status: String, limit: Int, scope: [Int]) async throws -> [JSONValue] {
        try await json(
            """
            SELECT coalesce(json_agg(r ORDER BY r.id DESC), '[]')::text FROM (
                SELECT x.id, x.offer_id AS offer, x.demand_id AS demand, o.crop, o.quantity - o.reserved AS offer_left, o.unit,
                       o.price AS offer_price, d.price AS demand_price, d.unit AS demand_unit, d.buyer_id AS buyer,
                       round(x.distance_km::numeric, 1)::float8 AS distance_km, x.status, x.created_at
                FROM market_match x JOIN market_offer o ON o.id = x.offer_id JOIN market_demand d ON d.id = x.demand_id
                WHERE (\(offer)::bigint IS NULL OR x.offer_id = \(offer)) AND (\(demand)::bigint IS NULL OR x.demand_id = \(demand))
                  AND (\(status) = 'all' OR x.status = \(status))
                  AND (cardinality(\(scope)::int[]) = 0 OR o.village_id = ANY(\(scope)::int[]))
                ORDER BY x.id DESC LIMIT \(limit)) r
            """).arrayValue
    }

    func deals(offer: Int64?, status: String, limit: Int, scope: [Int]) async throws -> [JSONValue] {
        try await json(
            """
            SELECT coalesce(json_agg(r ORDER BY r.id DESC), '[]')::text FROM (
                SELECT d.id, d.offer_id AS offer, d.buyer_id AS buyer, b.name AS buyer_name, o.crop, d.quantity, o.unit, d.price,
                       d.status, d.amount, d.commission, d.paid, o.consigned, d.settled_at
                FROM market_deal d JOIN market_offer o ON o.id = d.offer_id JOIN market_buyer b ON b.id = d.buyer_id
                WHERE (\(offer)::bigint IS NULL OR d.offer_id = \(offer)) AND (\(status) = 'all' OR d.status = \(status))
                  AND (cardinality(\(scope)::int[]) = 0 OR o.village_id = ANY(\(scope)::int[]))
                ORDER BY d.id DESC LIMIT \(limit)) r
            """).arrayValue
    }

    func subscriptions(crop: String?, limit: Int, scope: [Int]) async throws -> [JSONValue] {
        try await json(
            """
            SELECT coalesce(json_agg(r ORDER BY r.crop, r.member), '[]')::text FROM (
                SELECT s.member_id AS member, m.name, s.crop, s.baseline, s.last_alert_on, m.opted_out
                FROM market_subscription s JOIN member m ON m.id = s.member_id
                WHERE (\(crop)::text IS NULL OR s.crop = \(crop))
                  AND (cardinality(\(scope)::int[]) = 0 OR m.village_id = ANY(\(scope)::int[]))
                ORDER BY s.crop, s.member_id LIMIT \(limit)) r
            """).arrayValue
    }
}
