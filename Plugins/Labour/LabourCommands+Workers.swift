import Foundation
import HuzhuKit

/// `LABOUR WORKER …`, `LABOUR TEAM …`, `LABOUR TASK …`.
enum LabourWorkerCommands {
    static func all(_ labour: LabourStore, words: any SMSWordBook) -> [ConsoleCommand] {
        workers(labour) + teams(labour) + tasks(labour, words: words)
    }

    static func changes(_ a: ConsoleArguments, usage: String) throws(HuzhuError) -> LabourWorkerChanges {
        var days: [String]?
        if let list = a.labourList("off") {
            days = []
            for text in list { days!.append(try ConsoleArguments.labourDate(text, key: "off", usage: usage)) }
        }
        let travel = try a.double("travel", usage: usage)
        if let travel, !(0...500).contains(travel) { throw HuzhuError(.invalid, "travel is 0 to 500 km", zh: "出工距离为0到500公里") }
        return LabourWorkerChanges(skills: try a.labourSkills(usage: usage), equipment: a.labourList("equipment"), travelKm: travel,
                                   weekdays: try a.labourWeekdays(usage: usage), status: try a.labourChoice("status", ["active", "paused"], usage: usage),
                                   notes: a["notes"], daysOff: days)
    }

    static func workerLine(_ w: LabourWorker) -> [String] {
        [String(w.id), w.name, String(w.village), w.skills.map(\.text).joined(separator: ","), LabourFormat.number(w.travelKm),
         LabourFormat.weekdays(w.weekdays), w.status]
    }

    static let header = ["ID", "NAME", "VILLAGE", "SKILLS", "KM", "DAYS", "STATUS"]

    static func workers(_ labour: LabourStore) -> [ConsoleCommand] {
        let addUsage = "LABOUR WORKER ADD <member> skills=<task:level:price/mu|day,…> [equipment=<a,b>] [travel=<km>] [days=1234567] [off=<date,…>] [notes=<text>]"
        let findUsage = "LABOUR WORKER FIND [<name prefix>] [task=<code>] [village=<id>] [status=active|paused|retired] [limit=50]"
        let editUsage = "LABOUR WORKER EDIT <id> [skills=…] [equipment=…] [travel=<km>] [days=1234567] [off=<date,…>] [status=active|paused] [notes=<text>]"
        return [
            ConsoleCommand("LABOUR WORKER ADD", usage: addUsage, summary: .labour("Register a member as a craftsman with skills and prices", "登记工匠（技能、价格、出工范围）"),
                           access: LabourAccess.writers) { request in
                let a = request.arguments
                try a.only(["skills", "equipment", "travel", "days", "off", "notes"], usage: addUsage)
                let member = try a.requiredID(0, usage: addUsage)
                let changes = try changes(a, usage: addUsage)
                guard let skills = changes.skills, !skills.isEmpty else {
                    throw HuzhuError(.syntax, "give at least one skill: \(addUsage)", zh: "至少登记一项技能。用法：\(addUsage)")
                }
                let worker = try await labour.addWorker(member: member, changes, scope: request.scope, actor: try request.actor())
                return ConsoleReply(data: worker.json, line: "OK worker \(worker.id) \(worker.name) added")
            },
            ConsoleCommand("LABOUR WORKER FIND", usage: findUsage, summary: .labour("Find craftsmen by name, task or village", "按姓名、农活或村查找工匠"),
                           access: LabourAccess.readers) { request in
                let a = request.arguments
                try a.only(["task", "village", "status", "limit"], usage: findUsage)
                let workers = try await labour.findWorkers(
                    task: a["task"]?.lowercased(), village: try a.int("village", usage: findUsage), name: a.positional.first,
                    status: try a.labourChoice("status", ["active", "paused", "retired"], usage: findUsage), scope: request.scope,
                    limit: try a.labourLimit(usage: findUsage))
                var table = TextTable(header)
                for worker in workers { table.add(workerLine(worker)) }
                return ConsoleReply(data: .array(workers.map(\.json)), text: table.lines)
            },
            ConsoleCommand("LABOUR WORKER SHOW", usage: "LABOUR WORKER SHOW <id>", summary: .labour("Show a craftsman", "查看工匠"),
                           access: LabourAccess.readers) { request in
                let id = try request.arguments.requiredID(0, usage: "LABOUR WORKER SHOW <id>")
                guard let worker = try await labour.worker(id, scope: request.scope) else {
                    throw HuzhuError(.notFound, "no worker \(id) in your villages", zh: "您管辖的村里没有工匠 \(id)")
                }
                var table = TextTable(header)
                table.add(workerLine(worker))
                return ConsoleReply(data: worker.json, text: table.lines)
            },
            ConsoleCommand("LABOUR WORKER EDIT", usage: editUsage, summary: .labour("Change a craftsman's skills, prices, days or status", "修改工匠技能、价格、出工日或状态"),
                           access: LabourAccess.writers) { request in
                let a = request.arguments
                try a.only(["skills", "equipment", "travel", "days", "off", "status", "notes"], usage: editUsage)
                let worker = try await labour.editWorker(try a.requiredID(0, usage: editUsage), try changes(a, usage: editUsage),
                                                         scope: request.scope, actor: try request.actor())
                return ConsoleReply(data: worker.json, line: "OK worker \(worker.id) updated")
            },
            ConsoleCommand("LABOUR WORKER CANCEL", usage: "LABOUR WORKER CANCEL <id>", summary: .labour("Retire a craftsman (kept for reports)", "注销工匠（保留记录）"),
                           access: LabourAccess.writers) { request in
                let id = try request.arguments.requiredID(0, usage: "LABOUR WORKER CANCEL <id>")
                let worker = try await labour.editWorker(id, LabourWorkerChanges(status: "retired"), scope: request.scope, actor: try request.actor())
                return ConsoleReply(data: worker.json, line: "OK worker \(id) retired")
            },
        ]
    }

