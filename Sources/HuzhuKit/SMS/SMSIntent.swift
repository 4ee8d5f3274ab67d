import Foundation

/// Something a farmer can ask by SMS: its keywords, how to read the rest of the message, and what to do.
///
/// Every message starts with a keyword (`找人`, or an ASCII alias such as `WORK` for phones without
/// Chinese input); the router picks the intent by keyword, with or without a space after it.
public struct SMSIntent: Sendable {
    /// `<plugin>.<verb>`, e.g. `labour.request`.
    public let name: String
    /// Chinese keywords (`找人`, `请人`).
    public let keywords: [String]
    /// ASCII aliases, matched case-insensitively (`WORK`).
    public let aliases: [String]
    /// A correct example, quoted in replies that say what was missing.
    public let example: String
    /// Reads the text after the keyword into slots (as in the SMS language spec); throws `HuzhuError`
    /// whose message is the reply (what is missing, with the example).
    public let parse: @Sendable (_ text: String, _ context: SMSParseContext) throws -> JSONValue
    /// Acts on a parsed message and returns the reply.
    public let handle: @Sendable (SMSRequest) async throws -> LocalizedText

    public init(
        _ name: String, keywords: [String], aliases: [String], example: String,
        parse: @escaping @Sendable (_ text: String, _ context: SMSParseContext) throws -> JSONValue,
        handle: @escaping @Sendable (SMSRequest) async throws -> LocalizedText
    ) {
        self.name = name
        self.keywords = keywords
        self.aliases = aliases
        self.example = example
        self.parse = parse
        self.handle = handle
    }
}

/// What a parser may need: when the message arrived and in which time zone dates are read.
public struct SMSParseContext: Sendable {
    public let receivedAt: Date
    public let timeZone: TimeZone

    public init(receivedAt: Date, timeZone: TimeZone) {
        self.receivedAt = receivedAt
        self.timeZone = timeZone
    }
}

/// A parsed message, as an intent's handler receives it.
public struct SMSRequest: Sendable {
    public let intent: String
    public let slots: JSONValue
    /// The sender's number.
    public let phone: PhoneNumber
    /// The sender's member id, when the number is registered.
    public let memberID: Int64?
    public let receivedAt: Date
    /// The language to reply in.
    public let language: Language
    /// The stored inbound message's id: the same when a gateway redelivers a message whose first handling
    /// was cut short, so a handler that must not act twice can record it (e.g. in a unique column).
    public let messageID: Int64?
    /// The sender's village as the hub found it when the message arrived (nil when the number is not
    /// registered, or when whoever built the request did not say): a handler need not read it again.
    public let villageID: Int?
    /// The sender's household, likewise (also nil for a member without one).
    public let householdID: Int64?

    public init(intent: String, slots: JSONValue, phone: PhoneNumber, memberID: Int64?, receivedAt: Date, language: Language,
                messageID: Int64? = nil, villageID: Int? = nil, householdID: Int64? = nil) {
        self.intent = intent
        self.slots = slots
        self.phone = phone
        self.memberID = memberID
        self.receivedAt = receivedAt
        self.language = language
        self.messageID = messageID
        self.villageID = villageID
        self.householdID = householdID
    }

    /// The actor for writes this message causes.
    public var actor: Actor { Actor("sms:\(phone.e164)", onBehalfOf: memberID) }
}
