import HuzhuKit

/// `NOTICE POST` and `NOTICE LIST`.
enum NoticeCommands {
    static let postUsage = "NOTICE POST \"<text>\" [village=<id>]"

    static func post(_ board: NoticeBoard, _ context: PluginContext) -> ConsoleCommand {
        ConsoleCommand(
            "NOTICE POST", usage: postUsage,
            summary: LocalizedText(en: "Post a notice for one village, or for all", zh: "发布公告（某村或全部村）"),
            access: .roles([.staff, .cadre])
        ) { request in
            try request.arguments.only(["village"], usage: postUsage)
            guard request.arguments.positional.count == 1 else {
                throw HuzhuError(.syntax, "put the notice in quotes: \(postUsage)", zh: "公告内容请加引号：\(postUsage)")
            }
            let body = request.arguments.positional[0]
            guard (1...500).contains(body.count) else {
                throw HuzhuError(.invalid, "a notice has 1 to 500 characters", zh: "公告应为 1-500 字")
            }
            let village = try request.arguments.int("village", usage: postUsage)
            // A cadre posts only to villages in scope, never to all.
            if !request.scope.isEmpty, village == nil || !request.scope.contains(village!) {
                throw HuzhuError(.denied, "you may post only to your villages (\(request.scope.map(String.init).joined(separator: ","))): add village=<id>",
                                 zh: "您只能向管辖的村发布公告，请加 village=编号")
            }
            let notice = try await board.post(body, villageID: village, actor: try request.actor())
            return ConsoleReply(data: notice.json, line: "OK notice \(notice.id) posted")
        }
    }

    static func list(_ board: NoticeBoard) -> ConsoleCommand {
        let usage = "NOTICE LIST [village=<id>] [limit=10]"
        return ConsoleCommand(
            "NOTICE LIST", usage: usage, summary: LocalizedText(en: "The latest notices", zh: "最新公告"), access: .authenticated
        ) { request in
            try request.arguments.only(["village", "limit"], usage: usage)
            let notices = try await board.latest(
                villageID: try request.arguments.int("village", usage: usage), limit: min(max(try request.arguments.int("limit", usage: usage) ?? 10, 1), 100))
            var table = TextTable(["ID", "VILLAGE", "POSTED BY", "NOTICE"])
            for notice in notices { table.add(["\(notice.id)", notice.villageID.map(String.init) ?? "all", notice.postedBy, notice.body]) }
            return ConsoleReply(data: .array(notices.map(\.json)), text: table.lines)
        }
    }
}

/// `公告` / `NEWS` by SMS: the latest notices of the sender's village.
enum NoticeSMS {
    static func intent(_ board: NoticeBoard, count: Int) -> SMSIntent {
        SMSIntent(
            "notice.list", keywords: ["公告"], aliases: ["NEWS"], example: "公告",
            parse: { text, _ in
                guard text.allSatisfy({ $0.isWhitespace }) else {
                    throw HuzhuError(.syntax, "NEWS takes nothing after it", zh: "“公告”后面不用加内容，直接发送“公告”即可")
                }
                return [:]
            },
            handle: { request in
                var village = request.villageID
                if village == nil, let member = request.memberID { village = try await board.village(ofMember: member) }
                let notices = try await board.latest(villageID: village, limit: count)
                guard !notices.isEmpty else { return LocalizedText(en: "No notices at the moment.", zh: "目前没有公告。") }
                let lines = notices.map(\.body).joined(separator: "；")
                return LocalizedText(en: "Notices: \(lines)", zh: "公告：\(lines)")
            })
    }
}
