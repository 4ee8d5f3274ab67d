import Foundation
import HuzhuCore
import HuzhuKit
import HuzhuMarket
import HuzhuTesting
import Testing

/// A new offer's buyers are found village by village (`demandsMatching`): the order must still be nearest
/// first, best-paying first within a village, a buyer without a village last, and none beyond its radius.
@Suite struct MarketMatchingTests {
    @Test func aNewOfferIsProposedToTheNearestBestPayingDemandsFirst() async throws {
        try await withTestDaemon(plugins: [MarketPlugin.self], configure: { $0.pluginSettings["market.match_limit"] = "5" }) { daemon in
            let world = try await MarketWorld.make(daemon)
            func buyer(_ line: String) async throws -> Int {
                try #require((try await world.ok(line) as? [String: Any])?["id"] as? Int, "\(line)")
            }
            func demand(_ buyer: Int, price: Double) async throws -> Int {
                let line = "MARKET DEMAND ADD buyer=\(buyer) crop=柑橘 quantity=500 unit=jin price=\(price)"
                let added = (try await world.ok(line) as? [String: Any])?["demand"] as? [String: Any]
                return try #require(added?["id"] as? Int, "\(line)")
            }
            let here = try await buyer(#"MARKET BUYER ADD "本村食堂" kind=canteen village=1"#)
            let next = try await buyer(#"MARKET BUYER ADD "青草村超市" kind=supermarket village=2"#)
            let nowhere = try await buyer(#"MARKET BUYER ADD "流动收购商" kind=merchant"#)
            let far = try await buyer(#"MARKET BUYER ADD "远山果品" kind=merchant village=3"#)
            let nextCheap = try await demand(next, price: 3)
            let nextDear = try await demand(next, price: 4)
            let hereCheapest = try await demand(here, price: 2)
            let unplaced = try await demand(nowhere, price: 9)
            _ = try await demand(far, price: 5)  // over 100 km away, beyond the 60 km radius
            // Many demands the offer's price does not fit, in the next village: read past, never proposed.
            for _ in 0..<60 { _ = try await demand(next, price: 1.5) }

            let offer = try #require((try await world.ok("MARKET OFFER ADD member=1 crop=柑橘 quantity=1000 unit=jin price=2") as? [String: Any])?["offer"] as? [String: Any])
            let offerID = try #require(offer["id"] as? Int)
            let proposed = try await world.texts("SELECT demand_id::text FROM market_match WHERE offer_id = \(offerID) ORDER BY id")
            #expect(proposed == [hereCheapest, nextDear, nextCheap, unplaced].map(String.init), "\(proposed)")
        }
    }
}
