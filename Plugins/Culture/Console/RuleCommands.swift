import Foundation
import HuzhuKit

/// `CULTURE RULE …`: village rules (村规民约) as data.
enum RuleCommands {
    static func all(_ stores: CultureStores) -> [ConsoleCommand] { [add(stores), edit(stores), list(stores)] }

    static let addUsage = "CULTURE RULE ADD village=<id>|all occasion=wedding|funeral|any kind=max_tables|max_days|forbidden "
        + "(limit=<n> | service=<code>) text=\"<the rule's words>\""

    static func add(_ stores: CultureStores) -> ConsoleCommand {
        ConsoleCommand("CULTURE RULE ADD", usage: addUsage,
                       summary: LocalizedText(en: "Add a village rule that bookings are checked against", zh: "新增村规民约（预约时检查）"),
                       access: CultureAccess.write) { request in
            let a = request.arguments
            try a.only(["village", "occasion", "kind", "limit", "service", "text"], usage: addUsage)
            let villageText = a["village"] ?? ""
            let village: Int? = villageText.lowercased() == "all" ? nil : try a.requiredInt("village", usage: addUsage)
            if village == nil, !request.scope.isEmpty {
                throw HuzhuError(.denied, "a county-wide rule (village=all) is not yours to add: give your village", zh: "您只能为管辖的村添加村规")
            }
            try CultureAccess.check(request, village: village)
            let occasion = a["occasion"] ?? "any"
            guard ["wedding", "funeral", "any"].contains(occasion) else { throw HuzhuError(.syntax, "occasion is wedding, funeral or any", zh: "occasion 应为 wedding、funeral 或 any") }
            let kind = a["kind"] ?? ""
            guard ["max_tables", "max_days", "forbidden"].contains(kind) else {
                throw HuzhuError(.syntax, "kind is max_tables, max_days or forbidden: \(addUsage)", zh: "kind 应为 max_tables、max_days 或 forbidden")
            }
            let limit = try a.int("limit", usage: addUsage)
            let service = a["service"]
            guard kind == "forbidden" ? (service != nil && limit == nil) : ((limit ?? 0) > 0 && service == nil) else {
                throw HuzhuError(.syntax, "\(kind) takes \(kind == "forbidden" ? "service=<code>" : "limit=<n> (more than 0)"): \(addUsage)",
                                 zh: kind == "forbidden" ? "禁止项请写 service=服务代码" : "请写 limit=数量")
            }
            guard let text = a["text"], (2...60).contains(text.count) else {
                throw HuzhuError(.syntax, "text=\"…\": the rule's words as villagers know them (2 to 60 characters)", zh: "请写村规原文 text=（2-60字）")
            }
            let rule = try await stores.rules.add(VillageRule(id: 0, villageID: village, occasion: occasion, kind: kind, limit: limit,
                                                              service: service, text: text, active: true), actor: try request.actor())
            return ConsoleReply(data: rule.json, line: "OK rule \(rule.id) added")
        }
    }

    static func edit(_ stores: CultureStores) -> ConsoleCommand {
        let usage = "CULTURE RULE EDIT <rule id> [text=\"…\"] [limit=<n>] [active=yes|no]"
        return ConsoleCommand("CULTURE RULE EDIT", usage: usage, summary: LocalizedText(en: "Change a village rule, or switch it off", zh: "修改或停用村规"),
                              access: CultureAccess.write) { request in
            let a = request.arguments
            try a.only(["text", "limit", "active"], usage: usage)
            if let text = a["text"], !(2...60).contains(text.count) { throw HuzhuError(.invalid, "text is 2 to 60 characters", zh: "村规原文应为2-60字") }
            let limit = try a.int("limit", usage: usage)
            if let limit, limit <= 0 { throw HuzhuError(.invalid, "limit must be more than 0", zh: "数量应大于0") }
            let rule = try await stores.rules.edit(id: Int(try a.requiredID(0, usage: usage)), text: a["text"], limit: limit,
                                                   active: try a.bool("active", usage: usage), actor: try request.actor(), scope: request.scope)
            return ConsoleReply(data: rule.json, line: "OK rule \(rule.id) changed")
        }
    }

    static func list(_ stores: CultureStores) -> ConsoleCommand {
        let usage = "CULTURE RULE LIST [village=<id>]"
        return ConsoleCommand("CULTURE RULE LIST", usage: usage, summary: LocalizedText(en: "Village rules (and county-wide ones)", zh: "村规民约列表"),
                              access: CultureAccess.read) { request in
            try request.arguments.only(["village"], usage: usage)
            let rules = try await stores.rules.list(village: try request.arguments.int("village", usage: usage), scope: request.scope)
            var table = TextTable(["ID", "VILLAGE", "OCCASION", "KIND", "LIMIT", "ACTIVE", "TEXT"])
            for r in rules {
                table.add(["\(r.id)", r.villageID.map(String.init) ?? "all", r.occasion, r.kind, r.limit.map(String.init) ?? r.service ?? "",
                           r.active ? "yes" : "no", r.text])
            }
            return ConsoleReply(data: .array(rules.map(\.json)), text: table.lines)
        }
    }
}
