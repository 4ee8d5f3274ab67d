import Foundation
import HuzhuKit

/// Times and dates as staff type them on the console and as SMS replies show them, in the hub's zone.
struct CultureTime: Sendable {
    let timeZone: TimeZone
    let clock: any HuzhuClock
    /// For the SMS replies' dates: a `DateFormatter` made per call cost more than the rest of a `活动` reply.
    private let calendar: Calendar

    init(timeZone: TimeZone, clock: any HuzhuClock) {
        self.timeZone = timeZone
        self.clock = clock
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        self.calendar = calendar
    }

    func now() -> Date { clock.now() }

    /// `2026-10-01T19:30`, `2026-10-01 19:30` (local), or full ISO 8601 with an offset.
    func parse(_ text: String, key: String, usage: String) throws(HuzhuError) -> Date {
        let iso = ISO8601DateFormatter()
        if let date = iso.date(from: text) { return date }
        for pattern in ["yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd HH:mm", "yyyy-MM-dd'T'HH:mm:ss"] {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = timeZone
            formatter.dateFormat = pattern
            if let date = formatter.date(from: text) { return date }
        }
        throw HuzhuError(.syntax, "\(key)=\(text) is not a time: write \(key)=2026-10-01T19:30 (usage: \(usage))",
                         zh: "\(key)=\(text) 不是时间，应写成 \(key)=2026-10-01T19:30。用法：\(usage)")
    }

    /// `YYYY-MM-DD`, checked.
    func day(_ text: String, key: String, usage: String) throws(HuzhuError) -> String {
        let formatter = dayFormatter
        guard let date = formatter.date(from: text), formatter.string(from: date) == text else {
            throw HuzhuError(.syntax, "\(key)=\(text) is not a date: write \(key)=2026-10-01 (usage: \(usage))",
                             zh: "\(key)=\(text) 不是日期，应写成 \(key)=2026-10-01。用法：\(usage)")
        }
        return text
    }

    var dayFormatter: DateFormatter {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = timeZone
        formatter.dateFormat = "yyyy-MM-dd"
        return formatter
    }

    /// The local day of an instant, `YYYY-MM-DD`.
    func dayString(_ date: Date) -> String {
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return "\(parts.year ?? 0)-\(Self.twoDigits(parts.month))-\(Self.twoDigits(parts.day))"
    }

    /// `10/1 19:30`: short enough for one SMS with a few events.
    func short(_ date: Date) -> String {
        let parts = calendar.dateComponents([.month, .day, .hour, .minute], from: date)
        return "\(parts.month ?? 0)/\(parts.day ?? 0) \(Self.twoDigits(parts.hour)):\(Self.twoDigits(parts.minute))"
    }

    private static func twoDigits(_ value: Int?) -> String {
        let value = value ?? 0
        return value < 10 ? "0\(value)" : "\(value)"
    }

    /// `10月1日` from `2026-10-01`.
    static func chineseDay(_ day: String) -> String {
        let parts = day.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3 else { return day }
        return "\(parts[1])月\(parts[2])日"
    }

    /// ISO 8601 with the offset, for JSON answers.
    func iso(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = timeZone
        return formatter.string(from: date)
    }
}
