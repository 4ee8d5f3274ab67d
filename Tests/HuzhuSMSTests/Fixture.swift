import Foundation
import HuzhuCulture
import HuzhuKit
import HuzhuLabour
import HuzhuMarket
import HuzhuSMS

/// The fixed receive time of the corpus and the tests: 2026-06-10T09:00:00+08:00, a Wednesday, read in
/// Asia/Shanghai.
enum Fixture {
    static let timeZone = TimeZone(identifier: "Asia/Shanghai")!

    /// 2026-06-10T09:00:00+08:00 (Wednesday).
    static let receivedAt = instant("2026-06-10T09:00:00+08:00")

    static let context = SMSParseContext(receivedAt: receivedAt, timeZone: timeZone)

    /// Every intent of the SMS language: the hub's and the three associations'.
    static let intents = CoreSMS.intents() + LabourSMS.intents() + CultureSMS.intents() + MarketSMS.intents()

    static let router = SMSRouter(intents: intents)

    /// An instant from ISO 8601 text with an offset.
    static func instant(_ iso: String) -> Date {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: iso)!
    }

    /// A context at another receive time (ISO 8601 with offset), in Asia/Shanghai.
    static func context(_ iso: String) -> SMSParseContext {
        SMSParseContext(receivedAt: instant(iso), timeZone: timeZone)
    }

    /// JSON with object keys sorted and whole doubles written as `5.0`, so that `.int(5)` and
    /// `.double(5)` differ.
    static func canonicalJSON(_ value: JSONValue) -> String {
        switch value {
        case .object(let pairs):
            return "{" + pairs.sorted { $0.0 < $1.0 }.map { JSONValue.string($0.0).jsonText + ":" + canonicalJSON($0.1) }.joined(separator: ",") + "}"
        case .array(let values):
            return "[" + values.map(canonicalJSON).joined(separator: ",") + "]"
        case .double(let number) where number == number.rounded():
            return String(number)
        default:
            return value.jsonText
        }
    }
}
