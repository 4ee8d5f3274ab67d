import Foundation
import HuzhuKit
import HuzhuMarket
import HuzhuTesting
import Testing

/// 卖, 收购, 查价, 订阅 and 取消 by SMS, end to end through `SMS IN`.
@Suite struct MarketSMSFlowTests {
    @Test func sellThenBuyMatchesAndTellsBothSides() async throws {
        try await withTestDaemon(plugins: [MarketPlugin.self]) { daemon in
            let world = try await MarketWorld.make(daemon)
            let sold = try await world.sms(MarketWorld.farmerPhone, "卖 桔子 2000斤 3元")
            #expect(sold.reply.hasPrefix("已登记供货") && sold.reply.contains("柑橘2000斤") && sold.reply.contains("3元/斤"), "\(sold.reply)")
            #expect(sold.segments == 1 && SMSSegments.count(sold.reply) == 1, "\(sold.reply)")
            let offer = try #require(try await world.texts("SELECT id::text FROM market_offer").first)
            #expect(try await world.texts("SELECT crop || ' ' || quantity || ' ' || unit || ' ' || price_per_kg FROM market_offer") == ["柑橘 2000 jin 6"],
                    "the synonym is normalised and the price is 6 yuan per kg")
            #expect(sold.reply.contains("取消\(offer)"))

            // The buyer, 7 km away, offers 6.5 yuan per kg for a tonne: it fits the offer (6 per kg).
            let bought = try await world.sms(MarketWorld.buyerPhone, "收购 橘子 1吨 6.5元/公斤")
            #expect(bought.reply.hasPrefix("已登记收购") && bought.reply.contains("找到1份供货"), "\(bought.reply)")
            #expect(bought.segments == 1, "\(bought.reply)")
            let toFarmer = try await world.notifications(MarketWorld.farmer)
            let toBuyer = try await world.notifications(MarketWorld.buyer)
            #expect(toFarmer.count == 1 && toFarmer[0].contains("有买家要您的柑橘") && toFarmer[0].contains("距7公里"), "\(toFarmer)")
            #expect(toBuyer.count == 1 && toBuyer[0].contains("柑橘"), "\(toBuyer)")
            for text in toFarmer + toBuyer {
                #expect(!text.contains("138") && !text.contains("139"), "no phone numbers in match notices: \(text)")
                #expect(SMSSegments.count(text) == 1, "\(text)")
            }
            #expect(try await world.texts("SELECT topic FROM bus_outbox WHERE topic LIKE 'market.%' ORDER BY id")
                    == ["market.offer.created", "market.demand.created", "market.match.found"])
            let match = try await world.texts("SELECT (payload->>'quantity')::float8 || ' ' || round((payload->>'distance_km')::numeric) FROM bus_outbox WHERE topic = 'market.match.found'")
            #expect(match == ["2000 7"], "the buyer wants 2000 斤 (1 t): the whole offer, 7 km away")

