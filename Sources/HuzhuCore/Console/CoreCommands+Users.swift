import HuzhuConsole
import HuzhuKit

extension CoreCommands {
    static func userCommands(_ hub: Hub) -> [ConsoleCommand] {
        let addUsage = "USER ADD <name> role=<role>[,<role>…] password=<password> [village=<id or name>[,…]]"
        return [
            ConsoleCommand("USER ADD", usage: addUsage, summary: .summary("Create a console account", "新建控制台账号"), access: adminOnly) { request in
                let arguments = request.arguments
                try arguments.only(["role", "password", "village"], usage: addUsage)
                let name = try arguments.required(0, usage: addUsage)
                guard let roleText = arguments["role"], let password = arguments["password"] else {
                    throw HuzhuError(.syntax, "give role= and password=: usage: \(addUsage)", zh: "请给出 role= 和 password=。用法：\(addUsage)")
                }
                let roles = try roleText.split(separator: ",").map { (text) throws(HuzhuError) in try Role.parse(String(text)) }
                let villages = arguments["village"].map { $0.split(separator: ",").map(String.init) } ?? []
                let id = try await hub.accounts.add(username: name, roles: roles, villages: villages, password: password, actor: try request.actor())
                return ConsoleReply(data: ["id": .int(id), "user": .string(name)], line: "OK account \(name) created (id \(id))")
            },
            ConsoleCommand("USER LIST", usage: "USER LIST", summary: .summary("List console accounts", "列出控制台账号"), access: adminOnly) { _ in
                let accounts = try await hub.accounts.list()
                var table = TextTable(["USER", "ROLES", "VILLAGES", "STATE"])
                for account in accounts {
                    table.add([account.username, account.roles.map(\.rawValue).joined(separator: ","),
                               account.villages.isEmpty ? "all" : account.villages.map(String.init).joined(separator: ","),
                               account.disabled ? "disabled" : "active"])
                }
                return ConsoleReply(data: .array(accounts.map(\.json)), text: table.lines)
            },
            ConsoleCommand("USER PASSWD", usage: "USER PASSWD <name> <new password>", summary: .summary("Set an account's password", "修改账号密码"),
                           access: adminOnly) { request in
                let name = try request.arguments.required(0, usage: "USER PASSWD <name> <new password>")
                let password = try request.arguments.required(1, usage: "USER PASSWD <name> <new password>")
                try await hub.accounts.setPassword(username: name, password: password, actor: try request.actor())
                return ConsoleReply(data: ["user": .string(name)], line: "OK password changed for \(name)")
            },
            ConsoleCommand("USER DISABLE", usage: "USER DISABLE <name>", summary: .summary("Stop an account from logging in", "停用账号"),
                           access: adminOnly) { request in
                let name = try request.arguments.required(0, usage: "USER DISABLE <name>")
                guard name != request.caller?.username else {
                    throw HuzhuError(.invalid, "you cannot disable your own account", zh: "不能停用自己的账号")
                }
                try await hub.accounts.setDisabled(username: name, true, actor: try request.actor())
                return ConsoleReply(data: ["user": .string(name), "disabled": true], line: "OK \(name) disabled")
            },
            ConsoleCommand("USER ENABLE", usage: "USER ENABLE <name>", summary: .summary("Let a disabled account log in again", "重新启用账号"),
                           access: adminOnly) { request in
                let name = try request.arguments.required(0, usage: "USER ENABLE <name>")
                try await hub.accounts.setDisabled(username: name, false, actor: try request.actor())
                return ConsoleReply(data: ["user": .string(name), "disabled": false], line: "OK \(name) enabled")
            },
            ConsoleCommand("USER TOKEN", usage: "USER TOKEN <name> [label=<text>]",
                           summary: .summary("Create a machine token (for gateways); shown once", "为网关等程序生成令牌（只显示一次）"),
                           access: adminOnly) { request in
                try request.arguments.only(["label"], usage: "USER TOKEN <name> [label=<text>]")
                let name = try request.arguments.required(0, usage: "USER TOKEN <name> [label=<text>]")
                let token = try await hub.accounts.createToken(username: name, label: request.arguments["label"] ?? "", actor: try request.actor())
                return ConsoleReply(data: ["user": .string(name), "token": .string(token)], line: "token for \(name) (shown once): \(token)")
            },
        ]
    }
}
