import HuzhuKit

/// `LABOUR CONTRACT …`: technical contracts (技术承包).
enum LabourContractCommands {
    static func all(_ labour: LabourStore) -> [ConsoleCommand] {
        let addUsage = "LABOUR CONTRACT ADD household=<id> worker=<id>|team=<id> scope=<text> fee=<yuan> from=<YYYY-MM-DD> to=<YYYY-MM-DD> [area=<mu>] [milestones=<text>]"
        let editUsage = "LABOUR CONTRACT EDIT <id> [scope=<text>] [fee=<yuan>] [area=<mu>] [milestones=<text>] [from=<date>] [to=<date>] [status=draft|active|completed]"
        let findUsage = "LABOUR CONTRACT FIND [household=<id>] [worker=<id>] [status=<status>] [limit=50]"
        @Sendable func fields(_ a: ConsoleArguments, _ usage: String) throws(HuzhuError) -> LabourContractFields {
            LabourContractFields(household: try a.int("household", usage: usage).map(Int64.init), worker: try a.int("worker", usage: usage).map(Int64.init),
                                 team: try a.int("team", usage: usage).map(Int64.init), scope: a["scope"], areaMu: try a.labourPositive("area", usage: usage),
                                 fee: try a.double("fee", usage: usage), milestones: a["milestones"], from: try a.labourDate("from", usage: usage),
                                 to: try a.labourDate("to", usage: usage), status: try a.labourChoice("status", ["draft", "active", "completed"], usage: usage))
        }
        @Sendable func line(_ c: LabourContract) -> [String] {
            [String(c.id), String(c.household), c.worker.map { "worker \($0)" } ?? "team \(c.team ?? 0)", c.scope, LabourFormat.number(c.fee),
             "\(c.seasonFrom)..\(c.seasonTo)", c.status]
        }
        let header = ["ID", "HOUSEHOLD", "BY", "SCOPE", "FEE", "SEASON", "STATUS"]
        return [
            ConsoleCommand("LABOUR CONTRACT ADD", usage: addUsage, summary: .labour("Record a season-long technical contract", "登记技术承包合同"),
                           access: LabourAccess.writers) { request in
                let a = request.arguments
                try a.only(["household", "worker", "team", "scope", "fee", "from", "to", "area", "milestones", "status", "on_behalf"], usage: addUsage)
                let f = try fields(a, addUsage)
                guard f.household != nil, (f.worker == nil) != (f.team == nil), f.scope != nil, f.fee != nil, f.from != nil, f.to != nil else {
                    throw HuzhuError(.syntax, "household=, one of worker=/team=, scope=, fee=, from= and to= are needed: usage: \(addUsage)",
                                     zh: "需要 household=、worker= 或 team=（二选一）、scope=、fee=、from=、to=。用法：\(addUsage)")
                }
                let contract = try await labour.addContract(f, scope: request.scope, actor: try request.actor())
                return ConsoleReply(data: contract.json, line: "OK contract \(contract.id) added")
            },
            ConsoleCommand("LABOUR CONTRACT FIND", usage: findUsage, summary: .labour("Find technical contracts", "查找技术承包合同"), access: LabourAccess.readers) { request in
                let a = request.arguments
                try a.only(["household", "worker", "status", "limit"], usage: findUsage)
                let found = try await labour.findContracts(household: try a.int("household", usage: findUsage).map(Int64.init),
                                                           worker: try a.int("worker", usage: findUsage).map(Int64.init), status: a["status"],
                                                           scope: request.scope, limit: try a.labourLimit(usage: findUsage))
                var table = TextTable(header)
                for c in found { table.add(line(c)) }
                return ConsoleReply(data: .array(found.map(\.json)), text: table.lines)
            },
            ConsoleCommand("LABOUR CONTRACT SHOW", usage: "LABOUR CONTRACT SHOW <id>", summary: .labour("Show a technical contract", "查看技术承包合同"),
                           access: LabourAccess.readers) { request in
                let id = try request.arguments.requiredID(0, usage: "LABOUR CONTRACT SHOW <id>")
                guard let contract = try await labour.contract(id, scope: request.scope) else {
                    throw HuzhuError(.notFound, "no contract \(id) in your villages", zh: "您管辖的村里没有承包合同 \(id)")
                }
                var table = TextTable(header)
                table.add(line(contract))
                return ConsoleReply(data: contract.json, text: table.lines + ["milestones: \(contract.milestones)"])
            },
            ConsoleCommand("LABOUR CONTRACT EDIT", usage: editUsage, summary: .labour("Change a technical contract", "修改技术承包合同"), access: LabourAccess.writers) { request in
                let a = request.arguments
                try a.only(["scope", "fee", "area", "milestones", "from", "to", "status"], usage: editUsage)
                let contract = try await labour.editContract(try a.requiredID(0, usage: editUsage), try fields(a, editUsage), scope: request.scope, actor: try request.actor())
                return ConsoleReply(data: contract.json, line: "OK contract \(contract.id) updated")
            },
            ConsoleCommand("LABOUR CONTRACT CANCEL", usage: "LABOUR CONTRACT CANCEL <id>", summary: .labour("Cancel a technical contract", "取消技术承包合同"),
                           access: LabourAccess.writers) { request in
                let id = try request.arguments.requiredID(0, usage: "LABOUR CONTRACT CANCEL <id>")
                let contract = try await labour.editContract(id, LabourContractFields(status: "cancelled"), scope: request.scope, actor: try request.actor())
                return ConsoleReply(data: contract.json, line: "OK contract \(id) cancelled")
            },
        ]
    }
}
