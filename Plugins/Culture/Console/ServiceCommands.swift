import Foundation
import HuzhuKit

/// `CULTURE SERVICE …` and `CULTURE PROVIDER …`: the wedding and funeral catalogue.
enum ServiceCommands {
    static func all(_ stores: CultureStores) -> [ConsoleCommand] { [add(stores), list(stores), addProvider(stores), providers(stores)] }

    static let addUsage = "CULTURE SERVICE ADD <code> name=<名称> price=<yuan> unit=booking|table|day [occasions=wedding,funeral] "
        + "[package=yes] [hands=cook|helper crew=<n>]"

    static func add(_ stores: CultureStores) -> ConsoleCommand {
        ConsoleCommand("CULTURE SERVICE ADD", usage: addUsage,
                       summary: LocalizedText(en: "Add a wedding/funeral service to the catalogue", zh: "新增红白喜事服务项目"),
                       access: CultureAccess.manage) { request in
            let a = request.arguments
            try a.only(["name", "price", "unit", "occasions", "package", "hands", "crew"], usage: addUsage)
            let code = try a.required(0, usage: addUsage).lowercased()
            guard code.range(of: "^[a-z_]{2,20}$", options: .regularExpression) != nil else {
                throw HuzhuError(.syntax, "the code is 2-20 lowercase letters, e.g. cooks", zh: "代码应为2-20个小写字母，如 cooks")
            }
            guard let name = a["name"], (1...20).contains(name.count) else { throw HuzhuError(.syntax, "missing name=: \(addUsage)", zh: "缺少 name=。用法：\(addUsage)") }
            let unit = a["unit"] ?? "booking"
            guard ["booking", "table", "day"].contains(unit) else { throw HuzhuError(.syntax, "unit is booking, table or day", zh: "unit 应为 booking、table 或 day") }
            let occasions = (a["occasions"] ?? "wedding,funeral").split(separator: ",").map(String.init)
            guard !occasions.isEmpty, occasions.allSatisfy({ ["wedding", "funeral"].contains($0) }) else {
                throw HuzhuError(.syntax, "occasions is wedding, funeral or both (wedding,funeral)", zh: "occasions 应为 wedding、funeral 或两者")
            }
            let hands = a["hands"]
            guard hands == nil || hands == "cook" || hands == "helper" else { throw HuzhuError(.syntax, "hands is cook or helper", zh: "hands 应为 cook 或 helper") }
            let crew = try a.int("crew", usage: addUsage) ?? (hands == nil ? 0 : 1)
            let price = try a.requiredInt("price", usage: addUsage)
            let service = try await stores.services.add(CultureService(
                id: 0, code: code, name: name, unit: unit, priceYuan: price, occasions: occasions,
                inPackage: try a.bool("package", usage: addUsage) ?? false, handsTask: hands, handsCrew: crew), actor: try request.actor())
            return ConsoleReply(data: service.json, line: "OK service \(service.code) added")
        }
    }

    static func list(_ stores: CultureStores) -> ConsoleCommand {
        let usage = "CULTURE SERVICE LIST"
        return ConsoleCommand("CULTURE SERVICE LIST", usage: usage, summary: LocalizedText(en: "The service catalogue with prices", zh: "服务项目及价格"),
                              access: CultureAccess.read) { request in
            try request.arguments.only([], usage: usage)
            let services = try await stores.services.list()
            var table = TextTable(["CODE", "NAME", "PRICE", "UNIT", "OCCASIONS", "PACKAGE", "HANDS"])
            for s in services {
                table.add([s.code, s.name, "\(s.priceYuan)", s.unit, s.occasions.joined(separator: ","), s.inPackage ? "yes" : "",
                           s.handsTask.map { "\($0)×\(s.handsCrew)" } ?? ""])
            }
            return ConsoleReply(data: .array(services.map(\.json)), text: table.lines)
        }
    }

    static func addProvider(_ stores: CultureStores) -> ConsoleCommand {
        let usage = "CULTURE PROVIDER ADD <service code> name=\"<team or stock>\" [village=<id>]"
        return ConsoleCommand("CULTURE PROVIDER ADD", usage: usage,
                              summary: LocalizedText(en: "Add a team or stock that provides a service", zh: "新增服务队或器材"),
                              access: CultureAccess.manage) { request in
            let a = request.arguments
            try a.only(["name", "village"], usage: usage)
            guard let name = a["name"], (1...40).contains(name.count) else { throw HuzhuError(.syntax, "missing name=: \(usage)", zh: "缺少 name=。用法：\(usage)") }
            let provider = try await stores.services.addProvider(service: try a.required(0, usage: usage), name: name,
                                                                 village: try a.int("village", usage: usage), actor: try request.actor())
            return ConsoleReply(data: provider, line: "OK provider \(provider["id"]?.plain ?? "") added")
        }
    }

    static func providers(_ stores: CultureStores) -> ConsoleCommand {
        let usage = "CULTURE PROVIDER LIST [service=<code>]"
        return ConsoleCommand("CULTURE PROVIDER LIST", usage: usage, summary: LocalizedText(en: "Teams and stock by service", zh: "服务队与器材"),
                              access: CultureAccess.read) { request in
            try request.arguments.only(["service"], usage: usage)
            let rows = try await stores.services.providers(service: request.arguments["service"])
            var table = TextTable(["ID", "SERVICE", "VILLAGE", "ACTIVE", "NAME"])
            for r in rows { table.add(["id", "service", "village", "active", "name"].map { r[$0]?.plain ?? "" }) }
            return ConsoleReply(data: .array(rows), text: table.lines)
        }
    }
}
