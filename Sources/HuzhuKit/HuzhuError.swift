/// An error meant for the person who reads it: a stable code plus a message, in English and Chinese,
/// that says what was wrong and what the right form is.
///
/// The codes are the console's error codes; SMS replies and HTTP answers map from them too.
public struct HuzhuError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The console's error codes. They stay English in every language.
    public enum Code: String, Sendable, CaseIterable {
        case syntax = "SYNTAX"
        case unknownCommand = "UNKNOWN_COMMAND"
        case auth = "AUTH"
        case denied = "DENIED"
        case notFound = "NOT_FOUND"
        case conflict = "CONFLICT"
        case invalid = "INVALID"
        case limit = "LIMIT"
        case unavailable = "UNAVAILABLE"
        case `internal` = "INTERNAL"
    }

    /// What kind of failure this is.
    public var code: Code
    /// The message in English and Chinese.
    public var message: LocalizedText

    /// Creates an error; give the Chinese text whenever a person will read it.
    public init(_ code: Code, _ english: String, zh: String? = nil) {
        self.code = code
        self.message = LocalizedText(en: english, zh: zh)
    }

    /// Creates an error from an already localised message.
    public init(_ code: Code, message: LocalizedText) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message.en)" }
}

/// A text in the two languages Huzhu speaks. Chinese falls back to English where no translation exists.
public struct LocalizedText: Sendable, Equatable, Hashable, ExpressibleByStringLiteral {
    /// The English text.
    public var en: String
    /// The Chinese text, when there is one.
    public var zhOrNil: String?

    /// Creates a text in both languages.
    public init(en: String, zh: String?) {
        self.en = en
        self.zhOrNil = zh
    }

    /// An English-only text (for operator-facing messages that have no translation yet).
    public init(stringLiteral value: String) {
        self.init(en: value, zh: nil)
    }

    /// The Chinese text, or the English one when there is no translation.
    public var zh: String { zhOrNil ?? en }

    /// The text in a language.
    public func text(in language: Language) -> String {
        language == .zh ? zh : en
    }
}

/// The languages of replies and console sessions.
public enum Language: String, Sendable, CaseIterable, Codable {
    case zh
    case en
}