    static func teams(_ labour: LabourStore) -> [ConsoleCommand] {
        let addUsage = "LABOUR TEAM ADD <name> leader=<worker> [members=<worker,…>]"
        let editUsage = "LABOUR TEAM EDIT <id> [name=<name>] [leader=<worker>] [members=<worker,…>]"
        @Sendable func reply(_ team: LabourTeam, _ line: String) -> ConsoleReply { ConsoleReply(data: team.json, line: line) }
        return [
            ConsoleCommand("LABOUR TEAM ADD", usage: addUsage, summary: .labour("Form a service team (专业化服务队伍)", "组建专业化服务队"),
                           access: LabourAccess.writers) { request in
                let a = request.arguments
                try a.only(["leader", "members"], usage: addUsage)
                let team = try await labour.addTeam(name: try a.required(0, usage: addUsage), leader: Int64(try a.requiredInt("leader", usage: addUsage)),
                                                    members: try a.labourIDs("members", usage: addUsage) ?? [], scope: request.scope, actor: try request.actor())
                return reply(team, "OK team \(team.id) \(team.name) formed with \(team.members.count) members")
            },
            ConsoleCommand("LABOUR TEAM FIND", usage: "LABOUR TEAM FIND [village=<id>] [limit=50]", summary: .labour("List service teams", "列出服务队"),
                           access: LabourAccess.readers) { request in
                let usage = "LABOUR TEAM FIND [village=<id>] [limit=50]"
                try request.arguments.only(["village", "limit"], usage: usage)
                let teams = try await labour.findTeams(village: try request.arguments.int("village", usage: usage), scope: request.scope,
                                                       limit: try request.arguments.labourLimit(usage: usage))
                var table = TextTable(["ID", "NAME", "LEADER", "VILLAGE", "MEMBERS", "STATUS"])
                for t in teams { table.add([String(t.id), t.name, String(t.leader), String(t.village), t.members.map(String.init).joined(separator: ","), t.status]) }
                return ConsoleReply(data: .array(teams.map(\.json)), text: table.lines)
            },
            ConsoleCommand("LABOUR TEAM SHOW", usage: "LABOUR TEAM SHOW <id>", summary: .labour("Show a service team", "查看服务队"), access: LabourAccess.readers) { request in
                let id = try request.arguments.requiredID(0, usage: "LABOUR TEAM SHOW <id>")
                guard let team = try await labour.team(id, scope: request.scope) else {
                    throw HuzhuError(.notFound, "no team \(id) in your villages", zh: "您管辖的村里没有服务队 \(id)")
                }
                return reply(team, "team \(team.id) \(team.name): leader \(team.leader), members \(team.members.map(String.init).joined(separator: ",")), \(team.status)")
            },
            ConsoleCommand("LABOUR TEAM EDIT", usage: editUsage, summary: .labour("Rename a team or change its leader or members", "修改服务队名称、队长或队员"),
                           access: LabourAccess.writers) { request in
                let a = request.arguments
                try a.only(["name", "leader", "members"], usage: editUsage)
                let team = try await labour.editTeam(try a.requiredID(0, usage: editUsage), name: a["name"], leader: try a.int("leader", usage: editUsage).map(Int64.init),
                                                     members: try a.labourIDs("members", usage: editUsage), status: nil, scope: request.scope, actor: try request.actor())
                return reply(team, "OK team \(team.id) updated")
            },
            ConsoleCommand("LABOUR TEAM CANCEL", usage: "LABOUR TEAM CANCEL <id>", summary: .labour("Disband a service team", "解散服务队"), access: LabourAccess.writers) { request in
                let id = try request.arguments.requiredID(0, usage: "LABOUR TEAM CANCEL <id>")
                let team = try await labour.editTeam(id, name: nil, leader: nil, members: nil, status: "disbanded", scope: request.scope, actor: try request.actor())
                return reply(team, "OK team \(id) disbanded")
            },
        ]
    }

