import Foundation
import HuzhuKit

/// Readers for the association's console arguments, with errors that give the right form.
extension ConsoleArguments {
    /// A `YYYY-MM-DD` date.
    func labourDate(_ key: String, usage: String) throws(HuzhuError) -> String? {
        guard let text = self[key] else { return nil }
        return try Self.labourDate(text, key: key, usage: usage)
    }

    static func labourDate(_ text: String, key: String, usage: String) throws(HuzhuError) -> String {
        let parts = text.split(separator: "-")
        guard parts.count == 3, parts[0].count == 4, let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
              (2000...2100).contains(year), (1...12).contains(month), (1...Self.daysIn(month, of: year)).contains(day) else {
            throw HuzhuError(.syntax, "\(key)=\(text) must be a date YYYY-MM-DD: usage: \(usage)", zh: "\(key)=\(text) 应为日期 YYYY-MM-DD。用法：\(usage)")
        }
        return String(format: "%04d-%02d-%02d", year, month, day)
    }

    /// 28–31: a date such as 2027-02-30 is refused here, not by the store.
    static func daysIn(_ month: Int, of year: Int) -> Int {
        switch month {
        case 2: return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// A comma-separated list of ids (`1,2,3`).
    func labourIDs(_ key: String, usage: String) throws(HuzhuError) -> [Int64]? {
        guard let text = self[key] else { return nil }
        var ids: [Int64] = []
        for part in text.split(separator: ",") {
            guard let id = Int64(part.trimmingCharacters(in: .whitespaces)), id > 0 else {
                throw HuzhuError(.syntax, "\(key)=\(text) must be ids separated by commas, e.g. \(key)=12,15: usage: \(usage)",
                                 zh: "\(key)=\(text) 应为逗号分隔的编号，如 \(key)=12,15。用法：\(usage)")
            }
            ids.append(id)
        }
        return ids
    }

    /// A comma-separated list of words.
    func labourList(_ key: String) -> [String]? {
        self[key].map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }
    }

    /// Skills `plough:3:80/mu,harvest:4:150/day` (task:level:price/unit; level 1-5, unit mu or day).
    func labourSkills(usage: String) throws(HuzhuError) -> [LabourSkill]? {
        guard let text = self["skills"] else { return nil }
        var skills: [LabourSkill] = []
        for part in text.split(separator: ",") {
            let fields = part.split(separator: ":")
            let priceUnit = fields.count == 3 ? fields[2].split(separator: "/") : []
            guard fields.count == 3, let level = Int(fields[1]), (1...5).contains(level), priceUnit.count == 2,
                  let price = Double(priceUnit[0]), price >= 0, ["mu", "day"].contains(String(priceUnit[1])) else {
                throw HuzhuError(.syntax, "skill '\(part)' must be task:level:price/unit, e.g. plough:3:80/mu or harvest:4:150/day (level 1-5): usage: \(usage)",
                                 zh: "技能“\(part)”应为 农活:等级:价格/单位，如 plough:3:80/mu 或 harvest:4:150/day（等级1-5）")
            }
            skills.append(LabourSkill(task: String(fields[0]).lowercased(), level: level, price: price, unit: String(priceUnit[1])))
        }
        return skills
    }

    /// Weekly availability `1234567` (1 = Monday) as a bit mask.
    func labourWeekdays(usage: String) throws(HuzhuError) -> Int? {
        guard let text = self["days"] else { return nil }
        var mask = 0
        for character in text {
            guard let day = character.wholeNumberValue, (1...7).contains(day) else {
                throw HuzhuError(.syntax, "days=\(text) lists weekdays as digits 1-7 (1 = Monday), e.g. days=12345: usage: \(usage)",
                                 zh: "days=\(text) 用数字1-7表示星期（1为周一），如 days=12345")
            }
            mask |= 1 << (day - 1)
        }
        return mask
    }

    /// A value from a fixed set.
    func labourChoice(_ key: String, _ choices: [String], usage: String) throws(HuzhuError) -> String? {
        guard let text = self[key]?.lowercased() else { return nil }
        guard choices.contains(text) else {
            throw HuzhuError(.syntax, "\(key)=\(text) must be one of \(choices.joined(separator: ", ")): usage: \(usage)",
                             zh: "\(key)=\(text) 应为 \(choices.joined(separator: "、")) 之一。用法：\(usage)")
        }
        return text
    }

    /// A positive decimal.
    func labourPositive(_ key: String, usage: String) throws(HuzhuError) -> Double? {
        guard let value = try double(key, usage: usage) else { return nil }
        guard value > 0 else { throw HuzhuError(.invalid, "\(key) must be more than 0", zh: "\(key) 应大于0") }
        return value
    }

    /// A `limit=` between 1 and 500.
    func labourLimit(usage: String, default value: Int = 50) throws(HuzhuError) -> Int {
        min(max(try int("limit", usage: usage) ?? value, 1), 500)
    }
}

/// Who may do what in the association's commands.
enum LabourAccess {
    /// Changes: the association, the centre's staff, and cadres in their villages.
    static let writers = ConsoleAccess.roles([.labour, .staff, .cadre])
    /// Reading records and reports: writers and read-only accounts.
    static let readers = ConsoleAccess.roles([.labour, .staff, .cadre, .readonly])
}

extension LocalizedText {
    static func labour(_ en: String, _ zh: String) -> LocalizedText { LocalizedText(en: en, zh: zh) }
}
