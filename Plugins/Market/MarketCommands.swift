import Foundation
import HuzhuKit

/// The console commands of the sales association (`MARKET …`), one file per group of records.
enum MarketCommands {
    /// Writes on listings and deals: the association, the centre's staff, village cadres (in their villages).
    static let writers: ConsoleAccess = .roles([.market, .staff, .cadre])
    /// Writes on county-wide records (crops, buyers, market prices): no cadre.
    static let countyWriters: ConsoleAccess = .roles([.market, .staff])
    static let readers: ConsoleAccess = .roles([.market, .staff, .cadre, .readonly])

    static func all(_ market: MarketStore) -> [ConsoleCommand] {
        catalogue(market) + listings(market) + deals(market) + prices(market) + reports(market)
    }

    /// A reply listing rows: JSON rows in JSON mode, a table of `columns` in text mode.
    static func rows(_ rows: [JSONValue], _ columns: [String]) -> ConsoleReply {
        ConsoleReply(data: .array(rows), text: MarketReport(columns: columns, rows: rows).table)
    }

    static func unit(_ arguments: ConsoleArguments, _ key: String = "unit", usage: String) throws(HuzhuError) -> MarketUnit? {
        guard let text = arguments[key] else { return nil }
        return try MarketUnit.parse(text)
    }

    static func requiredUnit(_ arguments: ConsoleArguments, usage: String) throws(HuzhuError) -> MarketUnit {
        guard let unit = try unit(arguments, usage: usage) else {
            throw HuzhuError(.syntax, "missing unit=: usage: \(usage)", zh: "缺少 unit=。用法：\(usage)")
        }
        return unit
    }

    static func positive(_ arguments: ConsoleArguments, _ key: String, usage: String) throws(HuzhuError) -> Double? {
        guard let value = try arguments.double(key, usage: usage) else { return nil }
        guard value > 0 else {
            throw HuzhuError(.invalid, "\(key)= must be more than 0: usage: \(usage)", zh: "\(key)= 应大于0。用法：\(usage)")
        }
        return value
    }

    static func requiredPositive(_ arguments: ConsoleArguments, _ key: String, usage: String) throws(HuzhuError) -> Double {
        guard let value = try positive(arguments, key, usage: usage) else {
            throw HuzhuError(.syntax, "missing \(key)=: usage: \(usage)", zh: "缺少 \(key)=。用法：\(usage)")
        }
        return value
    }

    static func required(_ arguments: ConsoleArguments, _ key: String, usage: String) throws(HuzhuError) -> String {
        guard let value = arguments[key], !value.isEmpty else {
            throw HuzhuError(.syntax, "missing \(key)=: usage: \(usage)", zh: "缺少 \(key)=。用法：\(usage)")
        }
        return value
    }

    /// A `YYYY-MM-DD` argument, checked here so the store never sees a malformed date.
    static func date(_ arguments: ConsoleArguments, _ key: String, usage: String) throws(HuzhuError) -> String? {
        guard let text = arguments[key] else { return nil }
        let parts = text.split(separator: "-")
        guard parts.count == 3, parts[0].count == 4, let month = Int(parts[1]), let day = Int(parts[2]), let year = Int(parts[0]),
              (1...12).contains(month), (1...daysIn(month, of: year)).contains(day) else {
            throw HuzhuError(.syntax, "\(key)=\(text) must be a date YYYY-MM-DD: usage: \(usage)", zh: "\(key)=\(text) 应为日期 YYYY-MM-DD。用法：\(usage)")
        }
        return text
    }

    /// 28–31: a date such as 2027-02-30 is refused here, not by the store.
    static func daysIn(_ month: Int, of year: Int) -> Int {
        switch month {
        case 2: return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    static func id(_ arguments: ConsoleArguments, _ key: String, usage: String) throws(HuzhuError) -> Int64? {
        try arguments.int(key, usage: usage).map(Int64.init)
    }

    static func limit(_ arguments: ConsoleArguments, usage: String) throws(HuzhuError) -> Int {
        min(max(try arguments.int("limit", usage: usage) ?? 50, 1), 1000)
    }

    static func status(_ arguments: ConsoleArguments, allowed: [String], default value: String, usage: String) throws(HuzhuError) -> String {
        let status = arguments["status"]?.lowercased() ?? value
        guard status == "all" || allowed.contains(status) else {
            throw HuzhuError(.syntax, "status=\(status) must be one of \((allowed + ["all"]).joined(separator: ", ")): usage: \(usage)",
                             zh: "status= 应为 \((allowed + ["all"]).joined(separator: "、"))。用法：\(usage)")
        }
        return status
    }
}
