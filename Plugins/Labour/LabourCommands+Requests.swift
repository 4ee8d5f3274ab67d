import Foundation
import HuzhuKit

/// `LABOUR REQUEST …`, `LABOUR JOB …`, `LABOUR OFFER/ASSIGN/DONE/RATE/PAY/EXPIRE`.
enum LabourRequestCommands {
    static func all(_ labour: LabourStore) -> [ConsoleCommand] { requests(labour) + jobs(labour) }

    static let requestHeader = ["ID", "MEMBER", "VILLAGE", "TASK", "MU", "DATE", "CREW", "PRIORITY", "STATE"]
    static func requestLine(_ r: LabourRequest) -> [String] {
        [String(r.id), String(r.member), String(r.village), r.task, r.areaMu.map(LabourFormat.number) ?? "-",
         r.dateFrom == r.dateTo ? r.dateFrom : "\(r.dateFrom)..\(r.dateTo)", String(r.crew), r.priority ? "yes" : "", r.state]
    }

    static let jobHeader = ["ID", "REQUEST", "DATE", "CREW", "WORKERS", "STATE", "PRICE", "RATING", "PAID"]
    static func jobLine(_ j: LabourJob) -> [String] {
        [String(j.id), String(j.request), j.day, String(j.crew), j.workers.map(String.init).joined(separator: ","), j.state,
         j.price.map(LabourFormat.number) ?? "-", j.rating.map(String.init) ?? "-", j.paidAmount.map { "\(LabourFormat.number($0)) \(j.paidMethod ?? "")" } ?? "-"]
    }

