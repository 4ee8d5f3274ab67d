/// How many SMS segments a text takes, and where to cut a long one.
///
/// A text of GSM-7 characters fits 160 in one segment and 153 per part when concatenated (characters of
/// GSM-7's extension table, such as `€ [ ] { } ~ ^ \ |`, count twice). Anything else (Chinese) is sent as
/// UCS-2: 70 in one segment, 67 per concatenated part, counted in UTF-16 units.
public enum SMSSegments {
    /// The encoding a text needs.
    public enum Encoding: String, Sendable { case gsm7, ucs2 }

    static let gsmBasic: Set<Character> = Set(
        "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
    static let gsmExtension: Set<Character> = Set("^{}\\[~]|€\u{0C}")

    public static func encoding(of text: String) -> Encoding {
        text.allSatisfy { gsmBasic.contains($0) || gsmExtension.contains($0) } ? .gsm7 : .ucs2
    }

    /// Length in the units segments are counted in (septets for GSM-7, UTF-16 units for UCS-2).
    public static func units(of text: String, encoding: Encoding) -> Int {
        switch encoding {
        case .gsm7: return text.reduce(0) { $0 + (gsmExtension.contains($1) ? 2 : 1) }
        case .ucs2: return text.utf16.count
        }
    }

    /// The number of segments `text` takes (0 for an empty text).
    public static func count(_ text: String) -> Int {
        let encoding = encoding(of: text)
        let length = units(of: text, encoding: encoding)
        let (single, part) = encoding == .gsm7 ? (160, 153) : (70, 67)
        if length == 0 { return 0 }
        return length <= single ? 1 : (length + part - 1) / part
    }

    /// Whether `text` fits one segment.
    public static func fitsOne(_ text: String) -> Bool { count(text) <= 1 }

    /// Cuts a text into parts of at most one concatenated part each, preferring to cut after a sentence
    /// mark, then after a comma or space, and only then inside a word.
    public static func split(_ text: String) -> [String] {
        if fitsOne(text) { return text.isEmpty ? [] : [text] }
        let encoding = encoding(of: text)
        let limit = encoding == .gsm7 ? 153 : 67
        var parts: [String] = []
        var rest = Substring(text)
        while !rest.isEmpty {
            var taken = 0
            var end = rest.startIndex
            var lastStrong: Substring.Index?
            var lastWeak: Substring.Index?
            while end < rest.endIndex {
                let character = rest[end]
                let cost = units(of: String(character), encoding: encoding)
                if taken + cost > limit { break }
                taken += cost
                end = rest.index(after: end)
                if "。；;！!？?\n".contains(character) { lastStrong = end }
                else if "，,、 ：:".contains(character) { lastWeak = end }
            }
            let cut = end == rest.endIndex ? end : (lastStrong ?? lastWeak ?? end)
            parts.append(String(rest[..<cut]))
            rest = rest[cut...]
        }
        return parts
    }
}
