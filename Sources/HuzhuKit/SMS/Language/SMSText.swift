/// Normalisation of a farmer's SMS text, the first step before any keyword or slot is read.
///
/// Messages from feature phones mix full-width and half-width characters, Chinese and ASCII punctuation,
/// stray control characters and, on some phones, traditional characters. `normalise(_:)` turns them into
/// one canonical form that every reader in the SMS layer relies on:
///
/// - full-width ASCII (`！`–`～`, so `０`–`９`, `Ａ`–`ｚ`, `？`, `．`, `／`) becomes half-width;
/// - a few traditional characters common in these messages become simplified (`後天` → `后天`, `兩` → `两`);
/// - control and invisible format characters (zero-width spaces, BOM) are dropped;
/// - whitespace (incl. the ideographic space U+3000), quotes and brackets are *space separators*;
/// - Chinese and ASCII punctuation `，,、。！!；;：:…` are *comma separators*;
/// - a run of separators becomes one character: `,` if the run held any punctuation, else one space;
///   separators at the start and end are dropped (so a trailing `。` or `!` disappears).
///
/// Letter case is kept (aliases and ASCII words are compared case-insensitively by their readers).
/// `?` is kept: on its own it asks for help. `.`, `/`, `-`, `#`, `*` are kept: they belong to decimals,
/// dates (`6/12`, `6.12`), prices (`3元/斤`) and ids. A comma between a digit and exactly three digits
/// is a thousands separator and is dropped (`2,000斤` → `2000斤`); other commas separate (`7,2人`).
public enum SMSText {
    /// The separator standing for whitespace in normalised text.
    public static let space: Character = " "
    /// The separator standing for punctuation (`，、；：。！…`) in normalised text.
    public static let comma: Character = ","

    /// Returns the normalised form of `raw` (see the type's documentation). Normalising twice changes nothing.
    public static func normalise(_ raw: String) -> String {
        let scalars: [Unicode.Scalar] = raw.unicodeScalars.map { original in
            var scalar = original
            if (0xFF01...0xFF5E).contains(scalar.value), let half = Unicode.Scalar(scalar.value - 0xFEE0) {
                scalar = half
            }
            return traditionalToSimplified[scalar] ?? scalar
        }
        var out = String.UnicodeScalarView()
        var pending: Unicode.Scalar?
        for (index, scalar) in scalars.enumerated() {
            if scalar == ",", isThousandsSeparator(at: index, in: scalars) { continue }
            switch kind(of: scalar) {
            case .drop:
                continue
            case .space:
                if pending == nil { pending = " " }
            case .punctuation:
                pending = ","
            case .keep:
                if let separator = pending, !out.isEmpty { out.append(separator) }
                pending = nil
                out.append(scalar)
            }
        }
        return String(out)
    }

    /// `2,000斤`: a comma between a digit and exactly three digits (not followed by another digit).
    private static func isThousandsSeparator(at index: Int, in scalars: [Unicode.Scalar]) -> Bool {
        func isDigit(_ position: Int) -> Bool { position < scalars.count && (0x30...0x39).contains(scalars[position].value) }
        return index > 0 && isDigit(index - 1) && isDigit(index + 1) && isDigit(index + 2) && isDigit(index + 3) && !isDigit(index + 4)
    }

    /// True for the two separators of normalised text (space and comma).
    public static func isSeparator(_ character: Character) -> Bool {
        character == space || character == comma
    }

    /// Removes separators at both ends of an already normalised text.
    public static func trimmingSeparators(_ text: some StringProtocol) -> String {
        var characters = Substring(text)
        while let first = characters.first, isSeparator(first) { characters.removeFirst() }
        while let last = characters.last, isSeparator(last) { characters.removeLast() }
        return String(characters)
    }

    /// The words of a normalised text, split at separators.
    public static func words(_ text: String) -> [String] {
        text.split(whereSeparator: isSeparator).map(String.init)
    }

