import HuzhuConsole
import HuzhuKit

extension CoreCommands {
    static func villageCommands(_ hub: Hub) -> [ConsoleCommand] {
        let addUsage = "VILLAGE ADD <name> township=<name> [kind=village|community] [lat=<degrees>] [lon=<degrees>]"
        let editUsage = "VILLAGE EDIT <id> [name=<name>] [lat=<degrees>] [lon=<degrees>]"
        return [
            ConsoleCommand("VILLAGE ADD", usage: addUsage, summary: .summary("Add a village (the township is created if new)", "新增村（乡镇不存在则新建）"),
                           access: .roles([.staff])) { request in
                let arguments = request.arguments
                try arguments.only(["township", "kind", "lat", "lon"], usage: addUsage)
                let name = try arguments.required(0, usage: addUsage)
                guard let townshipName = arguments["township"] else {
                    throw HuzhuError(.syntax, "missing township=: usage: \(addUsage)", zh: "缺少 township=。用法：\(addUsage)")
                }
                let actor = try request.actor()
                let kind = townshipName.hasSuffix("乡") ? "township" : "town"
                let township = try await hub.directory.addTownship(name: townshipName, kind: kind, actor: actor)
                let id = try await hub.directory.addVillage(
                    townshipID: township, name: name, kind: arguments["kind"] ?? "village",
                    latitude: try arguments.double("lat", usage: addUsage), longitude: try arguments.double("lon", usage: addUsage), actor: actor)
                return ConsoleReply(data: ["id": .int(id), "township_id": .int(township)], line: "OK village \(name) added (id \(id))")
            },
            ConsoleCommand("VILLAGE FIND", usage: "VILLAGE FIND [name or township prefix]",
                           summary: .summary("List villages", "查找村"), access: .authenticated) { request in
                let villages = try await hub.directory.findVillages(request.arguments.positional.first ?? "")
                var table = TextTable(["ID", "TOWNSHIP", "VILLAGE", "KIND"])
                for v in villages { table.add(["\(v.id)", v.township, v.name, v.kind]) }
                return ConsoleReply(data: .array(villages.map(\.json)), text: table.lines)
            },
            ConsoleCommand("VILLAGE SHOW", usage: "VILLAGE SHOW <id>", summary: .summary("Show a village", "查看村"), access: .authenticated) { request in
                let id = Int(try request.arguments.requiredID(0, usage: "VILLAGE SHOW <id>"))
                guard let village = try await hub.directory.village(id) else {
                    throw HuzhuError(.notFound, "no village \(id): see VILLAGE FIND", zh: "没有编号为 \(id) 的村")
                }
                return ConsoleReply(data: village.json, text: [
                    "\(village.id) \(village.township) \(village.name) (\(village.kind))",
                    "coordinates \(village.latitude.map { "\($0)" } ?? "-"), \(village.longitude.map { "\($0)" } ?? "-")",
                ])
            },
            ConsoleCommand("VILLAGE EDIT", usage: editUsage, summary: .summary("Rename a village or set its coordinates", "修改村名或坐标"),
                           access: .roles([.staff])) { request in
                try request.arguments.only(["name", "lat", "lon"], usage: editUsage)
                let id = Int(try request.arguments.requiredID(0, usage: editUsage))
                let village = try await hub.directory.editVillage(
                    id, name: request.arguments["name"], latitude: try request.arguments.double("lat", usage: editUsage),
                    longitude: try request.arguments.double("lon", usage: editUsage), actor: try request.actor())
                return ConsoleReply(data: village.json, line: "OK village \(id) is now \(village.name)")
            },
        ]
    }

