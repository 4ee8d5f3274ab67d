import Foundation
import HuzhuKit

/// Demo data for the demo county: a venue in every demo village, a season of events and classes (six per
/// village over the next twelve weeks, published, with their venue bookings), the service catalogue with
/// teams and stock in every township, and village rules. One INSERT … SELECT per table.
struct CultureDemo: Sendable {
    let time: CultureTime

    /// Titles and kinds of the season, taken in turn.
    static let season: [(kind: String, subject: String, title: String, hour: String)] = [
        ("film", "", "露天电影《我和我的祖国》", "19:30"),
        ("class", "farming", "柑橘修剪技术培训", "09:00"),
        ("class", "law", "普法讲座：土地承包", "14:30"),
        ("performance", "", "花鼓戏演出", "19:00"),
        ("class", "science", "科普讲座：防电信诈骗", "14:30"),
        ("sports", "", "村篮球友谊赛", "15:00"),
        ("class", "farming", "茶叶种植与采摘培训", "09:00"),
        ("meeting", "", "村民议事会", "19:30"),
        ("performance", "", "广场舞展演", "19:00"),
        ("class", "farming", "养蜂技术培训", "09:00"),
    ]

    func load(_ tx: WriteTransaction) async throws -> String {
        let demoVillages = "SELECT v.id, v.name, v.township_id FROM village v WHERE EXISTS (SELECT 1 FROM member m WHERE m.village_id = v.id AND m.is_demo)"
        let venues = try await count(tx, """
            INSERT INTO culture_venue (village_id, name, capacity, is_demo)
            SELECT d.id, d.name || '文化活动室', 60 + (d.id % 5) * 20, true FROM (\(unescaped: demoVillages)) d
            ON CONFLICT (village_id, name) DO NOTHING RETURNING id
            """)
        let kinds = Self.season.map(\.kind), subjects = Self.season.map(\.subject), titles = Self.season.map(\.title), hours = Self.season.map(\.hour)
        let zone = time.timeZone.identifier
        let events = try await tx.query(
            """
            WITH local AS (SELECT (now() AT TIME ZONE \(zone))::date AS today),
                 spots AS (SELECT v.id AS venue, v.village_id, v.capacity FROM culture_venue v WHERE v.is_demo),
                 season AS (
                    SELECT s.venue, s.village_id, s.capacity, g,
                           ((s.village_id + g) % cardinality(\(kinds)::text[])) + 1 AS pick,
                           (SELECT today FROM local) + 2 + g * 14 + (s.village_id % 7) AS day
                    FROM spots s CROSS JOIN generate_series(0, 5) g)
            INSERT INTO culture_event (kind, subject, title, village_id, venue_id, starts_at, ends_at, capacity, organiser, open_to, status, is_demo)
            SELECT (\(kinds)::text[])[pick], (\(subjects)::text[])[pick], (\(titles)::text[])[pick], village_id, venue,
                   (day + (\(hours)::text[])[pick]::time) AT TIME ZONE \(zone),
                   (day + (\(hours)::text[])[pick]::time + interval '2 hours') AT TIME ZONE \(zone),
                   capacity, '县文化协会', ARRAY[village_id], 'published', true
            FROM season
            RETURNING id
            """
        ).decode(Int64.self).all().count
        try await tx.execute(
            """
            INSERT INTO culture_venue_booking (venue_id, during, purpose, event_id, booked_by)
            SELECT e.venue_id, tstzrange(e.starts_at, e.ends_at, '[)'), '活动' || e.id || ' ' || e.title, e.id, 'plugin:culture'
            FROM culture_event e WHERE e.is_demo AND e.venue_id IS NOT NULL
            """)
        try await tx.execute(
            """
            INSERT INTO culture_service (code, name, unit, price_yuan, occasions, in_package, hands_task, hands_crew, is_demo) VALUES
                ('cooks', '厨师队', 'table', 80, '{wedding,funeral}', true, 'cook', 3, true),
                ('tables', '桌椅餐具', 'table', 30, '{wedding,funeral}', true, NULL, 0, true),
                ('tent', '帐篷', 'day', 200, '{wedding,funeral}', false, NULL, 0, true),
                ('band', '乐队', 'booking', 1500, '{wedding,funeral}', false, NULL, 0, true),
                ('mc', '司仪', 'booking', 600, '{wedding}', false, NULL, 0, true),
                ('hall', '礼堂', 'day', 500, '{wedding,funeral}', false, NULL, 0, true),
                ('helpers', '帮工', 'day', 150, '{wedding,funeral}', false, 'helper', 4, true)
            ON CONFLICT (code) DO NOTHING
            """)
        let providers = try await count(tx, """
            INSERT INTO culture_provider (service_id, name, village_id, is_demo)
            SELECT s.id, t.name || s.name || n, (SELECT min(v.id) FROM village v WHERE v.township_id = t.id), true
            FROM township t CROSS JOIN culture_service s CROSS JOIN generate_series(1, CASE WHEN s.code IN ('cooks', 'tables') THEN 3 ELSE 1 END) n
            WHERE EXISTS (SELECT 1 FROM village v JOIN member m ON m.village_id = v.id WHERE v.township_id = t.id AND m.is_demo)
            ON CONFLICT (service_id, name) DO NOTHING RETURNING id
            """)
        let rules = try await count(tx, """
            INSERT INTO culture_rule (village_id, occasion, kind, limit_value, service, text, is_demo)
            SELECT NULL, 'any', 'max_tables', 30, NULL, '全县倡导：红白喜事宴席不超过30桌', true
            UNION ALL
            SELECT d.id, 'any', 'max_tables', 15, NULL, d.name || '村规：婚丧宴席不超过15桌', true FROM (\(unescaped: demoVillages)) d WHERE d.id % 3 = 0
            UNION ALL
            SELECT d.id, 'funeral', 'max_days', 3, NULL, d.name || '村规：丧事从简，不超过3天', true FROM (\(unescaped: demoVillages)) d WHERE d.id % 2 = 0
            UNION ALL
            SELECT d.id, 'funeral', 'forbidden', NULL, 'band', d.name || '村规：丧事不请乐队', true FROM (\(unescaped: demoVillages)) d WHERE d.id % 4 = 1
            RETURNING id
            """)
        try await tx.audit("culture.demo", target: "culture:demo",
                           after: ["venues": .int(venues), "events": .int(events), "providers": .int(providers), "rules": .int(rules)])
        return "\(venues) venues, \(events) events and classes, \(providers) service teams and stock, \(rules) village rules"
    }

    private func count(_ tx: WriteTransaction, _ sql: PostgresQuery) async throws -> Int {
        try await tx.query(sql).decode(Int.self).all().count
    }
}
