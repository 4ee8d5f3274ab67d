import Foundation
import HuzhuKit

/// `CULTURE REPORT` (monthly) and `CULTURE REMIND` (the reminder job, run by hand).
enum ReportCommands {
    static func all(_ stores: CultureStores) -> [ConsoleCommand] { [report(stores), remind(stores)] }

    static func report(_ stores: CultureStores) -> ConsoleCommand {
        let usage = "CULTURE REPORT month=<YYYY-MM> [village=<id>]"
        return ConsoleCommand("CULTURE REPORT", usage: usage,
                              summary: LocalizedText(en: "Monthly report: events, attendance, services booked, income", zh: "月报：活动、参加人数、服务预约、收入"),
                              access: CultureAccess.read) { request in
            let a = request.arguments
            try a.only(["month", "village"], usage: usage)
            let month = a["month"] ?? ""
            _ = try stores.time.day(month + "-01", key: "month", usage: usage)
            let village = try a.int("village", usage: usage)
            if let village { try CultureAccess.check(request, village: village) }
            let report = try await stores.reports.monthly(month: month, village: village, scope: request.scope)
            var lines = ["culture report \(month)\(village.map { " village \($0)" } ?? ""): income \(report["income_yuan"]?.plain ?? "0") yuan"]
            for key in ["events", "bookings", "services"] {
                if case .array(let rows)? = report[key] {
                    for row in rows { lines.append("  \(key): " + (row.jsonText)) }
                }
            }
            return ConsoleReply(data: report, text: lines)
        }
    }

    static func remind(_ stores: CultureStores) -> ConsoleCommand {
        let usage = "CULTURE REMIND [date=<YYYY-MM-DD of the events>]"
        return ConsoleCommand("CULTURE REMIND", usage: usage,
                              summary: LocalizedText(en: "Send the day-before reminders now (the daily job does it by itself)", zh: "立即发送活动前一天提醒（每日任务会自动发送）"),
                              access: CultureAccess.manage) { request in
            try request.arguments.only(["date"], usage: usage)
            guard request.scope.isEmpty else {
                throw HuzhuError(.denied, "this runs for every village: an account limited to some villages may not run it", zh: "此命令作用于所有村，限定村的账号不能运行")
            }
            let tomorrow = stores.time.dayString(stores.time.now().addingTimeInterval(86_400))
            let day = try request.arguments["date"].map { text throws(HuzhuError) in try stores.time.day(text, key: "date", usage: usage) } ?? tomorrow
            let sent = try await stores.reports.remind(day: day, actor: try request.actor())
            return ConsoleReply(data: ["date": .string(day), "events": .int(sent.events), "registrations": .int(sent.registrations), "bookings": .int(sent.bookings)],
                                line: "OK reminded \(sent.registrations) registrations of \(sent.events) events and \(sent.bookings) bookings on \(day)")
        }
    }
}
