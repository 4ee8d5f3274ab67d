/// Builds the slots of a parse as a JSON object, in the order they are set, with the spec's value forms:
/// numbers as `.int` when whole and `.double` otherwise, days as `YYYY-MM-DD`; absent optional slots are
/// left out.
public struct SMSSlots: Sendable {
    public private(set) var pairs: [(String, JSONValue)] = []

    public init() {}

    /// Sets a slot; nil leaves it out.
    public mutating func set(_ key: String, _ value: JSONValue?) {
        guard let value else { return }
        pairs.removeAll { $0.0 == key }
        pairs.append((key, value))
    }

    /// Sets a text slot; nil leaves it out.
    public mutating func set(_ key: String, _ value: String?) {
        set(key, value.map(JSONValue.string))
    }

    /// Sets a number slot (`5` or `5.5`); nil leaves it out.
    public mutating func set(_ key: String, _ value: Double?) {
        set(key, value.map(JSONValue.number))
    }

    /// Sets an integer slot; nil leaves it out.
    public mutating func set(_ key: String, _ value: Int?) {
        set(key, value.map(JSONValue.int))
    }

    /// Sets a date slot as `YYYY-MM-DD`; nil leaves it out.
    public mutating func set(_ key: String, _ value: SMSDay?) {
        set(key, value.map { JSONValue.string($0.iso) })
    }

    /// The slots as a JSON object.
    public var json: JSONValue { .object(pairs) }

    /// Checks that a count (`crew`, `people`, `tables`, `stars`, an id) is whole and within `range`;
    /// nil passes through.
    public static func whole(_ value: Double?, slot: String, in range: ClosedRange<Int>) throws(SMSSlotError) -> Int? {
        guard let value else { return nil }
        guard value == value.rounded(), value >= Double(range.lowerBound), value <= Double(range.upperBound) else {
            throw SMSSlotError.invalid(
                slot, LocalizedText(en: "a whole number from \(range.lowerBound) to \(range.upperBound)", zh: "应为\(range.lowerBound)到\(range.upperBound)的整数"))
        }
        return Int(value)
    }

    /// Checks that a measure (`area_mu`, `quantity`, `price`) is above zero; nil passes through.
    public static func positive(_ value: Double?, slot: String) throws(SMSSlotError) -> Double? {
        guard let value else { return nil }
        guard value > 0, value.isFinite else {
            throw SMSSlotError.invalid(slot, LocalizedText(en: "must be more than 0", zh: "应大于0"))
        }
        return value
    }
}

extension SMSIntent {
    /// The handler of an intent whose plugin has not wired its own yet: answers that the service is not
    /// available. Plugins replace it with `replacingHandler(_:)`.
    public static let unhandled: @Sendable (SMSRequest) async throws -> LocalizedText = { request in
        LocalizedText(en: "This service is not available yet (\(request.intent)).", zh: "该服务暂未开通。")
    }

    /// The same intent (name, keywords, aliases, example, parser) with another handler.
    public func replacingHandler(_ handle: @escaping @Sendable (SMSRequest) async throws -> LocalizedText) -> SMSIntent {
        SMSIntent(name, keywords: keywords, aliases: aliases, example: example, parse: parse, handle: handle)
    }
}
