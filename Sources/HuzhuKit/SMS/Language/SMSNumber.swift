/// Numbers as farmers write them: Arabic (`5`, `3.5`), Chinese (`五`, `十二`, `两万三千`), the financial
/// forms (`壹贰叁`), and mixtures (`1万`, `1.5万`, `2千`).
///
/// Rules:
/// - digits `零〇一二两俩三四五六七八九` (and `壹贰叁肆伍陆柒捌玖`); multipliers `十百千万亿` (and `拾佰仟`);
/// - `十二` = 12, `二十` = 20, `一百零五` = 105, `两万三千` = 23000;
/// - a last digit after a multiplier counts in the next lower place, as people say it: `两万三` = 23000,
///   `一百五` = 150, `1万2` = 12000 (but `一万零五` = 10005);
/// - Chinese digits with no multiplier are read digit by digit: `二〇二六` = 2026;
/// - `点` between digits is a decimal point: `三点五` = 3.5; Arabic decimals use `.`;
/// - Arabic and Chinese digits directly next to each other are two numbers (`周三3人` has 三 and 3);
///   an Arabic number may be followed by multipliers (`1万`, `2千`).
///
/// `半` ("half") is not a number here; the quantity readers add it after a unit (`五亩半` = 5.5).
public enum SMSNumber {
    /// The value of a Chinese digit, or nil.
    public static func chineseDigit(_ character: Character) -> Int? {
        switch character {
        case "零", "〇": 0
        case "一", "壹", "幺": 1
        case "二", "两", "俩", "贰", "貮": 2
        case "三", "叁": 3
        case "四", "肆": 4
        case "五", "伍": 5
        case "六", "陆": 6
        case "七", "柒": 7
        case "八", "捌": 8
        case "九", "玖": 9
        default: nil
        }
    }

    /// The value of a Chinese multiplier (`十` 10 … `亿` 10⁸), or nil.
    public static func multiplier(_ character: Character) -> Double? {
        switch character {
        case "十", "拾": 10
        case "百", "佰": 100
        case "千", "仟": 1000
        case "万": 10_000
        case "亿": 100_000_000
        default: nil
        }
    }

    /// True when a number can start at `character` (a digit of either script, or `十`).
    public static func canStart(_ character: Character) -> Bool {
        SMSText.isDigit(character) || chineseDigit(character) != nil || character == "十" || character == "拾"
    }

    /// True when `character` can be part of a number (digit, multiplier, decimal point).
    public static func isNumeral(_ character: Character) -> Bool {
        canStart(character) || multiplier(character) != nil || character == "." || character == "点"
    }

    /// Parses a whole text as one number (`"两万三千"` → 23000), or nil if it is not exactly one number.
    public static func parse(_ text: String) -> Double? {
        let characters = Array(SMSText.normalise(text))
        guard let token = scan(characters, at: 0), token.range.upperBound == characters.count else { return nil }
        return token.value
    }

    /// Reads the longest number starting at `index` in `characters` (not past `limit`), or nil.
    ///
    /// The caller decides where numbers may start; this function does not look before `index`.
    public static func scan(_ characters: [Character], at index: Int, limit: Int? = nil) -> SMSNumberToken? {
        let end = min(limit ?? characters.count, characters.count)
        guard index < end, canStart(characters[index]) else { return nil }
        var atoms: [Atom] = []
        var position = index
        var fraction: String?
        var hasArabic = false
        var hasChinese = false
        scanning: while position < end {
            let character = characters[position]
            if SMSText.isDigit(character) {
                if let last = atoms.last, last.isChineseDigit { break }
                var text = ""
                while position < end, SMSText.isDigit(characters[position]) {
                    text.append(characters[position])
                    position += 1
                }
                if position + 1 < end, characters[position] == ".", SMSText.isDigit(characters[position + 1]) {
                    text.append(".")
                    position += 1
                    while position < end, SMSText.isDigit(characters[position]) {
                        text.append(characters[position])
                        position += 1
                    }
                }
                guard let value = Double(text) else { break }
                atoms.append(.arabic(value))
                hasArabic = true
            } else if let digit = chineseDigit(character) {
                if let last = atoms.last, case .arabic = last { break }
                atoms.append(.chinese(digit))
                hasChinese = true
                position += 1
            } else if let value = multiplier(character) {
                if atoms.isEmpty && value != 10 { break }
                atoms.append(.multiplier(value))
                hasChinese = true
                position += 1
            } else if character == "点", !atoms.isEmpty,
                position + 1 < end, chineseDigit(characters[position + 1]) != nil || SMSText.isDigit(characters[position + 1])
            {
                // 三点五 = 3.5: the digits after 点 are the decimals, read one by one.
                var digits = ""
                var next = position + 1
                while next < end {
                    if let digit = chineseDigit(characters[next]) { digits += String(digit) }
                    else if SMSText.isDigit(characters[next]) { digits.append(characters[next]) }
                    else { break }
                    next += 1
                }
                fraction = digits
                position = next
                break scanning
            } else {
                break
            }
        }
        guard var value = evaluate(atoms) else { return nil }
        if let fraction, let decimals = Double("0." + fraction) { value += decimals }
        return SMSNumberToken(value: value, range: index..<position, hasArabicDigits: hasArabic, hasChineseNumerals: hasChinese)
    }

