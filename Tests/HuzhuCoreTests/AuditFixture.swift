import Foundation
import HuzhuCulture
import HuzhuKit
import HuzhuLabour
import HuzhuMarket
import HuzhuNotice

/// What the audit and scope tests share: the whole registry's plugins and dates as the console takes them.
enum AuditFixture {
    static let plugins: [any HuzhuPlugin.Type] = [LabourPlugin.self, CulturePlugin.self, MarketPlugin.self, NoticePlugin.self]

    /// `offset` days from today in the hub's zone (Asia/Shanghai), as `YYYY-MM-DD`.
    static func day(_ offset: Int) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Asia/Shanghai")!
        let parts = calendar.dateComponents([.year, .month, .day], from: calendar.date(byAdding: .day, value: offset, to: Date())!)
        return String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!)
    }

    /// The same day as a farmer writes it in an SMS: `6月12日`.
    static func smsDay(_ offset: Int) -> String {
        let parts = day(offset).split(separator: "-").map { Int($0)! }
        return "\(parts[1])月\(parts[2])日"
    }
}
