import Foundation
import HuzhuCore
import HuzhuKit
import HuzhuMarket
import HuzhuTesting
import Testing

/// Deals reserve atomically and are settled with commission; consigned (代销) offers are audited.
@Suite struct MarketDealTests {
    @Test func twoHundredConcurrentDealsNeverOversell() async throws {
        try await withTestDaemon(plugins: [MarketPlugin.self]) { daemon in
            let world = try await MarketWorld.make(daemon)
            let offer = try #require((try await world.ok("MARKET OFFER ADD member=1 crop=柑橘 quantity=1000 unit=jin price=3") as? [String: Any])?["offer"] as? [String: Any])
            let offerID = try #require(offer["id"] as? Int)
            _ = try await world.ok(#"MARKET BUYER ADD "兴山县果品公司" kind=merchant village=2"#)
            // 200 buyers' clerks at once, on their own connections, asking 1 to 20 斤 each: 2,100 斤 asked of 1,000.
            func asked(_ client: Int) -> Int { client % 20 + 1 }
            let consoles = try await daemon.consoles(200)
            let result = try await race(consoles, (0..<200).map { "MARKET DEAL ADD offer=\(offerID) buyer=1 quantity=\(asked($0))" })
            print("twoHundredConcurrentDealsNeverOversell: \(result.summary)")
            let accepted = result.winners
            let reserved = accepted.map(asked).reduce(0, +)
            #expect(reserved <= 1000 && reserved > 1000 - 20, "\(reserved) 斤 reserved: \(result.summary)")
            let left = 1000 - reserved
            // The deals were decided one at a time under the offer's row lock: in deal id order, each
            // answer's offer_left is what the earlier deals left.
            let inOrder = accepted.sorted { (result.answers[$0].object["id"] as? Int ?? 0) < (result.answers[$1].object["id"] as? Int ?? 0) }
            var running = 1000
            for client in inOrder {
                running -= asked(client)
                #expect((result.answers[client].object["offer_left"] as? NSNumber)?.intValue == running, "\(result.answers[client].raw)")
            }
            // Every refusal is CONFLICT saying how much was left when it was decided, and that really was too
            // little: never more than it asked. Since nothing is given back, what is left now is too little
            // for every refused deal, so no deal was refused that would have fitted.
            for client in result.losers {
                let answer = result.answers[client]
                let message = answer.message ?? ""
                let was = message.firstMatch(of: /只剩(\d+)斤，不够(\d+)/).map { (Int($0.1)!, Int($0.2)!) }
                let fits = was.map { $0.0 < asked(client) && $0.0 >= left && $0.1 == asked(client) } ?? (left == 0 && message.contains("状态为sold"))
                #expect(answer.code == "CONFLICT" && fits, "client \(client) asked \(asked(client)): \(answer.raw)")
                #expect(asked(client) > left)
            }
            // Rows match answers: the deals are the accepted ones, their quantities sum to what the offer holds
            // reserved, every deal was audited and told to the farmer once.
            #expect(try await world.texts("SELECT d.id::text FROM market_deal d ORDER BY d.id")
                    == accepted.compactMap { result.answers[$0].object["id"] as? Int }.sorted().map(String.init))
            #expect(try await world.number("SELECT reserved::text FROM market_offer") == Double(reserved))
            #expect(try await world.number("SELECT coalesce(sum(quantity), 0)::text FROM market_deal WHERE status = 'reserved'") == Double(reserved))
            #expect(try await world.number("SELECT count(*)::text FROM audit_log WHERE action = 'market.deal.add'") == Double(accepted.count))
            #expect(try await world.notifications(MarketWorld.farmer).filter { $0.contains("已成交") }.count == accepted.count)
            #expect(try await world.texts("SELECT status FROM market_offer") == [left == 0 ? "sold" : "open"])
            // What is left goes; then the offer is sold and takes no more.
            if left > 0 { #expect(try await world.admin.json("MARKET DEAL ADD offer=\(offerID) buyer=1 quantity=\(left)").ok) }
            #expect(try await world.texts("SELECT status FROM market_offer") == ["sold"])
            let more = try await world.admin.json("MARKET DEAL ADD offer=\(offerID) buyer=1 quantity=1")
            #expect(more.code == "CONFLICT", "\(more.raw)")
            // The store itself refuses an oversold row, whatever code writes it.
            await #expect(throws: (any Error).self) {
                try await daemon.hub.store.client.query("UPDATE market_offer SET reserved = quantity + 1", logger: Logger(label: "t"))
            }
            for console in consoles { await console.close() }
        }
    }