    static func requests(_ labour: LabourStore) -> [ConsoleCommand] {
        let addUsage = "LABOUR REQUEST ADD member=<id> task=<code> date=<YYYY-MM-DD> [to=<YYYY-MM-DD>] [area=<mu>] [crew=1] [notes=<text>]"
        let findUsage = "LABOUR REQUEST FIND [state=open|matched|done|cancelled|unmet] [task=<code>] [village=<id>] [date=<YYYY-MM-DD>] [member=<id>] [limit=50]"
        let editUsage = "LABOUR REQUEST EDIT <id> [date=<YYYY-MM-DD>] [to=<YYYY-MM-DD>] [area=<mu>] [crew=<n>] [notes=<text>]"
        return [
            ConsoleCommand("LABOUR REQUEST ADD", usage: addUsage,
                           summary: .labour("Enter a request for hands on a farmer's behalf (全程代理, audited)", "代农户登记找人请求（全程代理，留痕）"),
                           access: LabourAccess.writers) { request in
                let a = request.arguments
                try a.only(["member", "task", "date", "to", "area", "crew", "notes", "on_behalf"], usage: addUsage)
                guard let memberValue = try a.int("member", usage: addUsage) ?? a.int("on_behalf", usage: addUsage) else {
                    throw HuzhuError(.syntax, "missing member=: usage: \(addUsage)", zh: "缺少 member=。用法：\(addUsage)")
                }
                let member = Int64(memberValue)
                guard let task = a["task"]?.lowercased(), let date = try a.labourDate("date", usage: addUsage) else {
                    throw HuzhuError(.syntax, "task= and date= are needed: usage: \(addUsage)", zh: "需要 task= 和 date=。用法：\(addUsage)")
                }
                let crew = try a.int("crew", usage: addUsage) ?? 1
                guard (1...99).contains(crew) else { throw HuzhuError(.invalid, "crew is 1 to 99 people", zh: "人数为1到99") }
                // Staff always act for the farmer here: the audit log records whose request it is (全程代理).
                let actor = try request.actor().onBehalf(of: member)
                guard let (created, offered) = try await labour.createRequest(
                    NewLabourRequest(member: member, task: task, dateFrom: date, dateTo: try a.labourDate("to", usage: addUsage),
                                     areaMu: try a.labourPositive("area", usage: addUsage), crew: crew, notes: a["notes"] ?? ""),
                    scope: request.scope, actor: actor) else { throw HuzhuError(.internal, "the request was not stored") }
                return ConsoleReply(data: created.json, line: "OK request \(created.id) added\(offered.map { ", offered to \($0) workers" } ?? "")")
            },
            ConsoleCommand("LABOUR REQUEST FIND", usage: findUsage, summary: .labour("Find requests", "查找找人请求"), access: LabourAccess.readers) { request in
                let a = request.arguments
                try a.only(["state", "task", "village", "date", "member", "limit"], usage: findUsage)
                let found = try await labour.findRequests(
                    state: try a.labourChoice("state", ["open", "matched", "done", "cancelled", "unmet"], usage: findUsage), task: a["task"]?.lowercased(),
                    village: try a.int("village", usage: findUsage), date: try a.labourDate("date", usage: findUsage),
                    member: try a.int("member", usage: findUsage).map(Int64.init), scope: request.scope, limit: try a.labourLimit(usage: findUsage))
                var table = TextTable(requestHeader)
                for r in found { table.add(requestLine(r)) }
                return ConsoleReply(data: .array(found.map(\.json)), text: table.lines)
            },
            ConsoleCommand("LABOUR REQUEST SHOW", usage: "LABOUR REQUEST SHOW <id>", summary: .labour("Show a request and its job", "查看找人请求及派工"),
                           access: LabourAccess.readers) { request in
                let id = try request.arguments.requiredID(0, usage: "LABOUR REQUEST SHOW <id>")
                guard let found = try await labour.request(id, scope: request.scope) else {
                    throw HuzhuError(.notFound, "no request \(id) in your villages", zh: "您管辖的村里没有找人请求 \(id)")
                }
                let jobs = try await labour.findJobs(state: nil, date: nil, worker: nil, request: id, scope: [], limit: 20)
                var table = TextTable(requestHeader)
                table.add(requestLine(found))
                var jobTable = TextTable(jobHeader)
                for job in jobs { jobTable.add(jobLine(job)) }
                return ConsoleReply(data: ["request": found.json, "jobs": .array(jobs.map(\.json))], text: table.lines + [""] + jobTable.lines)
            },
            ConsoleCommand("LABOUR REQUEST EDIT", usage: editUsage, summary: .labour("Change an open request", "修改待派工的请求"), access: LabourAccess.writers) { request in
                let a = request.arguments
                try a.only(["date", "to", "area", "crew", "notes", "on_behalf"], usage: editUsage)
                let changed = try await labour.editRequest(
                    try a.requiredID(0, usage: editUsage), dateFrom: try a.labourDate("date", usage: editUsage), dateTo: try a.labourDate("to", usage: editUsage),
                    areaMu: try a.labourPositive("area", usage: editUsage), crew: try a.int("crew", usage: editUsage), notes: a["notes"],
                    scope: request.scope, actor: try await labour.forFarmer(try request.actor(), request: try a.requiredID(0, usage: editUsage)))
                return ConsoleReply(data: changed.json, line: "OK request \(changed.id) updated")
            },
            ConsoleCommand("LABOUR REQUEST CANCEL", usage: "LABOUR REQUEST CANCEL <id>", summary: .labour("Cancel a request (its workers are told)", "取消找人请求（通知工匠）"),
                           access: LabourAccess.writers) { request in
                let id = try request.arguments.requiredID(0, usage: "LABOUR REQUEST CANCEL <id>")
                let actor = try await labour.forFarmer(try request.actor(), request: id)
                guard let cancelled = try await labour.cancelRequest(id, member: nil, scope: request.scope, actor: actor) else {
                    throw HuzhuError(.notFound, "no request \(id) that can be cancelled: see LABOUR REQUEST FIND", zh: "没有可取消的找人请求 \(id)")
                }
                return ConsoleReply(data: cancelled.json, line: "OK request \(id) cancelled")
            },
        ]
    }

