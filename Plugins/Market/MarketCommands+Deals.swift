import Foundation
import HuzhuKit

/// `MARKET DEAL ADD|LIST|DELIVER|SETTLE|CANCEL`.
extension MarketCommands {
    static func deals(_ market: MarketStore) -> [ConsoleCommand] {
        let add = "MARKET DEAL ADD offer=<id> buyer=<id> quantity=<n in the offer's unit> [price=<yuan per unit>] [demand=<id>] [match=<id>]"
        let list = "MARKET DEAL LIST [offer=<id>] [status=reserved|delivered|settled|cancelled|all] [limit=50]"
        let settle = "MARKET DEAL SETTLE <id> [paid=yes|no] [market=<name for the price record>]"
        return [
            ConsoleCommand("MARKET DEAL ADD", usage: add,
                           summary: LocalizedText(en: "A buyer takes a quantity of an offer (reserved at once, never oversold)", zh: "成交：买家认购供货的一部分（立即预留，绝不超卖）"),
                           access: writers) { request in
                let a = request.arguments
                try a.only(["offer", "buyer", "quantity", "price", "demand", "match", "on_behalf"], usage: add)
                guard let offer = try id(a, "offer", usage: add), let buyer = try id(a, "buyer", usage: add) else {
                    throw HuzhuError(.syntax, "offer= and buyer= are needed: usage: \(add)", zh: "需要 offer= 和 buyer=。用法：\(add)")
                }
                let deal = try await market.createDeal(
                    NewDeal(offer: offer, buyer: buyer, quantity: try requiredPositive(a, "quantity", usage: add), price: try positive(a, "price", usage: add),
                            demand: try id(a, "demand", usage: add), match: try id(a, "match", usage: add)),
                    actor: try request.actor(), scope: request.scope)
                return ConsoleReply(data: deal, line: "OK deal \(MarketReport.cell(deal["id"])) reserved; offer \(offer) has \(MarketReport.cell(deal["offer_left"])) left")
            },
            ConsoleCommand("MARKET DEAL LIST", usage: list, summary: LocalizedText(en: "Deals, newest first", zh: "成交列表"), access: readers) { request in
                let a = request.arguments
                try a.only(["offer", "status", "limit"], usage: list)
                let found = try await market.deals(
                    offer: try id(a, "offer", usage: list),
                    status: try status(a, allowed: ["reserved", "delivered", "settled", "cancelled"], default: "all", usage: list),
                    limit: try limit(a, usage: list), scope: request.scope)
                return rows(found, ["id", "offer", "buyer_name", "crop", "quantity", "unit", "price", "status", "amount", "commission", "paid"])
            },
            ConsoleCommand("MARKET DEAL DELIVER", usage: "MARKET DEAL DELIVER <id>", summary: LocalizedText(en: "The produce was delivered", zh: "已交货"),
                           access: writers) { request in
                try request.arguments.only(["on_behalf"], usage: "MARKET DEAL DELIVER <id>")
                let id = try request.arguments.requiredID(0, usage: "MARKET DEAL DELIVER <id>")
                return ConsoleReply(data: try await market.deliverDeal(id, actor: try request.actor(), scope: request.scope), line: "OK deal \(id) delivered")
            },
            ConsoleCommand("MARKET DEAL SETTLE", usage: settle,
                           summary: LocalizedText(en: "Settle a deal: amount, commission, paid; its price is recorded", zh: "结算：货款、佣金、是否已付；成交价记入价格"),
                           access: writers) { request in
                try request.arguments.only(["paid", "market", "on_behalf"], usage: settle)
                let id = try request.arguments.requiredID(0, usage: settle)
                let settled = try await market.settleDeal(
                    id, paid: try request.arguments.bool("paid", usage: settle) ?? true, market: request.arguments["market"],
                    actor: try request.actor(), scope: request.scope, today: market.today)
                return ConsoleReply(data: settled, line: "OK deal \(id) settled: amount \(MarketReport.cell(settled["amount"])), commission \(MarketReport.cell(settled["commission"]))")
            },
            ConsoleCommand("MARKET DEAL CANCEL", usage: "MARKET DEAL CANCEL <id>", summary: LocalizedText(en: "Cancel an unsettled deal; its quantity returns to the offer", zh: "取消未结算的成交，数量退回供货"),
                           access: writers) { request in
                try request.arguments.only(["on_behalf"], usage: "MARKET DEAL CANCEL <id>")
                let id = try request.arguments.requiredID(0, usage: "MARKET DEAL CANCEL <id>")
                return ConsoleReply(data: try await market.cancelDeal(id, actor: try request.actor(), scope: request.scope), line: "OK deal \(id) cancelled")
            },
        ]
    }
}
