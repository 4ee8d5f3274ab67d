/// Why a message could not be read into slots: which slots are missing or wrong. Its `message` is the
/// SMS reply — what is missing or wrong, and the intent's example — and fits one segment (≤70 characters
/// in Chinese).
///
/// Parsers throw it (the router turns it into the reply and reports `slot` to tests and logs); code that
/// needs a `HuzhuError` uses `huzhuError` (`SYNTAX` for missing slots, `INVALID` for wrong values).
public struct SMSSlotError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        /// Required slots are absent.
        case missing
        /// A slot is there but its value is not acceptable (a 6-star rating, 2月30日).
        case invalid
        /// Text that the intent does not take (e.g. anything after `退订`).
        case unexpected
    }

    public var kind: Kind
    /// The slots concerned, most important first (empty for `unexpected`).
    public var slots: [String]
    /// For `invalid` and `unexpected`: what is wrong, in a few words.
    public var detail: LocalizedText?
    /// The intent's example, quoted in the message (filled in by the parser or the router).
    public var example: String?

    public init(_ kind: Kind, slots: [String], detail: LocalizedText? = nil, example: String? = nil) {
        self.kind = kind
        self.slots = slots
        self.detail = detail
        self.example = example
    }

    /// Required slots are missing.
    public static func missing(_ slots: [String], example: String? = nil) -> SMSSlotError {
        SMSSlotError(.missing, slots: slots, example: example)
    }

    /// A slot's value is wrong; `detail` says how (`只能是1到5星`).
    public static func invalid(_ slot: String, _ detail: LocalizedText, example: String? = nil) -> SMSSlotError {
        SMSSlotError(.invalid, slots: [slot], detail: detail, example: example)
    }

    /// The first slot concerned, if any.
    public var slot: String? { slots.first }

    /// The same error quoting `example` (kept when one is already set).
    public func with(example: String) -> SMSSlotError {
        var copy = self
        if copy.example == nil { copy.example = example }
        return copy
    }

    /// The reply: `缺少日期。请这样发：找人 插秧 5亩 6月12日 3人`, `评分(1-5星)不对：只能是1到5星。请这样发：评 12 5`.
    /// An `unexpected` error's detail is the whole reply (no example).
    public var message: LocalizedText {
        let names = slots.map { Self.name(of: $0) }
        let zhNames = Self.list(names.map(\.zh), comma: "、", and: "和")
        let enNames = Self.list(names.map(\.en), comma: ", ", and: " and ")
        var zh: String
        var en: String
        switch kind {
        case .missing:
            zh = "缺少\(zhNames)。"
            en = "Missing \(enNames)."
        case .invalid:
            zh = "\(zhNames)不对：\(detail?.zh ?? "无法识别")。"
            en = "Wrong \(enNames): \(detail?.en ?? "not understood")."
        case .unexpected:
            return LocalizedText(en: "\(detail?.en ?? "Unexpected text").", zh: "\(detail?.zh ?? "多了内容")。")
        }
        if let example {
            zh += "请这样发：\(example)"
            en += " Send e.g.: \(example)"
        }
        return LocalizedText(en: en, zh: zh)
    }

    private static func list(_ items: [String], comma: String, and: String) -> String {
        guard items.count > 1 else { return items.first ?? "" }
        return items.dropLast().joined(separator: comma) + and + items.last!
    }

    /// `SYNTAX` (missing, unexpected) or `INVALID` (wrong value) with the same message.
    public var huzhuError: HuzhuError {
        HuzhuError(kind == .invalid ? .invalid : .syntax, message: message)
    }

    public var description: String { "\(kind.rawValue) \(slots.joined(separator: ",")): \(message.en)" }

    /// The name of a slot in replies (a slot not in `slotNames` is shown by its key).
    public static func name(of slot: String) -> LocalizedText {
        slotNames[slot] ?? LocalizedText(en: slot, zh: slot)
    }

    /// Slot → its name in replies.
    public static let slotNames: [String: LocalizedText] = [
        "task": LocalizedText(en: "work (e.g. 插秧)", zh: "农活(如插秧)"),
        "area_mu": LocalizedText(en: "area in mu", zh: "亩数"),
        "date": LocalizedText(en: "date", zh: "日期"),
        "crew": LocalizedText(en: "number of people", zh: "人数"),
        "job": LocalizedText(en: "job number", zh: "工作编号"),
        "stars": LocalizedText(en: "rating (1-5 stars)", zh: "评分(1-5星)"),
        "event": LocalizedText(en: "event number", zh: "活动编号"),
        "people": LocalizedText(en: "number of people", zh: "人数"),
        "service": LocalizedText(en: "service (wedding or funeral)", zh: "服务(婚宴或丧事)"),
        "tables": LocalizedText(en: "number of tables", zh: "桌数"),
        "crop": LocalizedText(en: "produce", zh: "农产品名"),
        "quantity": LocalizedText(en: "quantity", zh: "数量"),
        "unit": LocalizedText(en: "unit (jin/kg/t/piece/box)", zh: "单位(斤/公斤/吨/个/箱)"),
        "price": LocalizedText(en: "price", zh: "价格"),
        "name": LocalizedText(en: "name", zh: "姓名"),
        "village": LocalizedText(en: "village", zh: "村名"),
        "topic": LocalizedText(en: "topic", zh: "帮助主题"),
        "ref": LocalizedText(en: "number", zh: "编号"),
    ]
}
