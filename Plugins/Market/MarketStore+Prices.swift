import Foundation
import HuzhuKit

/// The 7-day statistics of one crop, per kg: the window ends at the latest observation on or before the
/// day asked (so a quiet week still answers), and the trend compares with the 7 days before it.
struct PriceStats: Sendable, Equatable {
    var crop: String
    /// The window's last day and first day, `YYYY-MM-DD`.
    var end: String
    var start: String
    var median: Double
    var low: Double
    var high: Double
    var count: Int
    var previousMedian: Double?

    /// Percent change of the median against the previous 7 days.
    var trendPct: Double? {
        previousMedian.flatMap { $0 > 0 ? (median - $0) / $0 * 100 : nil }
    }

    var json: JSONValue {
        ["crop": .string(crop), "from": .string(start), "to": .string(end), "median": .double(MarketFormat.money(median)),
         "low": .double(MarketFormat.money(low)), "high": .double(MarketFormat.money(high)), "observations": .int(count),
         "previous_median": previousMedian.map { .double(MarketFormat.money($0)) } ?? .null,
         "trend_pct": trendPct.map { .double((($0 * 10).rounded()) / 10) } ?? .null, "unit": "kg"]
    }

    /// The `查价` reply: one SMS segment.
    var reply: LocalizedText {
        let md = { (day: String) in day.dropFirst(5).replacingOccurrences(of: "-", with: "/") }
        let trendZh: String
        let trendEn: String
        if let trend = trendPct {
            let size = MarketFormat.number(abs(trend), decimals: 1)
            trendZh = abs(trend) < 0.05 ? "与前7天持平" : (trend > 0 ? "比前7天涨\(size)%" : "比前7天跌\(size)%")
            trendEn = abs(trend) < 0.05 ? "flat vs prev 7d" : (trend > 0 ? "+\(size)%" : "-\(size)%") + " vs prev 7d"
        } else {
            trendZh = "前7天无数据"
            trendEn = "no prev 7d data"
        }
        let (m, l, h) = (MarketFormat.number(median), MarketFormat.number(low), MarketFormat.number(high))
        return LocalizedText(
            en: "\(crop) 7 days, yuan/kg: median \(m), \(l)-\(h); \(trendEn)",
            zh: "\(crop)\(md(start))-\(md(end))每公斤：中位\(m)元，最低\(l)，最高\(h)，\(trendZh)。")
    }
}

extension MarketStore {
    /// Adds a staff-entered market report (price per kg).
    func addPrice(market: String, crop: String, perKg: Double, day: String, actor: Actor) async throws -> JSONValue {
        let crop = try await self.crop(crop)
        return try await store.write(as: actor) { tx in
            guard let id = try await tx.first(
                """
                INSERT INTO market_price (market, crop, price_per_kg, observed_on, source, created_by)
                VALUES (\(market), \(crop.name), \(perKg), \(day)::date, 'report', \(actor.name)) RETURNING id
                """, as: Int64.self) else { throw HuzhuError(.internal, "the price was not stored") }
            let json: JSONValue = ["id": .int(Int(id)), "market": .string(market), "crop": .string(crop.name),
                                   "price_per_kg": .double(perKg), "date": .string(day), "source": "report"]
            try await tx.audit("market.price.add", target: "market_price:\(id)", after: json)
            return json
        }
    }

    /// The 7-day statistics of a crop as of `today`, or nil when it has no observations.
    func priceStats(crop: String, today: String, connection: PostgresConnection) async throws -> PriceStats? {
        enum PriceStatistics: PreparedStatementName {}
        let rows = try await connection.prepared(PriceStatistics.self,
            """
            WITH last AS (SELECT max(observed_on) AS d FROM market_price WHERE crop = \(crop) AND observed_on <= \(today)::date)
            SELECT last.d::text, (last.d - 6)::text,
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY p.price_per_kg) FILTER (WHERE p.observed_on > last.d - 7),
                   min(p.price_per_kg) FILTER (WHERE p.observed_on > last.d - 7),
                   max(p.price_per_kg) FILTER (WHERE p.observed_on > last.d - 7),
                   count(*) FILTER (WHERE p.observed_on > last.d - 7),
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY p.price_per_kg) FILTER (WHERE p.observed_on <= last.d - 7)
            FROM last JOIN market_price p ON p.crop = \(crop) AND p.observed_on BETWEEN last.d - 13 AND last.d
            GROUP BY last.d
            """, logger: logger)
        guard let (end, start, median, low, high, count, previous) = try await 
            rows.decode((String, String, Double?, Double?, Double?, Int, Double?).self).firstElement(),
            let median, let low, let high else { return nil }
        return PriceStats(crop: crop, end: end, start: start, median: median, low: low, high: high, count: count, previousMedian: previous)
    }