    @Test func consignedOfferIsAuditedSettledWithCommissionAndReported() async throws {
        try await withTestDaemon(plugins: [MarketPlugin.self]) { daemon in
            let world = try await MarketWorld.make(daemon)
            // Only a household registered without labour can be sold for.
            _ = try await world.ok("HOUSEHOLD ADD village=1")
            let refused = try await world.admin.json("MARKET OFFER ADD household=2 consign=yes crop=核桃 quantity=100 unit=kg price=30")
            #expect(refused.code == "INVALID" && (refused.message ?? "").contains("无劳力户"), "\(refused.raw)")

            let added = try await world.admin.json("MARKET OFFER ADD household=1 consign=yes crop=核桃 quantity=100 unit=kg price=30 on_behalf=3")
            #expect(added.ok, "\(added.raw)")
            let audit = try await world.admin.json("AUDIT LIST action=market.offer.consign")
            #expect(audit.rows.count == 1)
            #expect(audit.rows.first?["actor"] as? String == "staff:admin")
            #expect(audit.rows.first?["on_behalf_of"] as? Int == 3 || audit.rows.first?["on_behalf"] as? Int == 3, "\(audit.raw)")
            #expect(try await world.texts("SELECT member_id || ' ' || household_id || ' ' || consigned || ' ' || commission_pct FROM market_offer")
                    == ["3 1 true 10"], "the default commission (10%) applies")

            _ = try await world.ok(#"MARKET BUYER ADD "古夫镇中学食堂" kind=canteen village=1"#)
            let deal = try await world.admin.json("MARKET DEAL ADD offer=\(try #require(added.object["offer"] as? [String: Any])["id"] as! Int) buyer=1 quantity=40")
            #expect(deal.ok, "\(deal.raw)")
            let dealID = try #require(deal.object["id"] as? Int)
            #expect(try await world.admin.json("MARKET DEAL DELIVER \(dealID)").ok)
            let settled = try await world.admin.json("MARKET DEAL SETTLE \(dealID) paid=yes market=古夫镇农贸市场")
            #expect(settled.ok, "\(settled.raw)")
            #expect(settled.object["amount"] as? Double == 1200 || settled.object["amount"] as? Int == 1200, "\(settled.raw)")
            #expect(settled.object["commission"] as? Double == 120 || settled.object["commission"] as? Int == 120, "\(settled.raw)")
            #expect(try await world.admin.json("MARKET DEAL SETTLE \(dealID)").code == "CONFLICT", "settled once only")
            #expect(try await world.texts("SELECT market || ' ' || crop || ' ' || price_per_kg || ' ' || source FROM market_price")
                    == ["古夫镇农贸市场 核桃 30 deal"], "a settled deal is a price observation")
            let told = try await world.notifications(MarketWorld.elder)
            #expect(told.last?.contains("实得1080元") == true, "\(told)")
            #expect(try await world.texts("SELECT payload->>'commission' FROM bus_outbox WHERE topic = 'market.deal.settled'").count == 1)

            let helped = try await world.admin.json("MARKET REPORT HELPED")
            #expect(helped.rows.count == 1)
            #expect(helped.rows.first?["household"] as? Int == 1)
            #expect((helped.rows.first?["income"] as? NSNumber)?.doubleValue == 1080, "\(helped.raw)")
            let csv = try await world.admin.json("MARKET REPORT HELPED csv")
            let text = try #require(csv.object["csv"] as? String)
            #expect(text.hasPrefix("household,village,members,offers,deals,kg,sales,income\n1,咸水村,李奶奶,1,1,40,1200,1080\n"), "\(text)")
            let sales = try await world.admin.json("MARKET REPORT SALES csv")
            #expect((sales.object["csv"] as? String)?.contains(",核桃,1,40,1200,120") == true, "\(sales.raw)")

            // A cancelled deal gives its quantity back.
            let second = try await world.admin.json("MARKET DEAL ADD offer=\(try #require(added.object["offer"] as? [String: Any])["id"] as! Int) buyer=1 quantity=60")
            #expect(second.ok)
            #expect(try await world.admin.json("MARKET DEAL CANCEL \(second.object["id"] as? Int ?? 0)").ok)
            #expect(try await world.number("SELECT reserved::text FROM market_offer") == 40)
        }
    }

    @Test func aCadreWorksOnlyInItsVillages() async throws {
        try await withTestDaemon(plugins: [MarketPlugin.self]) { daemon in
            let world = try await MarketWorld.make(daemon)
            _ = try await world.ok("MARKET OFFER ADD member=1 crop=柑橘 quantity=100 unit=jin price=3")
            _ = try await world.ok("MARKET OFFER ADD member=4 crop=柑橘 quantity=100 unit=jin price=3")
            // Staff listing a member's produce act on that member's behalf.
            let listed = try await world.admin.json("AUDIT LIST action=market.offer.add")
            #expect(Set(listed.rows.compactMap { $0["on_behalf_of"] as? Int }) == [1, 4], "\(listed.raw)")
            let cadre = try await daemon.console(as: "xianshui", roles: [.cadre], villages: ["咸水村"])
            #expect(try await cadre.json("MARKET OFFER ADD member=4 crop=土豆 quantity=100 unit=jin").code == "DENIED")
            #expect(try await cadre.json("MARKET OFFER ADD member=1 crop=土豆 quantity=100 unit=jin").ok)
            let list = try await cadre.json("MARKET OFFER LIST")
            #expect(list.rows.compactMap { $0["village"] as? Int }.allSatisfy { $0 == 1 } && list.rows.count == 2, "\(list.raw)")
            #expect(try await cadre.json("MARKET OFFER CANCEL 2").code == "DENIED")
            #expect(try await cadre.json("MARKET CROP ADD 芝麻").code == "DENIED", "the catalogue is county-wide")
            #expect(try await cadre.json("MARKET OFFER ADD member=1 crop=柑橘 quantity=-5 unit=jin").code == "INVALID")
            #expect(try await cadre.json("MARKET OFFER ADD member=1 crop=柑橘 quantity=5 unit=担").code == "INVALID")
            #expect(try await cadre.json("MARKET OFFER ADD member=1 crop=柑橘 quantity=5").code == "SYNTAX")
            let reader = try await daemon.console(as: "reader", roles: [.readonly])
            #expect(try await reader.json("MARKET OFFER LIST").ok)
            #expect(try await reader.json("MARKET OFFER ADD member=1 crop=柑橘 quantity=5 unit=jin").code == "DENIED")
        }
    }
}
