import Foundation
import HuzhuKit

/// Demo data for the demo county: buyers, open offers (some consigned for households without labour),
/// open demands, and a year of daily prices for the county's common produce in several markets, so that
/// `查价` answers at once. Set-based SQL only (generate_series): it runs in well under a second.
extension MarketStore {
    /// Crop, base price per kg (yuan), seasonal phase, typical offer in 斤.
    static let demoCrops = """
        (VALUES (0, '柑橘', 4.6, 0.0, 3000), (1, '土豆', 2.8, 1.5, 4000), (2, '玉米', 2.5, 2.0, 5000), (3, '茶叶', 160.0, 3.0, 60),
                (4, '核桃', 32.0, 0.5, 300), (5, '蜂蜜', 90.0, 1.0, 100), (6, '香菇', 46.0, 2.5, 200), (7, '脐橙', 6.8, 0.2, 2000),
                (8, '魔芋', 3.6, 1.2, 3000), (9, '烟叶', 30.0, 2.8, 800)) AS c(idx, crop, base, phase, qty)
        """

    /// Loads the demo rows in `tx` (`registrar.demo { tx in try await market.loadDemo(tx) }`), or only counts
    /// them when they are there already (a store whose record of the run was removed by hand).
    func loadDemo(_ tx: WriteTransaction) async throws -> String {
        let loaded = try await tx.query("SELECT EXISTS (SELECT 1 FROM market_buyer WHERE is_demo)").decode(Bool.self).firstElement() ?? false
        guard !loaded else { return try await Self.demoSummary(tx) }
        try await tx.execute(
            """
            INSERT INTO market_buyer (name, kind, village_id, contact, is_demo)
            SELECT b.name, b.kind, (SELECT id FROM village ORDER BY id OFFSET b.n LIMIT 1), b.contact, true
            FROM (VALUES ('兴山县果品公司', 'merchant', 0, '县城'), ('古夫镇中学食堂', 'canteen', 3, ''),
                         ('宜昌鲜丰超市', 'supermarket', 10, '宜昌'), ('昭君镇茶叶专业合作社', 'cooperative', 20, ''),
                         ('峡口镇农产品收购站', 'merchant', 30, ''), ('南阳镇中心小学食堂', 'canteen', 40, ''),
                         ('山里人家超市', 'supermarket', 5, ''), ('高桥乡蜂蜜合作社', 'cooperative', 60, '')) AS b(name, kind, n, contact)
            """)
        try await tx.execute(
            """
            INSERT INTO market_price (market, crop, price_per_kg, observed_on, source, created_by, is_demo)
            SELECT m.market, c.crop,
                   round((c.base * (1 + 0.15 * sin(2 * pi() * extract(doy FROM day) / 365 + c.phase) + m.bias + (random() - 0.5) * 0.08))::numeric, 2)::float8,
                   day::date, 'report', 'demo', true
            FROM \(unescaped: Self.demoCrops)
            CROSS JOIN (VALUES ('古夫镇农贸市场', 0.0), ('昭君镇农贸市场', -0.03), ('峡口镇农贸市场', -0.02),
                               ('兴山县城批发市场', 0.02), ('宜昌金桥蔬菜果品批发市场', 0.06)) AS m(market, bias)
            CROSS JOIN generate_series(current_date - 364, current_date, interval '1 day') AS day
            """)
        try await tx.execute(
            """
            INSERT INTO market_offer (member_id, household_id, village_id, crop, quantity, unit, kg_per_unit, price,
                                      available_from, available_until, consigned, commission_pct, created_by, is_demo)
            SELECT m.id, m.household_id, m.village_id, c.crop, round(c.qty * (0.5 + random())), 'jin', 0.5,
                   round((c.base / 2 * (0.9 + random() * 0.2))::numeric, 1)::float8,
                   current_date, current_date + 30, h.no_labour, CASE WHEN h.no_labour THEN 10 ELSE 0 END, 'demo', true
            FROM (SELECT id, household_id, village_id, row_number() OVER (ORDER BY random()) AS rn
                  FROM member WHERE is_demo AND household_id IS NOT NULL ORDER BY random() LIMIT 300) m
            JOIN household h ON h.id = m.household_id
            JOIN \(unescaped: Self.demoCrops) ON c.idx = m.rn % 10
            """)
        try await tx.execute(
            """
            INSERT INTO market_demand (buyer_id, crop, quantity, unit, kg_per_unit, price, needed_by, village_id, radius_km, created_by, is_demo)
            SELECT b.id, c.crop, c.qty * 3, 'jin', 0.5, round((c.base / 2)::numeric, 1)::float8, current_date + 20, b.village_id, 80, 'demo', true
            FROM market_buyer b CROSS JOIN generate_series(0, 2) AS k
            JOIN \(unescaped: Self.demoCrops) ON c.idx = (b.id + k * 3) % 10
            WHERE b.is_demo
            """)
        let summary = try await Self.demoSummary(tx)
        try await tx.audit("market.demo", target: "market:demo", after: ["summary": .string(summary)])
        return summary
    }

    static func demoSummary(_ tx: WriteTransaction) async throws -> String {
        let counts = try await tx.query(
            """
            SELECT (SELECT count(*) FROM market_buyer WHERE is_demo), (SELECT count(*) FROM market_offer WHERE is_demo),
                   (SELECT count(*) FROM market_offer WHERE is_demo AND consigned), (SELECT count(*) FROM market_demand WHERE is_demo),
                   (SELECT count(*) FROM market_price WHERE is_demo)
            """).decode((Int, Int, Int, Int, Int).self).firstElement() ?? (0, 0, 0, 0, 0)
        return "\(counts.0) buyers, \(counts.1) open offers (\(counts.2) consigned), \(counts.3) demands, \(counts.4) daily prices"
    }
}