    func priceStats(crop: String, today: String) async throws -> PriceStats? {
        try await store.read { try await priceStats(crop: crop, today: today, connection: $0) }
    }

    /// 订阅: subscribes a member to a crop's price alerts, the current median as the baseline.
    func subscribe(member: Int64, crop: String, today: String, actor: Actor) async throws -> PriceStats? {
        let stats = try await priceStats(crop: crop, today: today)
        try await store.write(as: actor) { tx in
            try await tx.execute(
                """
                INSERT INTO market_subscription (member_id, crop, baseline) VALUES (\(member), \(crop), \(stats?.median))
                ON CONFLICT (member_id, crop) DO UPDATE SET baseline = coalesce(market_subscription.baseline, EXCLUDED.baseline)
                """)
            try await tx.audit("market.subscribe", target: "market_subscription:\(member):\(crop)", after: ["baseline": stats.map { .double($0.median) } ?? .null])
        }
        return stats
    }

    /// Removes a subscription (staff, or a member's 退订 handled by the core stops all notifications).
    /// `scope`: the villages a scoped (cadre) account may touch; empty means all.
    func unsubscribe(member: Int64, crop: String, scope: [Int], actor: Actor) async throws -> Bool {
        try await store.write(as: actor) { tx in
            guard try await tx.first(
                """
                DELETE FROM market_subscription s USING member m
                WHERE s.member_id = \(member) AND s.crop = \(crop) AND m.id = s.member_id
                  AND (cardinality(\(scope)::int[]) = 0 OR m.village_id = ANY(\(scope)::int[]))
                RETURNING 1
                """, as: Int.self) != nil else {
                return false
            }
            try await tx.audit("market.unsubscribe", target: "market_subscription:\(member):\(crop)")
            return true
        }
    }

    /// Sends price alerts: each subscription whose crop's median moved more than `alertPct` since its
    /// baseline, not yet alerted today, of a member who has not opted out (退订). Non-urgent SMS, so the
    /// outbox holds them through quiet hours. Returns how many were sent.
    /// The periodic job runs as `plugin:market`; `MARKET ALERT RUN` as the account that ran it.
    func sendAlerts(today: String, actor: Actor = Actor("plugin:market")) async throws -> Int {
        let due: [(Int64, String, Double?)] = try await store.read { connection in
            var rows: [(Int64, String, Double?)] = []
            for try await row in try await connection.query(
                """
                SELECT s.member_id, s.crop, s.baseline FROM market_subscription s JOIN member m ON m.id = s.member_id
                WHERE NOT m.opted_out AND (s.last_alert_on IS NULL OR s.last_alert_on < \(today)::date)
                ORDER BY s.crop, s.member_id
                """, logger: logger).decode((Int64, String, Double?).self) { rows.append(row) }
            return rows
        }
        var statsByCrop: [String: PriceStats?] = [:]
        var sent = 0
        for (member, crop, baseline) in due {
            if statsByCrop[crop] == nil { statsByCrop[crop] = .some(try await priceStats(crop: crop, today: today)) }
            guard let stats = statsByCrop[crop] ?? nil else { continue }
            guard let baseline, baseline > 0 else {
                try await store.write(as: actor) { tx in
                    try await tx.execute("UPDATE market_subscription SET baseline = \(stats.median) WHERE member_id = \(member) AND crop = \(crop)")
                    try await tx.audit("market.subscription.baseline", target: "market_subscription:\(member):\(crop)", after: ["baseline": .double(stats.median)])
                }
                continue
            }
            let change = (stats.median - baseline) / baseline * 100
            guard abs(change) > settings.alertPct else { continue }
            let alerted = try await store.write(as: actor) { tx in
                // The guard in the WHERE makes "once a day" hold even if two runs overlap.
                guard try await tx.first(
                    """
                    UPDATE market_subscription SET baseline = \(stats.median), last_alert_on = \(today)::date
                    WHERE member_id = \(member) AND crop = \(crop) AND (last_alert_on IS NULL OR last_alert_on < \(today)::date)
                    RETURNING 1
                    """, as: Int.self) != nil else { return false }
                let size = MarketFormat.number(abs(change), decimals: 1)
                let (was, now) = (MarketFormat.number(baseline), MarketFormat.number(stats.median))
                try await tx.notify(member: member, LocalizedText(
                    en: "\(crop) price: median \(now)/kg, \(change > 0 ? "up" : "down") \(size)% from \(was). STOP stops alerts.",
                    zh: "价格提醒：\(crop)中位价\(now)元/公斤，比\(was)元\(change > 0 ? "涨" : "跌")了\(size)%。回复退订可停止。"), urgent: false)
                try await tx.audit("market.alert", target: "market_subscription:\(member):\(crop)",
                                   before: ["baseline": .double(baseline)], after: ["baseline": .double(stats.median), "change_pct": .double(change)])
                return true
            }
            if alerted { sent += 1 }
        }
        return sent
    }
}