    static func jobs(_ labour: LabourStore) -> [ConsoleCommand] {
        let findUsage = "LABOUR JOB FIND [state=<state>] [date=<YYYY-MM-DD>] [worker=<id>] [request=<id>] [limit=50]"
        let assignUsage = "LABOUR ASSIGN <request> worker=<id,…> | team=<id>"
        let payUsage = "LABOUR PAY <job> amount=<yuan> [method=cash|wechat|alipay|bank|other]"
        @Sendable func job(_ request: ConsoleRequest, _ usage: String) async throws -> LabourJob {
            let id = try request.arguments.requiredID(0, usage: usage)
            guard let job = try await labour.job(id, scope: request.scope) else {
                throw HuzhuError(.notFound, "no job \(id) in your villages", zh: "您管辖的村里没有活 \(id)")
            }
            return job
        }
        @Sendable func reply(_ job: LabourJob, _ line: String) -> ConsoleReply { ConsoleReply(data: job.json, line: line) }
        return [
            ConsoleCommand("LABOUR JOB FIND", usage: findUsage, summary: .labour("Find jobs", "查找派工"), access: LabourAccess.readers) { request in
                let a = request.arguments
                try a.only(["state", "date", "worker", "request", "limit"], usage: findUsage)
                let jobs = try await labour.findJobs(state: a["state"]?.lowercased(), date: try a.labourDate("date", usage: findUsage),
                                                     worker: try a.int("worker", usage: findUsage).map(Int64.init),
                                                     request: try a.int("request", usage: findUsage).map(Int64.init), scope: request.scope,
                                                     limit: try a.labourLimit(usage: findUsage))
                var table = TextTable(jobHeader)
                for j in jobs { table.add(jobLine(j)) }
                return ConsoleReply(data: .array(jobs.map(\.json)), text: table.lines)
            },
            ConsoleCommand("LABOUR JOB SHOW", usage: "LABOUR JOB SHOW <id>", summary: .labour("Show a job", "查看派工"), access: LabourAccess.readers) { request in
                let found = try await job(request, "LABOUR JOB SHOW <id>")
                var table = TextTable(jobHeader)
                table.add(jobLine(found))
                return ConsoleReply(data: found.json, text: table.lines)
            },
            ConsoleCommand("LABOUR JOB CANCEL", usage: "LABOUR JOB CANCEL <id>", summary: .labour("Call off a job; its request is open again", "取消派工，请求重新待派"),
                           access: LabourAccess.writers) { request in
                let id = try request.arguments.requiredID(0, usage: "LABOUR JOB CANCEL <id>")
                return reply(try await labour.cancelJob(id, scope: request.scope, actor: try request.actor()), "OK job \(id) cancelled")
            },
            ConsoleCommand("LABOUR OFFER", usage: "LABOUR OFFER <request> [count=<n>] [team=<id>]",
                           summary: .labour("Offer a request by SMS to its best candidates, or to a team's leader", "把活短信推送给最合适的工匠或服务队队长"),
                           access: LabourAccess.writers) { request in
                let usage = "LABOUR OFFER <request> [count=<n>] [team=<id>]"
                try request.arguments.only(["count", "team"], usage: usage)
                let count = try request.arguments.int("count", usage: usage)
                if let count, !(1...50).contains(count) {
                    throw HuzhuError(.invalid, "count=\(count): offer to 1 to 50 candidates at once: \(usage)", zh: "count 应为 1 到 50")
                }
                let (job, offered) = try await labour.offer(request: try request.arguments.requiredID(0, usage: usage), count: count.map { max(1, $0) },
                                                            team: try request.arguments.int("team", usage: usage).map(Int64.init),
                                                            scope: request.scope, actor: try request.actor())
                return ConsoleReply(data: ["job": job.json, "offered": .array(offered.map(\.json))],
                                    line: offered.isEmpty ? "OK job \(job.id): no more candidates" : "OK job \(job.id) offered to \(offered.map { String($0.facts.worker) }.joined(separator: ","))")
            },
            ConsoleCommand("LABOUR ASSIGN", usage: assignUsage, summary: .labour("Assign workers or a team to a request directly", "直接给请求派工匠或服务队"),
                           access: LabourAccess.writers) { request in
                let a = request.arguments
                try a.only(["worker", "team"], usage: assignUsage)
                let workers = try a.labourIDs("worker", usage: assignUsage) ?? []
                let team = try a.int("team", usage: assignUsage).map(Int64.init)
                guard workers.isEmpty != (team == nil) else {
                    throw HuzhuError(.syntax, "give worker=<id,…> or team=<id>, not both: usage: \(assignUsage)", zh: "请给出 worker= 或 team=（二选一）")
                }
                let job = try await labour.assign(request: try a.requiredID(0, usage: assignUsage), workers: workers, team: team,
                                                  scope: request.scope, actor: try request.actor())
                return reply(job, "OK job \(job.id) \(job.state): \(job.workers.count) of \(job.crew) placed")
            },
            ConsoleCommand("LABOUR DONE", usage: "LABOUR DONE <job>", summary: .labour("Record that a job is finished", "登记完工"), access: LabourAccess.writers) { request in
                let id = try request.arguments.requiredID(0, usage: "LABOUR DONE <job>")
                guard let job = try await labour.complete(job: id, worker: nil, scope: request.scope, actor: try request.actor()) else {
                    throw HuzhuError(.notFound, "no job \(id) that can be completed: see LABOUR JOB FIND", zh: "没有可完工的活 \(id)")
                }
                return reply(job, "OK job \(id) done")
            },
            ConsoleCommand("LABOUR RATE", usage: "LABOUR RATE <job> <stars 1-5>", summary: .labour("Record the farmer's rating of a job", "登记农户评价"),
                           access: LabourAccess.writers) { request in
                let usage = "LABOUR RATE <job> <stars 1-5>"
                let id = try request.arguments.requiredID(0, usage: usage)
                guard let stars = Int(try request.arguments.required(1, usage: usage)) else {
                    throw HuzhuError(.syntax, "stars are a number 1-5: usage: \(usage)", zh: "评分为1-5的数字。用法：\(usage)")
                }
                // The rating is the farmer's: staff record it on their behalf (全程代理).
                var actor = try request.actor()
                if let job = try await labour.job(id, scope: []) { actor = try await labour.forFarmer(actor, request: job.request) }
                guard let job = try await labour.rate(job: id, stars: stars, member: nil, scope: request.scope, actor: actor) else {
                    throw HuzhuError(.notFound, "no job \(id) that can be rated: see LABOUR JOB FIND", zh: "没有可评价的活 \(id)")
                }
                return reply(job, "OK job \(id) rated \(stars)")
            },
            ConsoleCommand("LABOUR PAY", usage: payUsage, summary: .labour("Record a payment for a job", "登记付款"), access: LabourAccess.writers) { request in
                let a = request.arguments
                try a.only(["amount", "method", "on_behalf"], usage: payUsage)
                guard let amount = try a.double("amount", usage: payUsage) else {
                    throw HuzhuError(.syntax, "missing amount=<yuan>: usage: \(payUsage)", zh: "缺少 amount=金额。用法：\(payUsage)")
                }
                guard amount >= 0 else {
                    throw HuzhuError(.invalid, "amount=\(LabourFormat.number(amount)) cannot be negative: usage: \(payUsage)", zh: "金额不能为负数")
                }
                let method = try a.labourChoice("method", ["cash", "wechat", "alipay", "bank", "other"], usage: payUsage) ?? "cash"
                let job = try await labour.pay(job: try a.requiredID(0, usage: payUsage), amount: amount, method: method, scope: request.scope, actor: try request.actor())
                return reply(job, "OK job \(job.id) paid \(LabourFormat.number(amount)) by \(method)")
            },
            ConsoleCommand("LABOUR EXPIRE", usage: "LABOUR EXPIRE [at=<ISO time>]",
                           summary: .labour("Expire unanswered offers now (also runs every minute) and offer to the next candidates", "处理超时未接的推送并推给下一批"),
                           access: .roles([.labour, .staff])) { request in
                let usage = "LABOUR EXPIRE [at=<ISO time>]"
                try request.arguments.only(["at"], usage: usage)
                guard request.scope.isEmpty else {
                    throw HuzhuError(.denied, "this runs for every village: an account limited to some villages may not run it", zh: "此命令作用于所有村，限定村的账号不能运行")
                }
                var now = Date()
                if let text = request.arguments["at"] {
                    guard let at = ISO8601DateFormatter().date(from: text) else {
                        throw HuzhuError(.syntax, "at=\(text) must be an ISO time like 2026-06-12T08:00:00Z: usage: \(usage)", zh: "at= 应为 ISO 时间，如 2026-06-12T08:00:00Z")
                    }
                    now = at
                }
                let result = try await labour.expire(now: now, actor: try request.actor())
                return ConsoleReply(data: ["expired": .int(result.offers), "reoffered": .int(result.reoffered), "unmet": .int(result.unmet)],
                                    line: "OK \(result.offers) offers expired, \(result.reoffered) new offers, \(result.unmet) requests unmet")
            },
        ]
    }
}

extension LabourStore {
    /// The actor for a change to a farmer's own request (edit, cancel, rating): acting on the farmer's
    /// behalf unless `on_behalf=` named someone. The farmer of a request never changes, so reading it before
    /// the write is safe; a request that is missing or out of scope is refused by the write itself.
    func forFarmer(_ actor: Actor, request id: Int64) async throws -> Actor {
        guard actor.onBehalfOf == nil, let found = try await request(id, scope: []) else { return actor }
        return actor.onBehalf(of: found.member)
    }
}
