import Foundation
import HuzhuKit

/// `LABOUR MATCH`, `LABOUR PLAN`, `LABOUR REPORT`.
enum LabourMatchingCommands {
    static func all(_ labour: LabourStore) -> [ConsoleCommand] {
        let matchUsage = "LABOUR MATCH <request> [date=<YYYY-MM-DD>] [limit=10]"
        let planUsage = "LABOUR PLAN <YYYY-MM-DD> [COMMIT]"
        let reportUsage = "LABOUR REPORT [from=<YYYY-MM-DD>] [to=<YYYY-MM-DD>] [limit=20]"
        return [
            ConsoleCommand("LABOUR MATCH", usage: matchUsage,
                           summary: .labour("Ranked candidates for a request, with each term of the score", "请求的候选工匠排名（列出评分各项）"),
                           access: LabourAccess.readers) { request in
                let a = request.arguments
                try a.only(["date", "limit"], usage: matchUsage)
                let id = try a.requiredID(0, usage: matchUsage)
                let date = try a.labourDate("date", usage: matchUsage)
                let limit = min(max(try a.int("limit", usage: matchUsage) ?? 10, 1), 200)
                let (found, total, shown, teams) = try await labour.match(request: id, date: date, limit: limit, scope: request.scope)
                var table = TextTable(["#", "WORKER", "NAME", "KM", "LEVEL", "COST", "DIST", "LVL", "RATE", "PRICE", "FAIR", "SCORE"])
                for (rank, c) in shown.enumerated() {
                    table.add([String(rank + 1), String(c.facts.worker), c.name, LabourFormat.number((c.facts.distanceKm * 10).rounded() / 10), String(c.facts.level),
                               LabourFormat.number(c.cost), fmt(c.score.distance), fmt(c.score.level), fmt(c.score.rating), fmt(c.score.price),
                               fmt(c.score.fairness), fmt(c.score.total)])
                }
                let w = labour.settings.weights
                return ConsoleReply(
                    data: ["request": found.json, "date": .string(date ?? found.dateFrom), "candidates": .int(total),
                           "weights": ["distance": .double(w.distance), "level": .double(w.level), "rating": .double(w.rating),
                                       "price": .double(w.price), "fairness": .double(w.fairness)],
                           "ranked": .array(shown.map(\.json)), "teams": .array(teams.map(\.json))],
                    text: ["request \(id): \(found.task) \(date ?? found.dateFrom), \(total) candidates; score = \(fmt(w.distance))·DIST + \(fmt(w.level))·LVL + \(fmt(w.rating))·RATE + \(fmt(w.price))·PRICE + \(fmt(w.fairness))·FAIR"]
                        + table.lines
                        + (teams.isEmpty ? [] : ["teams (as a unit, LABOUR OFFER \(id) team=<id>):"]
                            + teams.prefix(limit).map { "  team \($0.team) \($0.name): leader \($0.leader), members \($0.members.map(String.init).joined(separator: ",")), mean score \(fmt($0.score))" }))
            },
            ConsoleCommand("LABOUR PLAN", usage: planUsage,
                           summary: .labour("Assign a day's open requests optimally (vs greedy); COMMIT applies it", "一天的请求统一最优派工（对比逐个贪心）；加 COMMIT 执行"),
                           access: LabourAccess.writers) { request in
                let a = request.arguments
                try a.only([], usage: planUsage)
                let date = try ConsoleArguments.labourDate(try a.required(0, usage: planUsage), key: "date", usage: planUsage)
                let commit: Bool
                switch a.positional.count {
                case 1: commit = false
                case 2 where a.positional[1].uppercased() == "COMMIT": commit = true
                default: throw HuzhuError(.syntax, "usage: \(planUsage)", zh: "用法：\(planUsage)")
                }
                let plan = commit ? try await labour.commitPlan(date: date, scope: request.scope, actor: try request.actor())
                    : try await labour.plan(date: date, scope: request.scope)
                var table = TextTable(["REQUEST", "TASK", "PRIORITY", "OPEN", "WORKERS (score)"])
                for p in plan.placements {
                    table.add([String(p.request.id), p.request.task, p.request.priority ? "yes" : "", String(p.open),
                               p.workers.map { "\($0.id) (\(fmt($0.score)))" }.joined(separator: ", ")])
                }
                let head = "\(commit ? "COMMITTED " : "")plan \(date): optimal total \(fmt(plan.total)) (\(plan.filled)/\(plan.places) places), greedy \(fmt(plan.greedyTotal)) (\(plan.greedyFilled)/\(plan.places)), \(plan.workersAvailable) workers free"
                var data = plan.json
                if case .object(var pairs) = data { pairs.append(("committed", .bool(commit))); data = .object(pairs) }
                return ConsoleReply(data: data, text: [head] + table.lines)
            },
            ConsoleCommand("LABOUR REPORT", usage: reportUsage,
                           summary: .labour("Days and earnings per worker, unmet demand, utilisation, fairness (Gini)", "工匠出工天数与收入、未满足需求、利用率、公平度（基尼系数）"),
                           access: LabourAccess.readers) { request in
                let a = request.arguments
                try a.only(["from", "to", "limit"], usage: reportUsage)
                let to = try a.labourDate("to", usage: reportUsage) ?? labour.today()
                let from = try a.labourDate("from", usage: reportUsage) ?? labour.today(labour.clock.now().addingTimeInterval(-29 * 86_400))
                let report = try await labour.report(from: from, to: to, scope: request.scope, limit: min(max(try a.int("limit", usage: reportUsage) ?? 20, 1), 500))
                var lines = ["\(from)..\(to): \(report.activeWorkers) active workers, \(report.daysWorked) days worked of \(report.daysAvailable) available (utilisation \(fmt(report.utilisation))), Gini of days worked \(fmt(report.gini))"]
                var workers = TextTable(["WORKER", "NAME", "DAYS", "EARNINGS"])
                for w in report.workers { workers.add([String(w.id), w.name, String(w.days), LabourFormat.number(w.earnings)]) }
                var unmet = TextTable(["MONTH", "TASK", "REQUESTS", "PLACES"])
                for u in report.unmet { unmet.add([u.month, u.task, String(u.requests), String(u.places)]) }
                lines += workers.lines + ["", "unmet demand:"] + unmet.lines
                return ConsoleReply(data: report.json, text: lines)
            },
        ]
    }

