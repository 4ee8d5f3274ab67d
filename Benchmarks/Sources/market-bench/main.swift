// The sales plugin's benchmark: a live daemon with the market plugin on a private PostgreSQL, loaded with
// 1,000,000 price observations and 100,000 open offers, then `MARKET PRICE STATS <crop>` (what 查价
// answers) and `MARKET MATCH FIND <demand>` (the offers matching a demand) over the console's TCP, one
// request at a time, p50/p99 over the samples. Prints a markdown table.
//
//   swift build -c release --product market-bench && .build/release/market-bench [--samples N]
//
// Work runs in a detached task: top-level code is on the main actor (see docs/benchmarks.md).

import Foundation
import HuzhuCore
import HuzhuKit
import HuzhuMarket
import HuzhuTesting

let samples = CommandLine.arguments.firstIndex(of: "--samples").flatMap { Int(CommandLine.arguments[$0 + 1]) } ?? 2_000
// --explain: print the plans of the two statements before measuring.

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
}

func percentile(_ sorted: [Double], _ p: Double) -> Double {
    sorted[min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1)]
}

/// Times `count` requests, one at a time, and returns (p50, p99, max) in ms; every answer must be ok.
func measure(_ console: ConsoleClient, count: Int, _ line: (Int) -> String) async throws -> (Double, Double, Double) {
    var times: [Double] = []
    times.reserveCapacity(count)
    for index in 0..<count {
        let start = ContinuousClock.now
        let answer = try await console.send(line(index))
        times.append(seconds(start.duration(to: .now)) * 1000)
        guard answer.hasPrefix("{\"ok\":true") else { fatalError("\(line(index)): \(answer)") }
    }
    times.sort()
    return (percentile(times, 0.5), percentile(times, 0.99), times.last!)
}