            // A far buyer (about 150 km away, beyond the 60 km radius) finds nothing.
            let far = try await world.sms(MarketWorld.farFarmerPhone, "收购 柑橘 500斤 4元")
            #expect(far.reply.contains("有供货会短信通知您"), "\(far.reply)")
            let matches = try await world.admin.json("MARKET MATCH LIST")
            #expect(matches.rows.count == 1)
            let demand = try #require(matches.rows.first?["demand"] as? Int)
            let found = try await world.admin.json("MARKET MATCH FIND \(demand)")
            #expect(found.rows.map { $0["offer"] as? Int } == [Int(offer)], "\(found.raw)")
            #expect(try await world.admin.json("MARKET MATCH FIND 999").code == "NOT_FOUND")
            // Staff turn the match into a deal for the whole tonne: the demand is filled, the match dealt.
            let matchID = try #require(matches.rows.first?["id"] as? Int)
            #expect(try await world.admin.json("MARKET DEAL ADD offer=\(offer) buyer=1 quantity=2000 match=\(matchID)").ok)
            #expect(try await world.texts("SELECT status FROM market_demand WHERE id = \(demand)") == ["filled"])
            #expect(try await world.texts("SELECT status FROM market_match") == ["dealt"])
            let cadre = try await daemon.console(as: "faraway", roles: [.cadre], villages: ["远山村"])
            #expect(try await cadre.json("MARKET MATCH FIND \(demand)").code == "DENIED", "the demand is in another village")
        }
    }

    @Test func priceSubscribeCancelAndUnknownCrop() async throws {
        try await withTestDaemon(plugins: [MarketPlugin.self]) { daemon in
            let world = try await MarketWorld.make(daemon)
            _ = try await world.ok("MARKET PRICE ADD crop=柑橘 price=2.5 unit=jin market=古夫镇农贸市场 date=2026-06-08")
            _ = try await world.ok("MARKET PRICE ADD crop=柑橘 price=6 market=宜昌市场 date=2026-06-09")
            _ = try await world.ok("MARKET PRICE ADD crop=柑橘 price=70 unit=box market=宜昌市场 date=2026-06-10")
            let price = try await world.sms(MarketWorld.farmerPhone, "查价 橘子", at: "2026-06-10T09:00:00+08:00")
            #expect(price.reply == "柑橘06/04-06/10每公斤：中位6元，最低5，最高7，前7天无数据。", "\(price.reply)")
            #expect(price.segments == 1)
            let none = try await world.sms(MarketWorld.farmerPhone, "查价 核桃", at: "2026-06-10T09:00:00+08:00")
            #expect(none.reply == "暂无“核桃”的价格数据。")

            let subscribed = try await world.sms(MarketWorld.farmerPhone, "订阅 柑橘", at: "2026-06-10T09:00:00+08:00")
            #expect(subscribed.reply.hasPrefix("已订阅柑橘价格") && subscribed.segments == 1, "\(subscribed.reply)")
            #expect(try await world.texts("SELECT crop || ' ' || baseline FROM market_subscription") == ["柑橘 6"])

            let sold = try await world.sms(MarketWorld.farmerPhone, "卖 土豆 500斤")
            #expect(sold.reply.contains("价格面议"), "\(sold.reply)")
            let offer = try #require(try await world.texts("SELECT id::text FROM market_offer").first)
            let notYours = try await world.sms(MarketWorld.buyerPhone, "取消 \(offer)")
            #expect(notYours.reply.hasPrefix("没有找到编号为\(offer)"), "someone else's offer is not theirs to cancel: \(notYours.reply)")
            let cancelled = try await world.sms(MarketWorld.farmerPhone, "取消 \(offer)")
            #expect(cancelled.reply == "已取消供货\(offer)号（土豆）。")
            #expect(try await world.texts("SELECT status FROM market_offer") == ["cancelled"])
            let again = try await world.sms(MarketWorld.farmerPhone, "取消 \(offer)")
            #expect(again.reply.contains("不能取消"), "\(again.reply)")

            let unknown = try await world.sms(MarketWorld.farmerPhone, "卖 芝麻 100斤 8元")
            #expect(unknown.reply == "暂不经营“芝麻”，请联系服务中心添加。", "\(unknown.reply)")
            // Staff add the crop with synonyms: the SMS vocabulary learns them at once.
            _ = try await world.ok("MARKET CROP ADD 芝麻 category=grain synonyms=胡麻,脂麻")
            let listed = try await world.sms(MarketWorld.farmerPhone, "卖 胡麻 100斤 8元")
            #expect(listed.reply.contains("芝麻100斤"), "\(listed.reply)")
            #expect(try await world.texts("SELECT word FROM sms_word WHERE kind = 'crop' AND meaning = '芝麻' ORDER BY word") == ["胡麻", "脂麻"])
            // A crop's weights, changed by staff, count from the next message (the SMS path keeps crops a few
            // seconds; a change through the console clears them).
            _ = try await world.ok("MARKET CROP ADD 芝麻 box_kg=20")
            _ = try await world.sms(MarketWorld.farmerPhone, "卖 芝麻 2箱")
            _ = try await world.ok("MARKET CROP ADD 芝麻 box_kg=25")
            _ = try await world.sms(MarketWorld.farmerPhone, "卖 芝麻 3箱")
            #expect(try await world.texts("SELECT kg_per_unit::text FROM market_offer WHERE crop = '芝麻' AND unit = 'box' ORDER BY id") == ["20", "25"])
        }
    }
}

/// English replies carry Chinese crop names, so they are UCS-2 too: each must still fit one segment.
@Suite struct MarketEnglishSMSTests {
    @Test func englishRepliesAndNoticesFitOneSegment() async throws {
        try await withTestDaemon(plugins: [MarketPlugin.self]) { daemon in
            let world = try await MarketWorld.make(daemon)
            _ = try await world.ok("MEMBER ADD Li village=2 phone=13500135005 lang=en")
            _ = try await world.ok("MEMBER EDIT 1 lang=en")
            _ = try await world.ok("MARKET PRICE ADD crop=高山蔬菜 price=12.35 market=古夫镇农贸市场 date=2026-06-09")
            var replies: [String] = []
            replies.append(try await world.sms(MarketWorld.farmerPhone, "SELL 高山蔬菜 12000斤 6.15元", at: "2026-06-10T09:00:00+08:00").reply)
            replies.append(try await world.sms("13500135005", "BUY 高山菜 5000斤 6.5元", at: "2026-06-10T09:00:00+08:00").reply)
            replies.append(try await world.sms(MarketWorld.farmerPhone, "PRICE 高山蔬菜", at: "2026-06-10T09:00:00+08:00").reply)
            replies.append(try await world.sms(MarketWorld.farmerPhone, "SUB 高山蔬菜", at: "2026-06-10T09:00:00+08:00").reply)
            replies.append(try await world.sms(MarketWorld.farmerPhone, "SELL 芝麻麻 10斤", at: "2026-06-10T09:00:00+08:00").reply)
            #expect(replies[0].hasPrefix("Offer ") && replies[1].contains("1 offer(s) found"), "\(replies)")
            _ = try await world.ok(#"MARKET BUYER ADD "宜昌鲜丰超市" kind=supermarket village=2"#)
            let deal = try await world.admin.json("MARKET DEAL ADD offer=1 buyer=2 quantity=11999.5")
            #expect(deal.ok, "\(deal.raw)")
            #expect(try await world.admin.json("MARKET DEAL SETTLE \(deal.object["id"] as? Int ?? 0)").ok)
            let notices = try await world.notifications(MarketWorld.farmer) + world.notifications(5)
            #expect(notices.count == 4, "match to both, deal and settlement to the farmer: \(notices)")
            for text in replies + notices {
                #expect(SMSSegments.count(text) == 1, "\(text.count) characters: \(text)")
            }
        }
    }
}
