import Foundation

/// A calendar day (proleptic Gregorian), the value of the `date` slot: written `YYYY-MM-DD`.
///
/// Day arithmetic is plain arithmetic on day numbers, independent of time zones; only `init(_:in:)`
/// (which day it is at an instant in the hub's time zone) uses the calendar.
public struct SMSDay: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    /// A day, or nil when there is no such day (`2026-02-30`).
    public init?(year: Int, month: Int, day: Int) {
        guard (1...12).contains(month), day >= 1, day <= Self.daysInMonth(year: year, month: month) else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// The day it is at `instant` in `timeZone` (e.g. the day a message arrived, in Asia/Shanghai).
    public init(_ instant: Date, in timeZone: TimeZone) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.year, .month, .day], from: instant)
        self.init(dayNumber: Self.dayNumber(year: parts.year!, month: parts.month!, day: parts.day!))
    }

    /// The day with this number of days since 1970-01-01.
    public init(dayNumber: Int) {
        // Howard Hinnant's civil_from_days.
        let z = dayNumber + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        self.year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        self.month = month
        self.day = day
    }

    /// Days since 1970-01-01.
    public var dayNumber: Int { Self.dayNumber(year: year, month: month, day: day) }

    /// The ISO weekday: 1 = Monday … 7 = Sunday.
    public var weekday: Int { ((dayNumber % 7) + 7 + 3) % 7 + 1 }

    /// `YYYY-MM-DD`.
    public var iso: String {
        let y = String(year)
        let m = month < 10 ? "0\(month)" : "\(month)"
        let d = day < 10 ? "0\(day)" : "\(day)"
        return "\(String(repeating: "0", count: max(0, 4 - y.count)))\(y)-\(m)-\(d)"
    }

    public var description: String { iso }

    /// The day `days` later (earlier when negative).
    public func adding(days: Int) -> SMSDay { SMSDay(dayNumber: dayNumber + days) }

    /// The Monday of this day's week (weeks run Monday to Sunday).
    public var mondayOfWeek: SMSDay { adding(days: 1 - weekday) }

    public static func < (lhs: SMSDay, rhs: SMSDay) -> Bool { lhs.dayNumber < rhs.dayNumber }

    /// True for leap years of the Gregorian calendar.
    public static func isLeapYear(_ year: Int) -> Bool { (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 }

    /// 28–31, or 0 for a month outside 1…12.
    public static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 1, 3, 5, 7, 8, 10, 12: 31
        case 4, 6, 9, 11: 30
        case 2: isLeapYear(year) ? 29 : 28
        default: 0
        }
    }

    private static func dayNumber(year: Int, month: Int, day: Int) -> Int {
        // Howard Hinnant's days_from_civil.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let shiftedMonth = (month + 9) % 12
        let dayOfYear = (153 * shiftedMonth + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}

/// How relative dates resolve against the day a message arrived ("today"). The rules of the spec, with
/// the choices it leaves open made here once:
///
/// - `今天` +0, `明天` +1, `后天` +2, `大后天` +3, `N天后` +N.
/// - `周三` / `星期三` / `礼拜三` (and `周日` / `星期天`): the next such day, **today excluded** — `周三`
///   sent on a Wednesday means the Wednesday a week later.
/// - `下周一` … `下周日`: the day in **next week**, weeks running Monday to Sunday. On Wednesday
///   2026-06-10, `下周一` is 2026-06-15 and `下周日` 2026-06-21; on Sunday 2026-06-14, `下周一` is the next
///   day, 2026-06-15. `下下周三` is a week later still.
/// - `这周五` / `本周五`: the day in the current Monday–Sunday week, today included; a day already past
///   is an error (not silently moved).
/// - `12号` / `12日`: the next 12th, **today included** — the same rule as `6月12日`, which sent on
///   June 12 means that very day. Months without that day are skipped (`31号` on June 10 → July 31).
///   `下个月5号` is the 5th of next month; `本月20号` the 20th of this month (past → error).
/// - `6月12日`, `6月12号`, `6/12`, `6.12`, `6-12`: this year, or next year when the day is already past
///   (so in December, `1月5日` is January 5 of next year). With a year (`2026年6月12日`, `2026-06-12`)
///   the day is taken as written, and a past day is an error.
public enum SMSDateRules {
    /// A day relative to today.
    public static func relative(_ days: Int, today: SMSDay) -> SMSDay { today.adding(days: days) }

    /// The next `weekday` (1 = Monday … 7 = Sunday) after today, today excluded.
    public static func nextWeekday(_ weekday: Int, today: SMSDay) -> SMSDay {
        let ahead = ((weekday - today.weekday) % 7 + 7) % 7
        return today.adding(days: ahead == 0 ? 7 : ahead)
    }

    /// `weekday` in the week `weeksAhead` weeks after the current Monday–Sunday week (0 = this week).
    public static func weekday(_ weekday: Int, weeksAhead: Int, today: SMSDay) -> SMSDay {
        today.mondayOfWeek.adding(days: 7 * weeksAhead + weekday - 1)
    }

    /// The next day of the month numbered `day`, today included; nil when `day` is not 1…31.
    public static func nextDayOfMonth(_ day: Int, today: SMSDay) -> SMSDay? {
        guard (1...31).contains(day) else { return nil }
        var year = today.year
        var month = today.month
        for _ in 0..<13 {
            if let candidate = SMSDay(year: year, month: month, day: day), candidate >= today { return candidate }
            month += 1
            if month > 12 { month = 1; year += 1 }
        }
        return nil
    }

    /// `month`/`day` this year, or the next year when already past (a 29 February in the next leap year);
    /// nil when no year has such a day.
    public static func nextMonthDay(month: Int, day: Int, today: SMSDay) -> SMSDay? {
        for year in today.year...(today.year + 8) {
            if let candidate = SMSDay(year: year, month: month, day: day), candidate >= today { return candidate }
        }
        return nil
    }
}