    static func householdCommands(_ hub: Hub) -> [ConsoleCommand] {
        let addUsage = "HOUSEHOLD ADD village=<id> [group=<id>] [address=<text>] [no_labour=yes] [elderly_alone=yes] [low_income=yes] [notes=<text>]"
        let editUsage = "HOUSEHOLD EDIT <id> [address=<text>] [no_labour=yes|no] [elderly_alone=yes|no] [low_income=yes|no] [notes=<text>] [on_behalf=<member id>]"
        let findUsage = "HOUSEHOLD FIND village=<id> [flag=no_labour|elderly_alone|low_income]"
        return [
            ConsoleCommand("HOUSEHOLD ADD", usage: addUsage, summary: .summary("Register a household", "登记农户"), access: directoryWriters) { request in
                let a = request.arguments
                try a.only(["village", "group", "address", "no_labour", "elderly_alone", "low_income", "notes", "on_behalf"], usage: addUsage)
                let flags = HouseholdFlags(noLabour: try a.bool("no_labour", usage: addUsage) ?? false,
                                           elderlyAlone: try a.bool("elderly_alone", usage: addUsage) ?? false,
                                           lowIncome: try a.bool("low_income", usage: addUsage) ?? false)
                let household = try await hub.directory.addHousehold(
                    villageID: try a.requiredInt("village", usage: addUsage), groupID: try a.int("group", usage: addUsage),
                    address: a["address"] ?? "", flags: flags, notes: a["notes"] ?? "", scope: request.scope, actor: try request.actor())
                return ConsoleReply(data: household.json, line: "OK household \(household.id) added")
            },
            ConsoleCommand("HOUSEHOLD FIND", usage: findUsage, summary: .summary("List a village's households", "列出村内农户"), access: directoryReaders) { request in
                try request.arguments.only(["village", "flag"], usage: findUsage)
                let households = try await hub.directory.findHouseholds(
                    villageID: try request.arguments.requiredInt("village", usage: findUsage), flag: request.arguments["flag"], scope: request.scope)
                var table = TextTable(["ID", "ADDRESS", "FLAGS", "NOTES"])
                for h in households { table.add(["\(h.id)", h.address, flagText(h.flags), h.notes]) }
                return ConsoleReply(data: .array(households.map(\.json)), text: table.lines)
            },
            ConsoleCommand("HOUSEHOLD SHOW", usage: "HOUSEHOLD SHOW <id>", summary: .summary("Show a household", "查看农户"), access: directoryReaders) { request in
                let id = try request.arguments.requiredID(0, usage: "HOUSEHOLD SHOW <id>")
                guard let household = try await hub.directory.household(id, scope: request.scope) else {
                    throw HuzhuError(.notFound, "no household \(id) in your villages", zh: "您管辖的村里没有户 \(id)")
                }
                return ConsoleReply(data: household.json, text: [
                    "household \(household.id), village \(household.villageID)\(household.groupID.map { ", group \($0)" } ?? "")",
                    "address \(household.address.isEmpty ? "-" : household.address)", "flags \(flagText(household.flags))",
                    "notes \(household.notes.isEmpty ? "-" : household.notes)",
                ])
            },
            ConsoleCommand("HOUSEHOLD EDIT", usage: editUsage, summary: .summary("Change a household's address, flags or notes", "修改农户信息"),
                           access: directoryWriters) { request in
                let a = request.arguments
                try a.only(["address", "no_labour", "elderly_alone", "low_income", "notes", "on_behalf"], usage: editUsage)
                let id = try a.requiredID(0, usage: editUsage)
                let changes = HouseholdChanges(address: a["address"], noLabour: try a.bool("no_labour", usage: editUsage),
                                               elderlyAlone: try a.bool("elderly_alone", usage: editUsage),
                                               lowIncome: try a.bool("low_income", usage: editUsage), notes: a["notes"])
                let household = try await hub.directory.editHousehold(id, changes, scope: request.scope, actor: try request.actor())
                return ConsoleReply(data: household.json, line: "OK household \(id) updated")
            },
        ]
    }

