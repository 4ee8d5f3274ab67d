import HuzhuKit

/// What the router made of one message: the intent, its slots, or why the slots could not be read.
public struct SMSParse: Sendable, Equatable {
    /// The intent's name (`labour.request`), or `core.unknown` when no keyword matched.
    public var intent: String
    /// The keyword or alias that matched, as the intent declares it (nil for `core.unknown`).
    public var keyword: String?
    /// The normalised text after the keyword (for `core.unknown`, the whole normalised message).
    public var text: String
    /// The slots as a JSON object (empty when `error` is set; `{"text": …}` for `core.unknown`).
    public var slots: JSONValue
    /// Set when the message could not be read: the reply to send instead of acting.
    public var error: SMSParseError?

    public init(intent: String, keyword: String?, text: String, slots: JSONValue, error: SMSParseError? = nil) {
        self.intent = intent
        self.keyword = keyword
        self.text = text
        self.slots = slots
        self.error = error
    }

    /// True when an intent matched and its slots were read.
    public var isUnderstood: Bool { error == nil }
}

/// Why a message could not be acted on; `message` is the SMS reply (one segment).
public struct SMSParseError: Error, Sendable, Equatable {
    /// `SYNTAX` (missing slots, unexpected text), `INVALID` (a wrong value), `UNKNOWN_COMMAND` (no keyword).
    public var code: HuzhuError.Code
    /// The slot concerned (the first missing one), when the error is about a slot.
    public var slot: String?
    /// The reply: what is missing or wrong, and the example.
    public var message: LocalizedText

    public init(code: HuzhuError.Code, slot: String?, message: LocalizedText) {
        self.code = code
        self.slot = slot
        self.message = message
    }
}
