import Foundation
import HuzhuKit

/// A report: rows as JSON objects with a fixed column order, so the same rows give a table and a CSV.
struct MarketReport: Sendable {
    var columns: [String]
    var rows: [JSONValue]

    var csv: String {
        ([columns.joined(separator: ",")] + rows.map { row in columns.map { Self.cell(row[$0]) }.joined(separator: ",") })
            .joined(separator: "\n") + "\n"
    }

    var table: [String] {
        var table = TextTable(columns.map { $0.uppercased() })
        for row in rows { table.add(columns.map { Self.cell(row[$0]) }) }
        return table.lines
    }

    static func cell(_ value: JSONValue?) -> String {
        switch value {
        case .string(let text)?:
            return text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
        case .int(let number)?: return String(number)
        case .double(let number)?: return MarketFormat.number(number)
        case .bool(let flag)?: return flag ? "yes" : "no"
        default: return ""
        }
    }
}

extension MarketStore {
    /// Volume (kg) and value (yuan) sold per crop and month, from settled deals, in the caller's villages.
    func salesReport(from: String?, to: String?, scope: [Int]) async throws -> MarketReport {
        let rows = try await json(
            """
            SELECT coalesce(json_agg(r ORDER BY r.month, r.crop), '[]')::text FROM (
                SELECT to_char(d.settled_at AT TIME ZONE \(timeZone.identifier), 'YYYY-MM') AS month, o.crop, count(*) AS deals,
                       round(sum(d.quantity * o.kg_per_unit)::numeric, 1)::float8 AS kg,
                       round(sum(d.amount)::numeric, 2)::float8 AS value, round(sum(d.commission)::numeric, 2)::float8 AS commission
                FROM market_deal d JOIN market_offer o ON o.id = d.offer_id
                WHERE d.status = 'settled'
                  AND (\(from)::date IS NULL OR d.settled_at >= \(from)::date) AND (\(to)::date IS NULL OR d.settled_at < \(to)::date + 1)
                  AND (cardinality(\(scope)::int[]) = 0 OR o.village_id = ANY(\(scope)::int[]))
                GROUP BY 1, 2) r
            """)
        return MarketReport(columns: ["month", "crop", "deals", "kg", "value", "commission"], rows: rows.arrayValue)
    }

    /// A crop's prices over time: median, low and high per kg by day, week or month.
    func priceReport(crop: String, by period: String, from: String?, to: String?) async throws -> MarketReport {
        let rows = try await json(
            """
            SELECT coalesce(json_agg(r ORDER BY r.period), '[]')::text FROM (
                SELECT date_trunc(\(period), observed_on)::date::text AS period,
                       round(percentile_cont(0.5) WITHIN GROUP (ORDER BY price_per_kg)::numeric, 2)::float8 AS median,
                       round(min(price_per_kg)::numeric, 2)::float8 AS low, round(max(price_per_kg)::numeric, 2)::float8 AS high,
                       count(*) AS observations
                FROM market_price
                WHERE crop = \(crop) AND (\(from)::date IS NULL OR observed_on >= \(from)::date) AND (\(to)::date IS NULL OR observed_on <= \(to)::date)
                GROUP BY 1) r
            """)
        return MarketReport(columns: ["period", "median", "low", "high", "observations"], rows: rows.arrayValue)
    }

    /// Households without labour (无劳力户) the association sold for, and what they earned (after commission).
    func helpedReport(scope: [Int]) async throws -> MarketReport {
        let rows = try await json(
            """
            SELECT coalesce(json_agg(r ORDER BY r.income DESC, r.household), '[]')::text FROM (
                SELECT h.id AS household, v.name AS village,
                       (SELECT string_agg(m.name, ' ' ORDER BY m.id) FROM member m WHERE m.household_id = h.id) AS members,
                       count(DISTINCT o.id) AS offers, count(d.id) AS deals,
                       round(coalesce(sum(d.quantity * o.kg_per_unit), 0)::numeric, 1)::float8 AS kg,
                       round(coalesce(sum(d.amount), 0)::numeric, 2)::float8 AS sales,
                       round(coalesce(sum(d.amount - d.commission), 0)::numeric, 2)::float8 AS income
                FROM market_offer o
                JOIN household h ON h.id = o.household_id
                JOIN village v ON v.id = h.village_id
                LEFT JOIN market_deal d ON d.offer_id = o.id AND d.status = 'settled'
                WHERE (o.consigned OR h.no_labour)
                  AND (cardinality(\(scope)::int[]) = 0 OR h.village_id = ANY(\(scope)::int[]))
                GROUP BY h.id, v.name) r
            """)
        return MarketReport(columns: ["household", "village", "members", "offers", "deals", "kg", "sales", "income"], rows: rows.arrayValue)
    }
}

extension JSONValue {
    /// The elements of an array (empty for anything else).
    var arrayValue: [JSONValue] {
        if case .array(let values) = self { return values }
        return []
    }
}