let task = Task.detached {
    let daemon = try await TestDaemon.start(plugins: [MarketPlugin.self])
    let client = daemon.hub.store.client
    let logger = Logger(label: "market-bench")
    let loadStart = ContinuousClock.now
    // 100 villages in the county's mountains, 10,000 members, 100,000 open offers of the catalogue's crops
    // (every crop in every village: `(i / 30) % 100`), 1,000 buyers' demands, and 1,000,000 daily price
    // observations over two years in 20 markets.
    for statement: PostgresQuery in [
        "INSERT INTO township (name, kind) VALUES ('古夫镇', 'town')",
        """
        INSERT INTO village (township_id, name, latitude, longitude)
        SELECT 1, '村' || i, 31.2 + (i % 10) * 0.03, 110.5 + (i / 10) * 0.05 FROM generate_series(0, 99) AS i
        """,
        """
        INSERT INTO member (village_id, name, phone, is_demo)
        SELECT 1 + i % 100, '农户' || i, '+86137' || lpad(i::text, 8, '0'), true FROM generate_series(1, 10000) AS i
        """,
        """
        INSERT INTO market_offer (member_id, village_id, crop, quantity, unit, kg_per_unit, price, available_until, created_by, is_demo)
        SELECT 1 + i % 10000, 1 + (i / 30) % 100, c.crops[1 + i % cardinality(c.crops)], 100 + i % 5000, 'jin', 0.5,
               round((1 + random() * 9)::numeric, 1)::float8, current_date + 30, 'bench', true
        FROM generate_series(1, 100000) AS i, (SELECT array_agg(name ORDER BY name) AS crops FROM market_crop) AS c
        """,
        "INSERT INTO market_buyer (name, kind, village_id) SELECT '客商' || i, 'merchant', 1 + i % 100 FROM generate_series(1, 100) AS i",
        """
        INSERT INTO market_demand (buyer_id, crop, quantity, unit, kg_per_unit, price, village_id, radius_km, created_by)
        SELECT 1 + i % 100, c.crops[1 + i % cardinality(c.crops)], 1000 + i % 9000, 'jin', 0.5, round((3 + random() * 6)::numeric, 1)::float8,
               1 + (i * 7) % 100, 40, 'bench'
        FROM generate_series(1, 1000) AS i, (SELECT array_agg(name ORDER BY name) AS crops FROM market_crop) AS c
        """,
        """
        INSERT INTO market_price (market, crop, price_per_kg, observed_on, source, created_by, is_demo)
        SELECT '市场' || (i % 20), c.crops[1 + i % cardinality(c.crops)], round((2 + random() * 10)::numeric, 2)::float8,
               current_date - (i / 1370), 'report', 'bench', true
        FROM generate_series(0, 999999) AS i, (SELECT array_agg(name ORDER BY name) AS crops FROM market_crop) AS c
        """,
        "ANALYZE",
    ] {
        try await client.query(statement, logger: logger)
    }
    let loaded = seconds(loadStart.duration(to: .now))
    let counts = try await client.query(
        "SELECT (SELECT count(*) FROM market_price), (SELECT count(*) FROM market_offer WHERE status = 'open'), (SELECT array_agg(name ORDER BY name) FROM market_crop)",
        logger: logger).decode((Int, Int, [String]).self)
    var prices = 0, offers = 0, crops: [String] = []
    for try await (p, o, c) in counts { (prices, offers, crops) = (p, o, c) }

    if CommandLine.arguments.contains("--explain") {
        // The two statements with literal values, for their plans (the crop of demand 100001 is the first).
        for sql in [
            "EXPLAIN (ANALYZE, BUFFERS) SELECT * FROM market_offers_for_demand(100001, 10, current_date, 10, 10)",
            """
            EXPLAIN (ANALYZE, BUFFERS) WITH d AS (
                SELECT d.id, d.crop, d.needed_by, d.price_per_kg, d.radius_km, d.quantity * d.kg_per_unit AS kg, vd.latitude, vd.longitude
                FROM market_demand d LEFT JOIN village vd ON vd.id = d.village_id WHERE d.id = 100002
            ), near AS (
                SELECT n.id, n.km FROM (SELECT v.id, market_km(v.latitude, v.longitude, d.latitude, d.longitude) AS km FROM d, village v) n, d
                WHERE n.km IS NULL OR n.km <= d.radius_km ORDER BY n.km NULLS LAST, n.id LIMIT 8
            )
            SELECT o.id, near.km FROM d CROSS JOIN near CROSS JOIN LATERAL (
                SELECT o.* FROM market_offer o
                WHERE o.crop = d.crop AND o.village_id = near.id AND o.status = 'open'
                  AND (o.available_until IS NULL OR o.available_until >= current_date)
                  AND (d.needed_by IS NULL OR o.available_from <= d.needed_by)
                  AND (o.price_per_kg IS NULL OR d.price_per_kg IS NULL OR o.price_per_kg <= d.price_per_kg * 1.1)
                  AND (o.kg_per_unit IS NULL OR d.kg IS NULL OR (o.quantity - o.reserved) * o.kg_per_unit >= d.kg * 0.1)
                ORDER BY o.price_per_kg NULLS LAST, o.id LIMIT 10) o
            ORDER BY near.km NULLS LAST, near.id, o.price_per_kg NULLS LAST, o.id LIMIT 10
            """,
            """
            EXPLAIN (ANALYZE, BUFFERS) WITH last AS (SELECT max(observed_on) AS d FROM market_price WHERE crop = '柑橘' AND observed_on <= current_date)
            SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY p.price_per_kg) FILTER (WHERE p.observed_on > last.d - 7), count(*)
            FROM last JOIN market_price p ON p.crop = '柑橘' AND p.observed_on BETWEEN last.d - 13 AND last.d GROUP BY last.d
            """,
        ] {
            for try await line in try await client.query(PostgresQuery(unsafeSQL: sql), logger: logger).decode(String.self) { print(line) }
        }
    }
    let console = try await daemon.console()
    _ = try await measure(console, count: 200) { "MARKET PRICE STATS \(crops[$0 % crops.count])" }  // warm-up
    let stats = try await measure(console, count: samples) { "MARKET PRICE STATS \(crops[$0 % crops.count])" }
    _ = try await measure(console, count: 200) { "MARKET MATCH FIND \(100_001 + $0 % 1000)" }
    let match = try await measure(console, count: samples) { "MARKET MATCH FIND \(100_001 + ($0 * 37) % 1000) limit=10" }
    let sample = try await console.send("MARKET MATCH FIND 100001 limit=10")
    let load = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").prefix(3).joined(separator: " ") ?? "?"

    print("""
        ## market-bench

        \(prices) price observations, \(offers) open offers, 1000 demands, \(crops.count) crops; loaded in \(String(format: "%.1f", loaded)) s.
        \(samples) samples each, one request at a time over the console's TCP (JSON mode). Load average at the end: \(load).

        | operation | p50 | p99 | max | target |
        | --- | --- | --- | --- | --- |
        | `MARKET PRICE STATS <crop>` (查价) | \(String(format: "%.2f", stats.0)) ms | \(String(format: "%.2f", stats.1)) ms | \(String(format: "%.2f", stats.2)) ms | p99 < 5 ms |
        | `MARKET MATCH FIND <demand> limit=10` | \(String(format: "%.2f", match.0)) ms | \(String(format: "%.2f", match.1)) ms | \(String(format: "%.2f", match.2)) ms | p99 < 10 ms |

        A match answer: \(sample.prefix(300))…
        """)
    await console.close()
    try await daemon.stop()
}
do {
    try await task.value
} catch {
    print("market-bench failed: \(String(reflecting: error))")
    exit(1)
}
