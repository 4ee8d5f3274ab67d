import Foundation
import HuzhuKit

/// What the four SMS intents do (their parsers are in `MarketSMS`), and the plugin's part in `取消 <ref>`.
/// Replies are written to fit one SMS segment; they never show another person's phone number.
struct MarketSMSHandlers: Sendable {
    let market: MarketStore

    func handle(_ request: SMSRequest) async throws -> LocalizedText {
        guard let member = request.memberID else {
            return LocalizedText(en: "Please register first: REG <name> <village>", zh: "请先注册：注册 姓名 村名")
        }
        let today = market.day(request.receivedAt)
        let crop = market.canonicalCrop(Self.string(request.slots["crop"]) ?? "")
        do {
            switch request.intent {
            case MarketSMS.sell: return try await sell(request, member: member, crop: crop, today: today)
            case MarketSMS.buy: return try await buy(request, member: member, crop: crop, today: today)
            case MarketSMS.price: return try await price(crop: crop, today: today)
            case MarketSMS.subscribe: return try await subscribe(request, member: member, crop: crop, today: today)
            default: return LocalizedText(en: "This service is not available now.", zh: "该服务暂未开通。")
            }
        } catch let error as HuzhuError where error.code == .notFound && error.message.en.hasPrefix("no crop") {
            return LocalizedText(en: "We do not trade \(crop) yet; call the service centre.",
                                 zh: "暂不经营“\(crop)”，请联系服务中心添加。")
        }
    }

    private func sell(_ request: SMSRequest, member: Int64, crop: String, today: String) async throws -> LocalizedText {
        let (quantity, unit, price) = try Self.amount(request.slots)
        let created = try await market.createOffer(
            NewOffer(member: member, crop: crop, quantity: quantity, unit: unit, price: price,
                     sellerPlace: request.villageID.map { ($0, request.householdID) }),
            actor: request.actor, scope: [], today: today)
        let id = created.id
        let what = "\(crop)\(MarketFormat.number(quantity))\(unit.zh)，" + (price.map { "\(MarketFormat.number($0))元/\(unit.zh)" } ?? "价格面议")
        let whatEn = "\(MarketFormat.number(quantity))\(unit.en) \(crop), " + (price.map { "\(MarketFormat.number($0)) yuan/\(unit.en)" } ?? "price open")
        let next = created.matches.isEmpty ? "有买家会短信通知您" : "已找到\(created.matches.count)个买家，服务中心将联系您"
        // English replies carry the Chinese crop name, so they are UCS-2 too: 70 characters for one SMS.
        let nextEn = created.matches.isEmpty ? "" : " \(created.matches.count) buyer(s) found."
        return LocalizedText(en: "Offer \(id): \(whatEn).\(nextEn) CANCEL \(id) cancels",
                             zh: "已登记供货\(id)号：\(what)。\(next)。取消回复：取消\(id)")
    }

    private func buy(_ request: SMSRequest, member: Int64, crop: String, today: String) async throws -> LocalizedText {
        let (quantity, unit, price) = try Self.amount(request.slots)
        let buyer = try await market.buyer(forMember: member, actor: request.actor)
        let created = try await market.createDemand(
            NewDemand(buyer: buyer, crop: crop, quantity: quantity, unit: unit, price: price), actor: request.actor, scope: [], today: today)
        let id = created.id
        let what = "\(crop)\(MarketFormat.number(quantity))\(unit.zh)" + (price.map { "，\(MarketFormat.number($0))元/\(unit.zh)" } ?? "")
        let next = created.matches.isEmpty ? "有供货会短信通知您" : "已找到\(created.matches.count)份供货，服务中心将联系您"
        let nextEn = created.matches.isEmpty ? "" : " \(created.matches.count) offer(s) found."
        return LocalizedText(en: "Demand \(id): \(MarketFormat.number(quantity))\(unit.en) \(crop).\(nextEn) CANCEL \(id) cancels",
                             zh: "已登记收购\(id)号：\(what)。\(next)。取消回复：取消\(id)")
    }

    private func price(crop: String, today: String) async throws -> LocalizedText {
        guard let stats = try await market.priceStats(crop: crop, today: today) else {
            return LocalizedText(en: "No prices for \(crop) yet.", zh: "暂无“\(crop)”的价格数据。")
        }
        return stats.reply
    }

    private func subscribe(_ request: SMSRequest, member: Int64, crop: String, today: String) async throws -> LocalizedText {
        _ = try await market.crop(crop)
        _ = try await market.subscribe(member: member, crop: crop, today: today, actor: request.actor)
        let pct = MarketFormat.number(market.settings.alertPct)
        return LocalizedText(en: "\(crop) price alerts on: median moves >\(pct)%, max 1/day. STOP stops.",
                             zh: "已订阅\(crop)价格：中位价变动超过\(pct)%时短信提醒，每天最多一次。回复退订可停止。")
    }

    /// `取消 <ref>`: the sender's own open offer or demand numbered `ref` (they share one numbering).
    func cancel(_ request: SMSRequest, ref: Int64) async throws -> LocalizedText? {
        guard let member = request.memberID else { return nil }
        // 取消 asks every plugin in turn: one read says whether the number is this member's offer or demand
        // before any write transaction is opened.
        enum OwnListings: PreparedStatementName {}
        let (offered, demanded) = try await market.store.read { connection in
            try await connection.prepared(OwnListings.self,
                """
                SELECT EXISTS (SELECT 1 FROM market_offer WHERE id = \(ref) AND member_id = \(member)),
                       EXISTS (SELECT 1 FROM market_demand d JOIN market_buyer b ON b.id = d.buyer_id WHERE d.id = \(ref) AND b.member_id = \(member))
                """, logger: market.logger).decode((Bool, Bool).self).firstElement() ?? (false, false)
        }
        if offered, let (crop, previous) = try await market.cancelOffer(ref, member: member, actor: request.actor, scope: []) {
            return previous == "open"
                ? LocalizedText(en: "Offer \(ref) (\(crop)) cancelled.", zh: "已取消供货\(ref)号（\(crop)）。")
                : LocalizedText(en: "Offer \(ref) is \(previous) and cannot be cancelled; call the service centre.", zh: "供货\(ref)号已成交或结束，不能取消，请联系服务中心。")
        }
        if demanded, let (crop, previous) = try await market.cancelDemand(ref, member: member, actor: request.actor, scope: []) {
            return previous == "open"
                ? LocalizedText(en: "Demand \(ref) (\(crop)) cancelled.", zh: "已取消收购\(ref)号（\(crop)）。")
                : LocalizedText(en: "Demand \(ref) is \(previous) and cannot be cancelled.", zh: "收购\(ref)号已结束，不能取消。")
        }
        return nil
    }

    static func amount(_ slots: JSONValue) throws -> (Double, MarketUnit, Double?) {
        guard let quantity = number(slots["quantity"]), let unit = string(slots["unit"]).flatMap(MarketUnit.init(rawValue:)) else {
            throw HuzhuError(.syntax, "say how much, e.g. SELL citrus 2000 jin 3", zh: "请写数量，如：卖 柑橘 2000斤 3元")
        }
        return (quantity, unit, number(slots["price"]))
    }

    static func number(_ value: JSONValue?) -> Double? {
        switch value {
        case .int(let number)?: Double(number)
        case .double(let number)?: number
        default: nil
        }
    }

    static func string(_ value: JSONValue?) -> String? {
        if case .string(let text)? = value { return text }
        return nil
    }
}