    /// Lowercases ASCII letters only (Chinese and other text unchanged): how ASCII words are compared.
    public static func foldASCII(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { scalar in
            (0x41...0x5A).contains(scalar.value) ? Unicode.Scalar(scalar.value + 0x20)! : scalar
        }))
    }

    /// True for `A`–`Z` and `a`–`z`.
    public static func isASCIILetter(_ character: Character) -> Bool {
        guard let ascii = character.asciiValue else { return false }
        return (0x41...0x5A).contains(ascii) || (0x61...0x7A).contains(ascii)
    }

    /// True for the Arabic digits `0`–`9` (after normalisation, full-width digits are these too).
    public static func isDigit(_ character: Character) -> Bool {
        guard let ascii = character.asciiValue else { return false }
        return (0x30...0x39).contains(ascii)
    }

    /// True for a CJK ideograph (the letters of Chinese words).
    public static func isHan(_ character: Character) -> Bool {
        guard let scalar = character.unicodeScalars.first else { return false }
        switch scalar.value {
        case 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xF900...0xFAFF, 0x20000...0x2FA1F: return true
        default: return false
        }
    }

    /// The number of characters an SMS reply may have to fit one UCS-2 segment.
    public static let singleSegmentLength = 70

    // MARK: - Classification

    private enum Kind { case keep, drop, space, punctuation }

    private static func kind(of scalar: Unicode.Scalar) -> Kind {
        switch scalar {
        case " ", "\t", "\n", "\r", "\u{0B}", "\u{0C}", "\u{A0}", "\u{3000}", "\u{202F}", "\u{205F}", "\u{2000}"..."\u{200A}":
            return .space
        case "\"", "(", ")", "[", "]", "{", "}", "<", ">", "\u{201C}", "\u{201D}", "\u{2018}", "\u{2019}",
            "\u{300C}", "\u{300D}", "\u{300E}", "\u{300F}", "\u{3010}", "\u{3011}", "\u{300A}", "\u{300B}",
            "\u{3008}", "\u{3009}", "\u{3014}", "\u{3015}":
            return .space  // quotes and brackets: “张三”, 【卖】, （脐橙）
        case ",", "\u{3001}", "\u{3002}", "!", ";", ":", "\u{2026}", "\u{FF61}", "\u{FF64}", "\u{FE50}", "\u{FE51}", "\u{FE52}":
            return .punctuation  // ， 、 。 ！ ； ： … and half-width ｡ ､ and small ﹐﹑﹒
        default:
            switch scalar.properties.generalCategory {
            case .control, .format, .surrogate, .privateUse, .unassigned: return .drop
            case .nonspacingMark where (0xFE00...0xFE0F).contains(scalar.value): return .drop  // variation selectors
            case .lineSeparator, .paragraphSeparator, .spaceSeparator: return .space
            default: return .keep
            }
        }
    }

    /// Traditional characters seen in SMS from phones set to traditional Chinese, mapped to the simplified
    /// forms the keywords and readers use (only characters of the SMS language are listed), plus a
    /// look-alike slip (`曰` for `日`).
    public static let traditionalToSimplified: [Unicode.Scalar: Unicode.Scalar] = [
        "後": "后", "兩": "两", "倆": "俩", "萬": "万", "億": "亿", "個": "个", "號": "号", "週": "周",
        "禮": "礼", "預": "预", "約": "约", "買": "买", "賣": "卖", "價": "价", "訂": "订", "閱": "阅",
        "幫": "帮", "報": "报", "註": "注", "冊": "册", "評": "评", "噸": "吨", "畝": "亩", "張": "张",
        "請": "请", "僱": "雇", "動": "动", "貳": "贰", "參": "参", "這": "这", "幾": "几", "隻": "只",
        "頭": "头", "塊": "块", "錢": "钱", "問": "问", "樹": "树", "藥": "药", "噴": "喷", "採": "采",
        "穀": "谷", "葉": "叶", "結": "结", "喪": "丧", "會": "会", "節": "节", "來": "来", "點": "点",
        "麥": "麦", "蘋": "苹", "說": "说", "謝": "谢", "門": "门", "鄉": "乡", "鎮": "镇", "園": "园",
        "農": "农", "蟲": "虫", "機": "机", "収": "收", "無": "无", "戶": "户", "歲": "岁",
        // Look-alike slips: 曰 ("say", all but unused in these messages) typed for 日 (day).
        "曰": "日",
    ]
}