    static func fmt(_ value: Double) -> String { String(format: "%.3f", value) }
}

extension LabourStore {
    /// A request, how many candidates it has, the best `limit`, and the teams that could take it as a unit.
    func match(request id: Int64, date: String?, limit: Int, scope: [Int]) async throws
        -> (LabourRequest, Int, [LabourCandidate], [LabourTeamCandidate]) {
        try await read { connection in
            // The request and its places already filled, in one round trip.
            let rows = try await connection.query(
                """
                SELECT \(unescaped: LabourRequest.columns),
                       (SELECT count(*)::int FROM labour_assignment a JOIN labour_job j ON j.id = a.job_id
                        WHERE j.request_id = r.id AND j.state NOT IN ('cancelled', 'expired'))
                FROM labour_request r
                WHERE r.id = \(id) AND (cardinality(\(scope)::int[]) = 0 OR r.village_id = ANY(\(scope)::int[]))
                """, logger: logger)
            guard let row = try await rows.decode(
                (Int64, Int64, Int64?, Int, String, Double?, String, String, Int, String, Bool, String, String?, String, Int).self).firstElement() else {
                throw HuzhuError(.notFound, "no request \(id) in your villages", zh: "您管辖的村里没有找人请求 \(id)")
            }
            let request = LabourRequest((row.0, row.1, row.2, row.3, row.4, row.5, row.6, row.7, row.8, row.9, row.10, row.11, row.12, row.13))
            let filled = row.14
            let day = date ?? request.dateFrom
            let places = request.crew - filled
            // Teams need every candidate (to see which members are free); a single place only the best few.
            let (total, ranked) = try await LabourMatcher.ranked(connection, cache: cache, for: request, day: day, limit: places > 1 ? nil : limit,
                                                                 named: limit, settings: settings, logger: logger)
            let teams = places > 1
                ? LabourTeamMatcher.teams(try await cache.snapshot(connection, logger: logger), candidates: ranked, places: places) : []
            return (request, total, Array(ranked.prefix(limit)), teams)
        }
    }
}
