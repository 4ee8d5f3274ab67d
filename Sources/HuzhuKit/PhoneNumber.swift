/// A phone number in E.164 form (`+8613800138000`).
///
/// Farmers and staff write numbers in many ways: `13800138000`, `+86 138-0013-8000`, `008613800138000`,
/// full-width digits from a Chinese input method, a landline with its area code `0717-1234567`. They all
/// normalise to one value so that a sender is recognised however the gateway or the clerk wrote it.
public struct PhoneNumber: Sendable, Hashable, Comparable, CustomStringConvertible, Codable {
    /// The number in E.164 form, `+` and digits only.
    public let e164: String

    /// Parses a number written by a person or a gateway.
    ///
    /// Numbers without a country prefix are Chinese (the default region): an 11-digit mobile number
    /// starting `13`–`19`, or a landline written with its leading `0` and area code. Numbers with
    /// `+`, `00` or (for China) `86` in front keep their country code.
    public init(parsing raw: String) throws(HuzhuError) {
        var digits = ""
        var sawPlus = false
        for scalar in raw.unicodeScalars {
            switch scalar.value {
            case 0x30...0x39: digits.unicodeScalars.append(scalar)
            case 0xFF10...0xFF19: digits.unicodeScalars.append(Unicode.Scalar(scalar.value - 0xFF10 + 0x30)!)
            case 0x2B, 0xFF0B:  // + and full-width ＋
                guard digits.isEmpty, !sawPlus else { throw Self.invalid(raw, "a '+' may only stand at the start") }
                sawPlus = true
            case 0x20, 0x3000, 0x2D, 0xFF0D, 0x2010...0x2015, 0x28, 0x29, 0xFF08, 0xFF09, 0x2E, 0x09:
                continue  // spaces, dashes, brackets and dots people put between digit groups
            default:
                throw Self.invalid(raw, "it contains '\(Character(scalar))', which is not a digit")
            }
        }
        guard !digits.isEmpty else { throw Self.invalid(raw, "it has no digits") }

        var international: String?
        if sawPlus {
            international = digits
        } else if digits.hasPrefix("00") {
            international = String(digits.dropFirst(2))
        } else if digits.hasPrefix("86"), digits.count == 13, digits.dropFirst(2).first == "1" {
            international = digits  // 8613800138000 written without the plus
        }

        if let international {
            if international.hasPrefix("86") {
                self.e164 = try "+86" + Self.chineseNationalNumber(String(international.dropFirst(2)), raw: raw)
            } else {
                guard (8...15).contains(international.count), international.first != "0" else {
                    throw Self.invalid(raw, "an international number has a country code and 8 to 15 digits in all")
                }
                self.e164 = "+" + international
            }
        } else {
            self.e164 = try "+86" + Self.chineseNationalNumber(digits, raw: raw, trunkPrefixAllowed: true)
        }
    }

    /// Creates a number from a value already in E.164 form (as stored); returns nil if it is not.
    public init?(e164: String) {
        guard e164.first == "+", (9...16).contains(e164.count),
            e164.dropFirst().allSatisfy({ $0.isASCII && $0.isNumber })
        else { return nil }
        self.e164 = e164
    }

    /// Validates the national part of a Chinese number (mobile or landline) and returns it without a trunk `0`.
    private static func chineseNationalNumber(
        _ national: String, raw: String, trunkPrefixAllowed: Bool = false
    ) throws(HuzhuError) -> String {
        if national.first == "1", !national.hasPrefix("10") {  // 10 is Beijing's area code, not a mobile prefix
            guard national.count == 11 else {
                throw invalid(raw, "a Chinese mobile number has 11 digits (it has \(national.count))")
            }
            guard let second = national.dropFirst().first, ("3"..."9").contains(second) else {
                throw invalid(raw, "a Chinese mobile number starts with 13 to 19")
            }
            return national
        }
        var landline = Substring(national)
        if landline.first == "0" {
            guard trunkPrefixAllowed else { throw invalid(raw, "after +86 the area code is written without its 0") }
            landline = landline.dropFirst()
        } else if trunkPrefixAllowed {
            throw invalid(raw, "write a mobile number with 11 digits, or a landline with its area code (0717-1234567)")
        }
        // Area codes are 2–3 digits (10, 20–29, 3xx–9xx) followed by a 7–8 digit subscriber number.
        guard (9...11).contains(landline.count), landline.first != "0",
            landline.first != "1" || (landline.hasPrefix("10") && landline.count == 10)  // Beijing: 10 + 8 digits
        else {
            throw invalid(raw, "a landline is its area code and 7 or 8 digits, e.g. 0717-1234567")
        }
        return String(landline)
    }

    private static func invalid(_ raw: String, _ reason: String) -> HuzhuError {
        HuzhuError(
            .invalid,
            "'\(raw)' is not a valid phone number: \(reason); write e.g. 13800138000 or +86 138 0013 8000",
            zh: "“\(raw)”不是有效的电话号码：\(reason)；正确写法如 13800138000 或 +86 138 0013 8000")
    }

    /// True for a mainland Chinese mobile number (the kind that receives SMS).
    public var isChineseMobile: Bool { e164.hasPrefix("+861") && e164.count == 14 }

    /// The number with its middle digits hidden, for logs and for replies to anyone but its owner.
    public var masked: String {
        let chars = Array(e164)
        guard chars.count > 7 else { return String(repeating: "*", count: chars.count) }
        return String(chars.prefix(chars.count - 8)) + "****" + String(chars.suffix(4))
    }

    public var description: String { e164 }

    public static func < (lhs: PhoneNumber, rhs: PhoneNumber) -> Bool { lhs.e164 < rhs.e164 }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        self = try PhoneNumber(parsing: text)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(e164)
    }
}
