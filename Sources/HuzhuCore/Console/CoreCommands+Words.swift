import HuzhuConsole
import HuzhuKit

extension CoreCommands {
    /// `SMS WORDS`, `SMS WORD ADD`, `SMS WORD DEL`: the SMS vocabulary staff extend (tasks, crops, services,
    /// unit words, keyword variants), kept in the store and used from the next message on.
    static func smsWordCommands(_ hub: Hub) -> [ConsoleCommand] {
        let kinds = SMSWordKind.allCases.map(\.rawValue).joined(separator: "|")
        let listUsage = "SMS WORDS [\(kinds)]"
        let addUsage = "SMS WORD ADD <\(kinds)> <meaning> <word>…"
        let delUsage = "SMS WORD DEL <\(kinds)> <word>"
        @Sendable func kind(_ text: String?, usage: String) throws(HuzhuError) -> SMSWordKind {
            guard let text else { throw HuzhuError(.syntax, "give the kind of word: \(usage)", zh: "请给出词的种类：\(usage)") }
            guard let kind = SMSWordKind(rawValue: text.lowercased()) else {
                throw HuzhuError(.syntax, "unknown kind '\(text)': one of \(kinds): \(usage)", zh: "未知种类“\(text)”，应为 \(kinds)")
            }
            return kind
        }
        let editors = ConsoleAccess.roles([.staff, .labour, .market, .culture])
        return [
            ConsoleCommand("SMS WORDS", usage: listUsage, summary: .summary("List the words staff added to the SMS language", "列出工作人员添加的短信词语"),
                           access: .authenticated) { request in
                let a = request.arguments
                try a.only([], usage: listUsage)
                let filter = try a.positional.first.map { text throws(HuzhuError) in try kind(text, usage: listUsage) }
                let rows = try await hub.words.added(kind: filter)
                var table = TextTable(["KIND", "MEANING", "WORD", "ADDED BY"])
                for row in rows { table.add([row.kind, row.meaning, row.word, row.by]) }
                return ConsoleReply(
                    data: .array(rows.map { ["kind": .string($0.kind), "meaning": .string($0.meaning), "word": .string($0.word), "added_by": .string($0.by)] }),
                    text: table.lines)
            },
            ConsoleCommand("SMS WORD ADD", usage: addUsage, summary: .summary("Teach the SMS reader new words (e.g. SMS WORD ADD crop 土豆 洋芋)", "添加短信词语"),
                           access: editors) { request in
                let a = request.arguments
                try a.only([], usage: addUsage)
                guard a.positional.count >= 3 else {
                    throw HuzhuError(.syntax, "give the kind, the meaning and the words: \(addUsage)", zh: "请给出种类、含义和词语：\(addUsage)")
                }
                let wordKind = try kind(a.positional[0], usage: addUsage)
                let words = Array(a.positional.dropFirst(2))
                try await hub.words.add(wordKind, words: words, meaning: a.positional[1], as: try request.actor())
                return ConsoleReply(data: ["kind": .string(wordKind.rawValue), "meaning": .string(a.positional[1]), "words": .array(words.map { .string($0) })],
                                    line: "OK \(words.joined(separator: " ")) → \(a.positional[1])")
            },
            ConsoleCommand("SMS WORD DEL", usage: delUsage, summary: .summary("Remove a word staff added", "删除添加的短信词语"), access: editors) { request in
                let a = request.arguments
                try a.only([], usage: delUsage)
                guard a.positional.count == 2 else {
                    throw HuzhuError(.syntax, "give the kind and the word: \(delUsage)", zh: "请给出种类和词语：\(delUsage)")
                }
                let wordKind = try kind(a.positional[0], usage: delUsage)
                try await hub.words.remove(wordKind, word: a.positional[1], as: try request.actor())
                return ConsoleReply(data: ["kind": .string(wordKind.rawValue), "word": .string(a.positional[1])], line: "OK removed \(a.positional[1])")
            },
        ]
    }
}