    // MARK: - Evaluation

    private enum Atom {
        case arabic(Double)
        case chinese(Int)
        case multiplier(Double)

        var isChineseDigit: Bool { if case .chinese = self { true } else { false } }
    }

    private static func evaluate(_ atoms: [Atom]) -> Double? {
        guard !atoms.isEmpty else { return nil }
        // Only Chinese digits: read digit by digit (二〇二六 = 2026, 五 = 5).
        if atoms.allSatisfy(\.isChineseDigit) {
            let digits = atoms.map { if case .chinese(let digit) = $0 { String(digit) } else { "" } }.joined()
            return Double(digits)
        }
        var total = 0.0  // everything above the current 万/亿 section
        var section = 0.0  // the current section below 万
        var current: Double?  // the last digit(s) not yet multiplied
        var lastMultiplier = 1.0  // the last multiplier applied, for 两万三 = 23000
        var smallest = Double.infinity  // small multipliers in a section must decrease (百 then 十)
        var afterZero = false  // 一百零五: a digit after 零 counts as units
        for atom in atoms {
            switch atom {
            case .arabic(let value):
                guard current == nil else { return nil }
                current = value
            case .chinese(let digit):
                if digit == 0 {
                    guard current == nil else { return nil }
                    afterZero = true
                } else {
                    guard current == nil else { return nil }
                    current = Double(digit)
                }
            case .multiplier(let unit) where unit < 10_000:
                guard unit < smallest else { return nil }
                section += (current ?? 1) * unit
                current = nil
                smallest = unit
                lastMultiplier = unit
                afterZero = false
            case .multiplier(let unit):
                section += current ?? 0
                if section == 0 && total == 0 { section = 1 }
                if unit == 100_000_000 { total = (total + section) * unit } else { total += section * unit }
                section = 0
                current = nil
                smallest = .infinity
                lastMultiplier = unit
                afterZero = false
            }
        }
        if let current {
            // 两万三 = 23000, 一百五 = 150, but 十二 = 12 and 一百零五 = 105.
            if !afterZero, lastMultiplier > 10, current < 10, current == current.rounded() {
                section += current * lastMultiplier / 10
            } else {
                section += current
            }
        }
        return total + section
    }
}

/// A number found in a text: its value and where it stands.
public struct SMSNumberToken: Sendable, Equatable {
    /// The value (`十二` → 12, `3.5` → 3.5).
    public var value: Double
    /// The characters it covers.
    public var range: Range<Int>
    /// True when it contains Arabic digits.
    public var hasArabicDigits: Bool
    /// True when it contains Chinese digits or multipliers.
    public var hasChineseNumerals: Bool

    public init(value: Double, range: Range<Int>, hasArabicDigits: Bool, hasChineseNumerals: Bool) {
        self.value = value
        self.range = range
        self.hasArabicDigits = hasArabicDigits
        self.hasChineseNumerals = hasChineseNumerals
    }

    /// The value as an integer when it is whole.
    public var integer: Int? {
        value == value.rounded() && abs(value) < 1e15 ? Int(value) : nil
    }
}

extension JSONValue {
    /// A JSON number: `.int` when the value is whole, `.double` otherwise (5 → `5`, 5.5 → `5.5`).
    public static func number(_ value: Double) -> JSONValue {
        value == value.rounded() && abs(value) < 1e15 ? .int(Int(value)) : .double(value)
    }
}
