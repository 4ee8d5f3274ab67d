import Foundation
import HuzhuKit

/// `MARKET REPORT SALES|PRICES|HELPED [csv]`: a table in text mode, rows in JSON mode; with `csv` the
/// text is CSV and the JSON carries `{"csv": "…"}` too (for spreadsheets, 村务公开 boards).
extension MarketCommands {
    static func reports(_ market: MarketStore) -> [ConsoleCommand] {
        let sales = "MARKET REPORT SALES [from=YYYY-MM-DD] [to=YYYY-MM-DD] [csv]"
        let prices = "MARKET REPORT PRICES <crop> [by=day|week|month] [from=YYYY-MM-DD] [to=YYYY-MM-DD] [csv]"
        let helped = "MARKET REPORT HELPED [csv]"
        return [
            ConsoleCommand("MARKET REPORT SALES", usage: sales,
                           summary: LocalizedText(en: "Volume (kg) and value sold per crop and month", zh: "按农产品和月份统计销量（公斤）和销售额"),
                           access: readers) { request in
                try request.arguments.only(["from", "to"], usage: sales)
                let csv = try wantsCSV(request.arguments, usage: sales, positional: 0)
                let report = try await market.salesReport(from: try date(request.arguments, "from", usage: sales),
                                                          to: try date(request.arguments, "to", usage: sales), scope: request.scope)
                return reply(report, csv: csv)
            },
            ConsoleCommand("MARKET REPORT PRICES", usage: prices,
                           summary: LocalizedText(en: "A crop's prices over time (median, low, high per kg)", zh: "某农产品价格走势（每公斤中位、最低、最高）"),
                           access: readers) { request in
                let a = request.arguments
                try a.only(["by", "from", "to"], usage: prices)
                let crop = try await market.crop(try a.required(0, usage: prices))
                let csv = try wantsCSV(a, usage: prices, positional: 1)
                let by = a["by"]?.lowercased() ?? "month"
                guard ["day", "week", "month"].contains(by) else {
                    throw HuzhuError(.syntax, "by=\(by) must be day, week or month: usage: \(prices)", zh: "by= 应为 day、week 或 month")
                }
                let report = try await market.priceReport(crop: crop.name, by: by, from: try date(a, "from", usage: prices), to: try date(a, "to", usage: prices))
                return reply(report, csv: csv)
            },
            ConsoleCommand("MARKET REPORT HELPED", usage: helped,
                           summary: LocalizedText(en: "Households without labour sold for (代销) and their income", zh: "代销帮扶的无劳力户及其收入"),
                           access: readers) { request in
                try request.arguments.only([], usage: helped)
                let csv = try wantsCSV(request.arguments, usage: helped, positional: 0)
                return reply(try await market.helpedReport(scope: request.scope), csv: csv)
            },
        ]
    }

    private static func wantsCSV(_ arguments: ConsoleArguments, usage: String, positional index: Int) throws(HuzhuError) -> Bool {
        let extra = arguments.positional.dropFirst(index)
        guard extra.count <= 1, extra.allSatisfy({ $0.lowercased() == "csv" }) else {
            throw HuzhuError(.syntax, "unexpected '\(extra.joined(separator: " "))': usage: \(usage)", zh: "多余的参数。用法：\(usage)")
        }
        return extra.count == 1
    }

    private static func reply(_ report: MarketReport, csv: Bool) -> ConsoleReply {
        guard csv else { return ConsoleReply(data: .array(report.rows), text: report.table) }
        let text = report.csv
        return ConsoleReply(data: ["csv": .string(text), "rows": .int(report.rows.count)],
                            text: text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init))
    }
}