    static func memberCommands(_ hub: Hub) -> [ConsoleCommand] {
        let addUsage = "MEMBER ADD <name> village=<id> [phone=<number>] [household=<id>] [lang=zh|en]"
        let editUsage = "MEMBER EDIT <id> [name=<name>] [phone=<number>] [lang=zh|en] [opted_out=yes|no] [on_behalf=<member id>]"
        return [
            ConsoleCommand("MEMBER ADD", usage: addUsage, summary: .summary("Register a member", "登记成员"), access: directoryWriters) { request in
                let a = request.arguments
                try a.only(["village", "phone", "household", "lang", "on_behalf"], usage: addUsage)
                let language = try Self.language(a["lang"], usage: addUsage) ?? .zh
                let member = try await hub.directory.addMember(
                    NewMember(villageID: try a.requiredInt("village", usage: addUsage), householdID: try a.int("household", usage: addUsage).map(Int64.init),
                              name: try a.required(0, usage: addUsage), phone: a["phone"], language: language),
                    scope: request.scope, actor: try request.actor())
                return ConsoleReply(data: member.json, line: "OK member \(member.id) \(member.name) added")
            },
            ConsoleCommand("MEMBER FIND", usage: "MEMBER FIND <name prefix or phone>",
                           summary: .summary("Find members by name prefix or phone number", "按姓名开头或电话查找成员"), access: directoryReaders) { request in
                guard request.arguments.positional.count == 1, let text = request.arguments.positional.first else {
                    throw HuzhuError(.syntax, "usage: MEMBER FIND <name prefix or phone>, e.g. MEMBER FIND 张",
                                     zh: "用法：MEMBER FIND 姓名开头或电话，如 MEMBER FIND 张")
                }
                let members = try await hub.directory.findMembers(text, scope: request.scope)
                var table = TextTable(["ID", "NAME", "PHONE", "VILLAGE", "HOUSEHOLD"])
                for m in members { table.add(["\(m.id)", m.name, m.phone?.e164 ?? "-", "\(m.villageID)", m.householdID.map(String.init) ?? "-"]) }
                return ConsoleReply(data: .array(members.map(\.json)), text: table.lines)
            },
            ConsoleCommand("MEMBER SHOW", usage: "MEMBER SHOW <id>", summary: .summary("Show a member", "查看成员"), access: directoryReaders) { request in
                let id = try request.arguments.requiredID(0, usage: "MEMBER SHOW <id>")
                guard let member = try await hub.directory.member(id, scope: request.scope) else {
                    throw HuzhuError(.notFound, "no member \(id) in your villages", zh: "您管辖的村里没有成员 \(id)")
                }
                return ConsoleReply(data: member.json, text: [
                    "member \(member.id) \(member.name), village \(member.villageID)\(member.householdID.map { ", household \($0)" } ?? "")",
                    "phone \(member.phone?.e164 ?? "-"), language \(member.language.rawValue)\(member.optedOut ? ", opted out of notifications" : "")",
                ])
            },
            ConsoleCommand("MEMBER EDIT", usage: editUsage, summary: .summary("Change a member (on_behalf= when acting for them)", "修改成员信息（代办时加 on_behalf=）"),
                           access: directoryWriters) { request in
                let a = request.arguments
                try a.only(["name", "phone", "lang", "opted_out", "on_behalf"], usage: editUsage)
                let id = try a.requiredID(0, usage: editUsage)
                let language = try Self.language(a["lang"], usage: editUsage)
                let member = try await hub.directory.editMember(
                    id, MemberChanges(name: a["name"], phone: a["phone"], language: language, optedOut: try a.bool("opted_out", usage: editUsage)),
                    scope: request.scope, actor: try request.actor())
                return ConsoleReply(data: member.json, line: "OK member \(id) updated")
            },
        ]
    }

    /// The `lang=` argument, if given.
    static func language(_ text: String?, usage: String) throws(HuzhuError) -> Language? {
        guard let text else { return nil }
        guard let language = Language(rawValue: text.lowercased()) else {
            throw HuzhuError(.syntax, "lang must be zh or en: usage: \(usage)", zh: "lang 应为 zh 或 en")
        }
        return language
    }

    static func flagText(_ flags: HouseholdFlags) -> String {
        var parts: [String] = []
        if flags.noLabour { parts.append("no_labour") }
        if flags.elderlyAlone { parts.append("elderly_alone") }
        if flags.lowIncome { parts.append("low_income") }
        return parts.isEmpty ? "-" : parts.joined(separator: ",")
    }
}
