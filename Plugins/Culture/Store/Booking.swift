import Foundation
import HuzhuKit

/// What a booking asks for.
struct NewBooking: Sendable {
    var member: Int64
    var occasion: String
    /// The first day, `YYYY-MM-DD`.
    var date: String
    var days: Int
    var tables: Int?
    /// Service codes; nil: the occasion's package (the services marked `in_package`).
    var services: [String]?
    var helpers: Int
    /// Staff override of the village rules, with the reason (audited).
    var override: String?
    var smsMessageID: Int64?
}

/// A booking as stored, with its lines.
struct Booking: Sendable {
    struct Item: Sendable {
        var service: String, name: String, provider: Int, providerName: String, quantity: Int, amount: Int
        var handsTask: String?, handsCrew: Int
    }

    var id: Int64
    var member: Int64
    var village: Int
    var occasion: String
    var date: String
    var days: Int
    var tables: Int?
    var helpers: Int
    var status: String
    var quote: Int
    var deposit: Int
    var paid: Int
    var overrideReason: String?
    var items: [Item]

    static let columns = """
        id, member_id, village_id, occasion, starts_on::text, days, tables, helpers, status, quote_yuan, deposit_yuan, paid_yuan, override_reason
        """
    typealias Row = (Int64, Int64, Int, String, String, Int, Int?, Int, String, Int, Int, Int, String?)
    init(_ r: Row, items: [Item]) {
        (id, member, village, occasion, date, days, tables, helpers, status, quote, deposit, paid, overrideReason) = r
        self.items = items
    }

    var occasionZh: String { occasion == "wedding" ? "婚宴" : "丧事" }
    var serviceNames: String { items.map(\.name).joined(separator: "、") }

    var json: JSONValue {
        ["id": .int(Int(id)), "member": .int(Int(member)), "village": .int(village), "occasion": .string(occasion), "date": .string(date),
         "days": .int(days), "tables": tables.map(JSONValue.int) ?? .null, "helpers": .int(helpers), "status": .string(status),
         "quote_yuan": .int(quote), "deposit_yuan": .int(deposit), "paid_yuan": .int(paid), "override_reason": .optional(overrideReason),
         "items": .array(items.map {
             ["service": .string($0.service), "name": .string($0.name), "provider": .int($0.provider), "provider_name": .string($0.providerName),
              "quantity": .int($0.quantity), "amount_yuan": .int($0.amount)]
         })]
    }

    /// The hands the booking needs, as one labour request: cooks if any cook is needed, else helpers.
    var handsWanted: (task: String, crew: Int, notes: String)? {
        let cooks = items.filter { $0.handsTask == "cook" }.reduce(0) { $0 + $1.handsCrew }
        let helpers = helpers + items.filter { $0.handsTask == "helper" }.reduce(0) { $0 + $1.handsCrew }
        guard cooks + helpers > 0 else { return nil }
        var parts: [String] = []
        if cooks > 0 { parts.append("厨师\(cooks)人") }
        if helpers > 0 { parts.append("帮工\(helpers)人") }
        let size = tables.map { "\($0)桌" } ?? ""
        return (cooks > 0 ? "cook" : "helper", cooks + helpers,
                "\(occasionZh)\(size)，\(days)天：\(parts.joined(separator: "、"))（文化协会预约\(id)）")
    }
}
