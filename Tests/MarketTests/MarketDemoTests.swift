import Foundation
import HuzhuCore
import HuzhuKit
import HuzhuMarket
import HuzhuTesting
import Testing

@Suite struct MarketDemoTests {
    @Test func theDemoCountyGetsBuyersListingsAndAYearOfPrices() async throws {
        try await withTestDaemon(plugins: [MarketPlugin.self], configure: { $0.demo = true }) { daemon in
            let admin = try await daemon.console()
            let world = MarketWorld(daemon: daemon, admin: admin, gateway: admin)
            #expect(try await world.texts("SELECT summary FROM plugin_demo WHERE plugin = 'market'").count == 1)
            // 10 crops × 5 markets × 365 days.
            #expect(try await world.number("SELECT count(*)::text FROM market_price") == 18_250)
            #expect(try await world.number("SELECT count(DISTINCT observed_on)::text FROM market_price") == 365)
            #expect(try await world.number("SELECT count(*)::text FROM market_offer WHERE status = 'open'") == 300)
            #expect(try await world.number("SELECT count(*)::text FROM market_offer WHERE consigned") ?? 0 > 0, "some sold for households without labour")
            #expect(try await world.number("SELECT count(*)::text FROM market_demand WHERE status = 'open'") == 24)
            #expect(try await world.number("SELECT count(*)::text FROM member WHERE id IN (SELECT member_id FROM market_offer) AND NOT is_demo") == 0)
            for crop in ["柑橘", "土豆", "玉米", "茶叶", "核桃", "蜂蜜"] {
                let stats = try await admin.json("MARKET PRICE STATS \(crop)")
                #expect(stats.ok && stats.object["observations"] as? Int == 35, "\(crop): \(stats.raw)")
            }
            let months = try await admin.json("MARKET REPORT PRICES 柑橘 by=month")
            #expect((12...13).contains(months.rows.count), "\(months.raw)")
            #expect(try await admin.json("MARKET BUYER LIST").rows.count == 8)

            // A store whose record of the run was removed by hand: the next start runs the loader again, and it
            // must find its rows rather than add more.
            try await daemon.database.withClient { client in
                for try await _ in try await client.query("DELETE FROM plugin_demo WHERE plugin = 'market'", logger: TestLog.logger) {}
            }
            await daemon.hub.plugins.loadDemoData(daemon.hub.store.handle, logger: TestLog.logger)
            #expect(try await world.number("SELECT count(*)::text FROM market_price") == 18_250)
            #expect(try await world.number("SELECT count(*)::text FROM market_buyer") == 8)
            #expect(try await world.texts("SELECT summary FROM plugin_demo WHERE plugin = 'market'").count == 1)
        }
    }
}
