import Foundation
import HuzhuKit

/// The sales association's SMS intents: offer produce, ask to buy, ask the price, subscribe to prices.
///
/// Parsers only; the plugin wires its handlers with `intents(vocabulary:handle:)` (one handler switching
/// on `request.intent`) or `SMSIntent.replacingHandler`.
public enum MarketSMS {
    public static let sell = "market.sell"
    public static let buy = "market.buy"
    public static let price = "market.price"
    public static let subscribe = "market.subscribe"

    public static let sellExample = "卖 柑橘 2000斤 3元"
    public static let buyExample = "收购 土豆 5吨"
    public static let priceExample = "查价 柑橘"
    public static let subscribeExample = "订阅 柑橘"

    /// The four intents, reading with `vocabulary()` at each message.
    public static func intents(
        vocabulary: @escaping @Sendable () -> SMSVocabulary = { .standard },
        handle: @escaping @Sendable (SMSRequest) async throws -> LocalizedText = SMSIntent.unhandled
    ) -> [SMSIntent] {
        [
            SMSIntent(
                sell, keywords: ["卖", "出售"], aliases: ["SELL"], example: sellExample,
                parse: { text, context in try parseSell(text, context, vocabulary: vocabulary()) }, handle: handle),
            SMSIntent(
                buy, keywords: ["收", "收购", "买"], aliases: ["BUY"], example: buyExample,
                parse: { text, context in try parseBuy(text, context, vocabulary: vocabulary()) }, handle: handle),
            SMSIntent(
                price, keywords: ["查价", "价格"], aliases: ["PRICE"], example: priceExample,
                parse: { text, context in try parsePrice(text, context, vocabulary: vocabulary()) }, handle: handle),
            SMSIntent(
                subscribe, keywords: ["订阅"], aliases: ["SUB"], example: subscribeExample,
                parse: { text, context in try parseSubscribe(text, context, vocabulary: vocabulary()) }, handle: handle),
        ]
    }

    /// `卖 柑橘 2000斤 3元` in any order: `crop`, `quantity`, `unit`, `price` (optional, yuan per unit).
    public static func parseSell(_ text: String, _ context: SMSParseContext, vocabulary: SMSVocabulary = .standard) throws(SMSSlotError) -> JSONValue {
        try listing(text, vocabulary: vocabulary, example: sellExample)
    }

    /// `收购 土豆 5吨`, `收 柑橘 2000斤 2.5元`: the same slots as `parseSell`.
    public static func parseBuy(_ text: String, _ context: SMSParseContext, vocabulary: SMSVocabulary = .standard) throws(SMSSlotError) -> JSONValue {
        try listing(text, vocabulary: vocabulary, example: buyExample)
    }

    /// `查价 柑橘`, `价格 洋芋`: `crop`.
    public static func parsePrice(_ text: String, _ context: SMSParseContext, vocabulary: SMSVocabulary = .standard) throws(SMSSlotError) -> JSONValue {
        try cropOnly(text, vocabulary: vocabulary, example: priceExample)
    }

    /// `订阅 柑橘`, `SUB citrus`: `crop`.
    public static func parseSubscribe(_ text: String, _ context: SMSParseContext, vocabulary: SMSVocabulary = .standard) throws(SMSSlotError) -> JSONValue {
        try cropOnly(text, vocabulary: vocabulary, example: subscribeExample)
    }

    /// Reads a listing.
    ///
    /// - `crop`: a crop of the vocabulary anywhere (synonyms normalised: `桔子` → `柑橘`); otherwise the
    ///   first word left over once quantity and price are read (`板栗`), fillers stripped.
    /// - `quantity` + `unit`: `2000斤`, `两吨`, `1万斤`, `500 kg`, `30箱`.
    /// - `price`: `3元`, `3块`, `三块五`, `3.5元/斤`, `每斤3元`, `单价3`; a number standing alone once a
    ///   quantity was read (`卖 柑橘 2000斤 3`). A price per another weight unit is converted
    ///   (`2吨 1.5元/斤` → 3000 per t); per an unrelated unit (`元/箱` for 斤) it is refused.
    /// - A number standing alone with no unit is the quantity; its unit is the price's (`2000 3元/斤` →
    ///   2000 jin) or reported missing.
    static func listing(_ text: String, vocabulary: SMSVocabulary, example: String) throws(SMSSlotError) -> JSONValue {
        do throws(SMSSlotError) {
            var reader = SMSSlotReader(text, vocabulary: vocabulary)
            var crop = reader.takeWord(from: vocabulary.crops)
            var price = reader.takePrice()
            var quantity: Double?
            var unit: String?
            if let found = reader.takeQuantity() {
                quantity = found.value
                unit = found.unit
                if price == nil, let bare = reader.takeNumber() { price = SMSPrice(yuan: bare) }
            } else if let bare = reader.takeNumber() {
                quantity = bare
                unit = price?.perUnit
            }
            if crop == nil { crop = reader.leftoverWords().first }
            let missing = [crop == nil ? "crop" : nil, quantity == nil ? "quantity" : nil, unit == nil ? "unit" : nil].compactMap { $0 }
            guard missing.isEmpty, let unit else { throw SMSSlotError.missing(missing) }
            let yuan: Double?
            if let price {
                guard let perUnit = price.yuan(per: unit) else {
                    throw SMSSlotError.invalid("price", LocalizedText(en: "the price is per another unit than the quantity", zh: "价格单位与数量单位不一致"))
                }
                yuan = try SMSSlots.positive(perUnit, slot: "price")
            } else {
                yuan = nil
            }
            var slots = SMSSlots()
            slots.set("crop", crop)
            slots.set("quantity", try SMSSlots.positive(quantity, slot: "quantity"))
            slots.set("unit", unit)
            slots.set("price", yuan)
            return slots.json
        } catch {
            throw error.with(example: example)
        }
    }

    /// Reads `crop` alone (a crop of the vocabulary, else the first word left, fillers stripped).
    static func cropOnly(_ text: String, vocabulary: SMSVocabulary, example: String) throws(SMSSlotError) -> JSONValue {
        var reader = SMSSlotReader(text, vocabulary: vocabulary)
        guard let crop = reader.takeWord(from: vocabulary.crops) ?? reader.leftoverWords().first else {
            throw SMSSlotError.missing(["crop"], example: example)
        }
        var slots = SMSSlots()
        slots.set("crop", crop)
        return slots.json
    }
}
