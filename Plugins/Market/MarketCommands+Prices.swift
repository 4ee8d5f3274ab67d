import Foundation
import HuzhuKit

/// `MARKET PRICE ADD|STATS`, `MARKET SUB LIST|DEL`, `MARKET ALERT RUN`.
extension MarketCommands {
    static func prices(_ market: MarketStore) -> [ConsoleCommand] {
        let add = "MARKET PRICE ADD crop=<crop> price=<yuan> [unit=kg|jin|t|piece|box] market=<name> [date=YYYY-MM-DD]"
        let stats = "MARKET PRICE STATS <crop> [date=YYYY-MM-DD]"
        let subList = "MARKET SUB LIST [crop=] [limit=50]"
        let subDel = "MARKET SUB DEL member=<id> crop=<crop>"
        let alert = "MARKET ALERT RUN [date=YYYY-MM-DD]"
        return [
            ConsoleCommand("MARKET PRICE ADD", usage: add, summary: LocalizedText(en: "Record a market price report", zh: "录入市场价格"),
                           access: countyWriters) { request in
                let a = request.arguments
                try a.only(["crop", "price", "unit", "market", "date"], usage: add)
                let crop = try await market.crop(try required(a, "crop", usage: add))
                let unit = try unit(a, usage: add) ?? .kg
                guard let kg = crop.kilograms(per: unit) else {
                    throw HuzhuError(.invalid, "a \(unit.rawValue) of \(crop.name) has no known weight: give the price per kg, or set it with MARKET CROP ADD \(crop.name) \(unit.rawValue)_kg=…",
                                     zh: "\(crop.name)每\(unit.zh)重量未知，请按公斤报价")
                }
                let price = try requiredPositive(a, "price", usage: add)
                let json = try await market.addPrice(market: try required(a, "market", usage: add), crop: crop.name, perKg: price / kg,
                                                     day: try date(a, "date", usage: add) ?? market.today, actor: try request.actor())
                return ConsoleReply(data: json, line: "OK price \(MarketReport.cell(json["id"])) recorded: \(crop.name) \(MarketFormat.number(price / kg)) yuan/kg")
            },
            ConsoleCommand("MARKET PRICE STATS", usage: stats,
                           summary: LocalizedText(en: "A crop's 7-day median, low, high per kg and trend (as 查价 answers)", zh: "某农产品近7天每公斤中位价、最低、最高及走势（同“查价”）"),
                           access: readers) { request in
                try request.arguments.only(["date"], usage: stats)
                // One query when there are prices (the common case, and what 查价 costs); the catalogue is
                // read only to say why there are none.
                let name = market.canonicalCrop(try request.arguments.required(0, usage: stats))
                guard let found = try await market.priceStats(crop: name, today: try date(request.arguments, "date", usage: stats) ?? market.today) else {
                    let crop = try await market.crop(name)
                    throw HuzhuError(.notFound, "no prices for \(crop.name) yet", zh: "暂无\(crop.name)的价格数据")
                }
                return ConsoleReply(data: found.json, line: request.text(found.reply))
            },
            ConsoleCommand("MARKET SUB LIST", usage: subList, summary: LocalizedText(en: "Price alert subscriptions (订阅)", zh: "价格提醒订阅"), access: readers) { request in
                try request.arguments.only(["crop", "limit"], usage: subList)
                let list = try await market.subscriptions(crop: request.arguments["crop"].map(market.canonicalCrop),
                                                          limit: try limit(request.arguments, usage: subList), scope: request.scope)
                return rows(list, ["member", "name", "crop", "baseline", "last_alert_on", "opted_out"])
            },
            ConsoleCommand("MARKET SUB DEL", usage: subDel, summary: LocalizedText(en: "Stop one member's alerts for one crop", zh: "取消某成员某农产品的价格提醒"),
                           access: writers) { request in
                try request.arguments.only(["member", "crop", "on_behalf"], usage: subDel)
                guard let member = try id(request.arguments, "member", usage: subDel) else {
                    throw HuzhuError(.syntax, "missing member=: usage: \(subDel)", zh: "缺少 member=。用法：\(subDel)")
                }
                let crop = market.canonicalCrop(try required(request.arguments, "crop", usage: subDel))
                // The member's own subscription: staff stop it on their behalf (全程代理).
                var actor = try request.actor()
                if actor.onBehalfOf == nil { actor = actor.onBehalf(of: member) }
                guard try await market.unsubscribe(member: member, crop: crop, scope: request.scope, actor: actor) else {
                    throw HuzhuError(.notFound, "member \(member) has no subscription to \(crop)", zh: "成员\(member)没有订阅\(crop)")
                }
                return ConsoleReply(data: ["member": .int(Int(member)), "crop": .string(crop)], line: "OK member \(member) no longer gets \(crop) alerts")
            },
            ConsoleCommand("MARKET ALERT RUN", usage: alert,
                           summary: LocalizedText(en: "Send due price alerts now (the hourly job does this too)", zh: "立即发送到期的价格提醒（每小时也会自动运行）"),
                           access: countyWriters) { request in
                try request.arguments.only(["date"], usage: alert)
                guard request.scope.isEmpty else {
                    throw HuzhuError(.denied, "this runs for every village: an account limited to some villages may not run it", zh: "此命令作用于所有村，限定村的账号不能运行")
                }
                let sent = try await market.sendAlerts(today: try date(request.arguments, "date", usage: alert) ?? market.today, actor: try request.actor())
                return ConsoleReply(data: ["sent": .int(sent)], line: "OK \(sent) alert(s) sent")
            },
        ]
    }
}