    static func tasks(_ labour: LabourStore, words: any SMSWordBook) -> [ConsoleCommand] {
        let addUsage = "LABOUR TASK ADD <code> <中文名> [en=<name>] [words=<词,词>]"
        return [
            ConsoleCommand("LABOUR TASK ADD", usage: addUsage, summary: .labour("Add a task, with the SMS words for it", "新增农活（及其短信说法）"),
                           access: .roles([.labour, .staff])) { request in
                let a = request.arguments
                try a.only(["en", "words"], usage: addUsage)
                let code = try a.required(0, usage: addUsage).lowercased()
                guard code.range(of: "^[a-z_]{2,20}$", options: .regularExpression) != nil else {
                    throw HuzhuError(.syntax, "a task code is 2-20 lowercase letters, e.g. weed: usage: \(addUsage)", zh: "农活代码为2-20个小写字母，如 weed")
                }
                let zh = try a.required(1, usage: addUsage)
                try await labour.addTask(code: code, zh: zh, en: a["en"] ?? code, words: a.labourList("words") ?? [], actor: try request.actor(), words: words)
                return ConsoleReply(data: ["code": .string(code), "zh": .string(zh)], line: "OK task \(code) (\(zh)) added")
            },
            ConsoleCommand("LABOUR TASK LIST", usage: "LABOUR TASK LIST", summary: .labour("The tasks craftsmen can be asked for", "农活列表"),
                           access: LabourAccess.readers) { _ in
                let tasks = try await labour.tasks()
                var table = TextTable(["CODE", "中文", "ENGLISH"])
                for task in tasks { table.add([task.code, task.zh, task.en]) }
                return ConsoleReply(data: .array(tasks.map { ["code": .string($0.code), "zh": .string($0.zh), "en": .string($0.en)] }), text: table.lines)
            },
        ]
    }
}
