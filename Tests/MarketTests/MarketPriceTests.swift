import Foundation
import HuzhuKit
import HuzhuMarket
import HuzhuTesting
import Testing

/// 7-day price statistics against values computed by hand, and alerts at most once a day.
@Suite struct MarketPriceTests {
    /// Previous week (06-01…06-07): 2.0 2.2 2.4 2.6 → median (2.2 + 2.4) / 2 = 2.3.
    /// This week (06-08…06-14): 2.8 3.0 3.4 2.6 3.2 → sorted 2.6 2.8 3.0 3.2 3.4: median 3.0, low 2.6, high 3.4.
    /// Trend: (3.0 − 2.3) / 2.3 = +30.43 %. An observation after the asked day (06-15) is not counted.
    static let observations: [(String, Double)] = [
        ("2026-06-01", 2.0), ("2026-06-03", 2.2), ("2026-06-05", 2.4), ("2026-06-07", 2.6),
        ("2026-06-08", 2.8), ("2026-06-09", 3.0), ("2026-06-11", 3.4), ("2026-06-12", 2.6), ("2026-06-14", 3.2),
        ("2026-06-15", 9.9),
    ]

    static func load(_ world: MarketWorld) async throws {
        for (day, price) in observations {
            _ = try await world.ok("MARKET PRICE ADD crop=洋芋 price=\(price) market=古夫镇农贸市场 date=\(day)")
        }
    }

    @Test func statisticsMatchHandComputedValues() async throws {
        try await withTestDaemon(plugins: [MarketPlugin.self]) { daemon in
            let world = try await MarketWorld.make(daemon)
            try await Self.load(world)
            #expect(try await world.admin.json("MARKET PRICE STATS 土豆 date=2026-02-30").code == "SYNTAX", "a day February does not have")
            let stats = try await world.admin.json("MARKET PRICE STATS 土豆 date=2026-06-14")
            #expect(stats.ok, "\(stats.raw)")
            let data = stats.object
            #expect((data["median"] as? NSNumber)?.doubleValue == 3.0)
            #expect((data["low"] as? NSNumber)?.doubleValue == 2.6)
            #expect((data["high"] as? NSNumber)?.doubleValue == 3.4)
            #expect((data["previous_median"] as? NSNumber)?.doubleValue == 2.3)
            #expect((data["trend_pct"] as? NSNumber)?.doubleValue == 30.4)
            #expect(data["observations"] as? Int == 5)
            #expect(data["from"] as? String == "2026-06-08" && data["to"] as? String == "2026-06-14")

            // By SMS on 06-14: the same window; the observation of 06-15 is not counted yet.
            let reply = try await world.sms(MarketWorld.farmerPhone, "查价 土豆", at: "2026-06-14T20:00:00+08:00")
            #expect(reply.reply == "土豆06/08-06/14每公斤：中位3元，最低2.6，最高3.4，比前7天涨30.4%。", "\(reply.reply)")
            #expect(reply.segments == 1)

            let monthly = try await world.admin.json("MARKET REPORT PRICES 土豆 by=week from=2026-06-01 to=2026-06-14")
            #expect(monthly.rows.map { $0["period"] as? String } == ["2026-06-01", "2026-06-08"], "\(monthly.raw)")
            #expect(monthly.rows.map { ($0["median"] as? NSNumber)?.doubleValue } == [2.3, 3.0])
            #expect(try await world.admin.json("MARKET PRICE ADD crop=核桃 price=3 unit=piece market=x").code == "INVALID",
                    "a piece of walnut has no known weight")
            #expect(try await world.admin.json("MARKET PRICE STATS 核桃").code == "NOT_FOUND")
        }
    }

    @Test func alertsWhenTheMedianMovesAtMostOnceADayAndNotAfterOptOut() async throws {
        try await withTestDaemon(plugins: [MarketPlugin.self]) { daemon in
            let world = try await MarketWorld.make(daemon)
            try await Self.load(world)
            // Both subscribe on 06-07, when the median (of 06-01…06-07) is 2.3.
            for phone in [MarketWorld.farmerPhone, MarketWorld.buyerPhone] {
                let reply = try await world.sms(phone, "订阅 土豆", at: "2026-06-07T10:00:00+08:00")
                #expect(reply.reply.hasPrefix("已订阅土豆价格"), "\(reply.reply)")
            }
            #expect(try await world.texts("SELECT round(baseline::numeric, 4)::text FROM market_subscription ORDER BY member_id") == ["2.3000", "2.3000"])
            _ = try await world.ok("MEMBER EDIT 2 opted_out=yes")

            // 06-08: the window 06-02…06-08 holds 2.2 2.4 2.6 2.8, median 2.5: +8.7 %, under 10 %: nothing.
            #expect((try await world.ok("MARKET ALERT RUN date=2026-06-08") as? [String: Any])?["sent"] as? Int == 0)
            // 06-09: 2.2 2.4 2.6 2.8 3.0, median 2.6: +13.0 %: the farmer is told, the opted-out buyer is not.
            #expect((try await world.ok("MARKET ALERT RUN date=2026-06-09") as? [String: Any])?["sent"] as? Int == 1)
            let alerts = try await world.notifications(MarketWorld.farmer)
            #expect(alerts == ["价格提醒：土豆中位价2.6元/公斤，比2.3元涨了13%。回复退订可停止。"], "\(alerts)")
            #expect(SMSSegments.count(alerts.first ?? "") == 1)
            #expect(try await world.texts("SELECT urgent::text FROM sms_outbox WHERE member_id = 1 AND kind = 'notification'") == ["false"],
                    "not urgent: the outbox holds it through quiet hours")
            // Same day again, after a further move: nothing (once a day).
            _ = try await world.ok("MARKET PRICE ADD crop=土豆 price=5 market=古夫镇农贸市场 date=2026-06-09")
            #expect((try await world.ok("MARKET ALERT RUN date=2026-06-09") as? [String: Any])?["sent"] as? Int == 0)
            // 06-10: 2.4 2.6 2.8 3.0 5, median 2.8 against 2.6 last alerted (+7.7 %): nothing.
            #expect((try await world.ok("MARKET ALERT RUN date=2026-06-10") as? [String: Any])?["sent"] as? Int == 0)
            #expect(try await world.notifications(MarketWorld.buyer).isEmpty)
        }
    }
}
