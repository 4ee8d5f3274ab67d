import Foundation
import HuzhuBus
import HuzhuConsole
import HuzhuKit

extension CoreCommands {
    static func systemCommands(_ hub: Hub) -> [ConsoleCommand] {
        [
            ConsoleCommand("INFO", usage: "INFO", summary: .summary("Version, uptime, plugins, connections, bus and store", "版本、运行时间、插件、连接、总线和数据库"),
                           access: .authenticated) { _ in
                let uptime = Int(Date().timeIntervalSince(hub.startedAt))
                let statuses = hub.plugins.statuses
                let bus = hub.bus.stats
                let running = statuses.filter { $0.state == .running }.map(\.id)
                let data: JSONValue = [
                    "version": .string(HuzhuVersion.current), "uptime_seconds": .int(uptime),
                    "store": .string(hub.store.summary), "time_zone": .string(hub.configuration.timeZone),
                    "plugins": .array(statuses.map { ["id": .string($0.id), "state": $0.json["state"] ?? .null] }),
                    "connections": .int(hub.connections),
                    "bus": ["topics": .int(bus.published.count), "published": .int(bus.published.reduce(0) { $0 + $1.published }),
                            "subscribers": .int(bus.subscribers.count), "dropped": .int(bus.subscribers.reduce(0) { $0 + $1.dropped })],
                    "pool": ["max_connections": .int(HubStore.poolSize)],
                ]
                return ConsoleReply(data: data, text: [
                    "huzhud \(HuzhuVersion.current)  uptime \(uptime) s  time zone \(hub.configuration.timeZone)",
                    "store        \(hub.store.summary)",
                    "plugins      \(running.joined(separator: ", "))",
                    "connections  \(hub.connections)",
                    "bus          \(bus.published.count) topics, \(bus.subscribers.count) subscribers",
                ])
            },
            ConsoleCommand("PLUGINS", usage: "PLUGINS", summary: .summary("Plugins, their state and what they add", "插件、状态及其命令和短信意图"),
                           access: .authenticated) { request in
                let statuses = hub.plugins.statuses
                var table = TextTable(["ID", "VERSION", "STATE", "SUMMARY"])
                for status in statuses {
                    let state: String = switch status.state {
                    case .running: "running"
                    case .disabled: "disabled"
                    case .declined(let why): "declined: \(why)"
                    }
                    table.add([status.id, status.version, state, request.text(status.summary)])
                }
                return ConsoleReply(data: .array(statuses.map(\.json)), text: table.lines)
            },
            ConsoleCommand("BUS STATS", usage: "BUS STATS", summary: .summary("Messages per topic and each subscriber's counters", "各主题消息数与订阅者统计"),
                           access: .roles([.staff, .readonly])) { _ in
                let stats = hub.bus.stats
                var table = TextTable(["SUBSCRIBER", "PATTERN", "DELIVERED", "DROPPED", "FAILED", "DEPTH", "CAPACITY"])
                for s in stats.subscribers {
                    table.add([s.name, s.pattern, "\(s.delivered)", "\(s.dropped)", "\(s.failed)", "\(s.depth)", "\(s.capacity)"])
                }
                var topics = TextTable(["TOPIC", "PUBLISHED"])
                for t in stats.published { topics.add([t.topic, "\(t.published)"]) }
                return ConsoleReply(
                    data: ["topics": .array(stats.published.map { ["topic": .string($0.topic), "published": .int($0.published)] }),
                           "subscribers": .array(stats.subscribers.map {
                               ["name": .string($0.name), "pattern": .string($0.pattern), "delivered": .int($0.delivered), "dropped": .int($0.dropped),
                                "failed": .int($0.failed), "depth": .int($0.depth), "max_depth": .int($0.maximumDepth), "capacity": .int($0.capacity),
                                "overflow": .string($0.overflow.rawValue)]
                           })],
                    text: topics.lines + [""] + table.lines)
            },
            auditList(hub),
        ]
    }

    static func auditList(_ hub: Hub) -> ConsoleCommand {
        let usage = "AUDIT LIST [actor=<actor>] [action=<prefix>] [target=<target>] [member=<id>] [since=YYYY-MM-DD] [limit=50]"
        return ConsoleCommand("AUDIT LIST", usage: usage, summary: .summary("The audit log, newest first (村务公开)", "操作日志，最新在前（村务公开）"),
                              access: .roles([.staff, .readonly])) { request in
            let arguments = request.arguments
            try arguments.only(["actor", "action", "target", "member", "since", "limit"], usage: usage)
            let limit = min(max(try arguments.int("limit", usage: usage) ?? 50, 1), 1000)
            let member = try arguments.int("member", usage: usage).map(Int64.init)
            var since: Date?
            if let text = arguments["since"] {
                let formatter = DateFormatter()
                formatter.dateFormat = "yyyy-MM-dd"
                formatter.timeZone = TimeZone(identifier: hub.configuration.timeZone)
                guard let date = formatter.date(from: text) else {
                    throw HuzhuError(.syntax, "since=\(text) must be a date YYYY-MM-DD: usage: \(usage)", zh: "since 应为日期 YYYY-MM-DD")
                }
                since = date
            }
            let actionPrefix = arguments["action"].map { Directory.likePrefix($0) }
            let rows = try await hub.store.handle.read { connection in
                try await connection.query(
                    """
                    SELECT id, at, actor, on_behalf_of, action, target, coalesce(before::text, 'null'), coalesce(after::text, 'null')
                    FROM audit_log
                    WHERE (\(arguments["actor"])::text IS NULL OR actor = \(arguments["actor"]))
                      AND (\(actionPrefix)::text IS NULL OR action LIKE \(actionPrefix))
                      AND (\(arguments["target"])::text IS NULL OR target = \(arguments["target"]))
                      AND (\(member)::bigint IS NULL OR on_behalf_of = \(member) OR target = 'member:' || \(member)::bigint)
                      AND (\(since)::timestamptz IS NULL OR at >= \(since))
                    ORDER BY id DESC LIMIT \(limit)
                    """, logger: Directory.logger
                ).decode((Int64, Date, String, Int64?, String, String, String, String).self).all()
            }
            let formatter = ISO8601DateFormatter()
            var table = TextTable(["ID", "AT", "ACTOR", "FOR", "ACTION", "TARGET"])
            let data: [JSONValue] = rows.map { row in
                table.add(["\(row.0)", formatter.string(from: row.1), row.2, row.3.map(String.init) ?? "", row.4, row.5])
                return ["id": .int(Int(row.0)), "at": .string(formatter.string(from: row.1)), "actor": .string(row.2),
                        "on_behalf_of": row.3.map { .int(Int($0)) } ?? .null, "action": .string(row.4), "target": .string(row.5),
                        "before": (try? JSONValue(parsing: row.6)) ?? .null, "after": (try? JSONValue(parsing: row.7)) ?? .null]
            }
            return ConsoleReply(data: .array(data), text: table.lines)
        }
    }
}
