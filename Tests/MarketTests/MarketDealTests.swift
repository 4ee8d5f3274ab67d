import Foundation
import HuzhuCore
import HuzhuKit
import HuzhuMarket
import HuzhuTesting
import Testing

/// Deals reserve atomically and are settled with commission; consigned (代销) offers are audited.
@Suite struct MarketDealTests {
    @Test func hundredConcurrentDealsNeverOversell() async throws {
        try await withTestDaemon(plugins: [MarketPlugin.self]) { daemon in
            let world = try await MarketWorld.make(daemon)
            let offer = try #require((try await world.ok("MARKET OFFER ADD member=1 crop=柑橘 quantity=1000 unit=jin price=3") as? [String: Any])?["offer"] as? [String: Any])
            let offerID = try #require(offer["id"] as? Int)
            _ = try await world.ok(#"MARKET BUYER ADD "兴山县果品公司" kind=merchant village=2"#)
            // Logged in 25 at a time: the console admits 32 connections waiting to log in.
            var consoles: [ConsoleClient] = []
            for _ in 0..<4 {
                consoles += try await withThrowingTaskGroup(of: ConsoleClient.self) { group in
                    for _ in 0..<25 { group.addTask { try await daemon.console() } }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
            }
            // 100 buyers' clerks at once, 15 斤 each: 66 fit in 1000 斤, 34 must be refused.
            let answers = try await withThrowingTaskGroup(of: ConsoleAnswer.self) { group in
                for console in consoles {
                    group.addTask {
                        // UNAVAILABLE (no connection within the hub's bound, on a loaded machine) wrote nothing:
                        // the clerk tries again, as a gateway would.
                        var answer = try await console.json("MARKET DEAL ADD offer=\(offerID) buyer=1 quantity=15")
                        while answer.code == "UNAVAILABLE" { answer = try await console.json("MARKET DEAL ADD offer=\(offerID) buyer=1 quantity=15") }
                        return answer
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let accepted = answers.filter(\.ok).count
            #expect(accepted == 66, "\(answers.filter { !$0.ok }.prefix(3).map(\.raw))")
            #expect(answers.filter { !$0.ok }.allSatisfy { $0.code == "CONFLICT" && ($0.message ?? "").contains("只剩10斤") || ($0.message ?? "").contains("状态") })
            #expect(try await world.number("SELECT reserved::text FROM market_offer") == 990)
            #expect(try await world.number("SELECT sum(quantity)::text FROM market_deal WHERE status = 'reserved'") == 990)
            // The last 10 斤 go; then the offer is sold and takes no more.
            #expect(try await world.admin.json("MARKET DEAL ADD offer=\(offerID) buyer=1 quantity=10").ok)
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
