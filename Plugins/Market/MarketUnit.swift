import Foundation
import HuzhuKit

/// The units of the SMS language (`jin`, `kg`, `t`, `piece`, `box`) and what they weigh.
///
/// Prices are compared and reported per kg, so every offer and demand stores its unit's weight in kg
/// (`kg_per_unit`); pieces and boxes weigh what the crop's catalogue entry says, or are unknown (nil).
enum MarketUnit: String, CaseIterable, Sendable {
    case jin, kg, t, piece, box

    /// The fixed weights: 1 斤 = 0.5 kg, 1 吨 = 1,000 kg.
    var fixedKilograms: Double? {
        switch self {
        case .jin: 0.5
        case .kg: 1
        case .t: 1000
        case .piece, .box: nil
        }
    }

    /// How a unit reads in replies.
    var zh: String {
        switch self {
        case .jin: "斤"
        case .kg: "公斤"
        case .t: "吨"
        case .piece: "个"
        case .box: "箱"
        }
    }

    var en: String { rawValue }

    /// Parses a unit code or its Chinese word, with an error giving the choices.
    static func parse(_ text: String) throws(HuzhuError) -> MarketUnit {
        if let unit = MarketUnit(rawValue: text.lowercased()) { return unit }
        if let unit = allCases.first(where: { $0.zh == text }) { return unit }
        switch text {
        case "市斤": return .jin
        case "千克": return .kg
        case "只", "头": return .piece
        case "筐": return .box
        default:
            throw HuzhuError(.invalid, "unknown unit '\(text)': use jin, kg, t, piece or box", zh: "单位“\(text)”不对：可用 jin(斤) kg(公斤) t(吨) piece(个) box(箱)")
        }
    }
}

/// One crop of the catalogue.
struct MarketCrop: Sendable, Equatable {
    var name: String
    var category: String
    var defaultUnit: MarketUnit
    var pieceKilograms: Double?
    var boxKilograms: Double?
    var synonyms: [String]

    /// The weight of one `unit` of this crop in kg, or nil when a piece or box has no known weight.
    func kilograms(per unit: MarketUnit) -> Double? {
        switch unit {
        case .piece: pieceKilograms
        case .box: boxKilograms
        default: unit.fixedKilograms
        }
    }

    var json: JSONValue {
        ["name": .string(name), "category": .string(category), "default_unit": .string(defaultUnit.rawValue),
         "piece_kg": pieceKilograms.map(JSONValue.double) ?? .null, "box_kg": boxKilograms.map(JSONValue.double) ?? .null,
         "synonyms": .array(synonyms.map(JSONValue.string))]
    }
}

/// Number formatting for replies: no trailing zeros (`3`, `3.5`, `2.35`).
enum MarketFormat {
    static func number(_ value: Double, decimals: Int = 2) -> String {
        var text = String(format: "%.\(decimals)f", value)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text
    }

    static func money(_ value: Double) -> Double { (value * 100).rounded() / 100 }
}
