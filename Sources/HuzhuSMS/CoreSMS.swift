import HuzhuKit

/// The hub's own SMS intents: `core.register`, `core.help`, `core.stop`, `core.cancel`.
///
/// The parsers are here; the hub supplies the handlers (`CoreSMS.intents(handle:)` takes one handler that
/// switches on `request.intent`, or replace them one by one with `SMSIntent.replacingHandler`).
public enum CoreSMS {
    public static let register = "core.register"
    public static let help = "core.help"
    public static let stop = "core.stop"
    public static let cancel = "core.cancel"
    /// Messages with no keyword (see `SMSRouter`).
    public static let unknown = SMSRouter.unknownIntent

    public static let registerExample = "注册 张三 咸水村"
    public static let helpExample = "帮助 找人"
    public static let stopExample = "退订"
    public static let cancelExample = "取消 12"

    /// The four intents, each with `handle` (by default one answering that the service is not available).
    public static func intents(
        handle: @escaping @Sendable (SMSRequest) async throws -> LocalizedText = SMSIntent.unhandled
    ) -> [SMSIntent] {
        [
            SMSIntent(register, keywords: ["注册"], aliases: ["REG"], example: registerExample, parse: parseRegister, handle: handle),
            SMSIntent(help, keywords: ["帮助", "？", "?"], aliases: ["HELP"], example: helpExample, parse: parseHelp, handle: handle),
            SMSIntent(stop, keywords: ["退订"], aliases: ["STOP"], example: stopExample, parse: parseStop, handle: handle),
            SMSIntent(cancel, keywords: ["取消"], aliases: ["CANCEL"], example: cancelExample, parse: parseCancel, handle: handle),
        ]
    }

    /// `注册 张三 咸水村`, `REG Zhang San, Xianshui`: `name` and `village`.
    ///
    /// With a comma (`，`, `,`, `、`…) the name is what stands before the first comma and the village the
    /// rest; otherwise the name is the first word and the village the rest — except in ASCII, where
    /// pinyin names have several words: `REG Zhang San Xianshui` gives the last word as the village (the
    /// last two when they end in `cun`/`village`). The village is kept as written
    /// (after normalisation: `古夫镇 咸水村` stays two words); the hub matches it against the directory. A
    /// name and village written together without any separator (`注册张三咸水村`) cannot be split safely:
    /// the reply asks for a space between them (slot `village`). `我叫`/`我是`/`姓名` before the name
    /// are dropped.
    public static func parseRegister(_ text: String, _ context: SMSParseContext) throws(SMSSlotError) -> JSONValue {
        let text = SMSText.normalise(text)
        var name: String
        var village: String
        if let comma = text.firstIndex(of: SMSText.comma) {
            name = SMSText.trimmingSeparators(text[..<comma])
            village = SMSText.trimmingSeparators(text[text.index(after: comma)...])
        } else if text.allSatisfy(\.isASCII), SMSText.words(text).count > 2 {
            // REG Zhang San Xianshui: pinyin names have several words, so the village is the last word
            // (the last two when it ends in "cun"/"village": REG Li Si Xianshui Cun).
            var words = SMSText.words(text)
            let villageWords = ["cun", "village"].contains(SMSText.foldASCII(words.last!)) && words.count > 3 ? 2 : 1
            village = words.suffix(villageWords).joined(separator: " ")
            words.removeLast(villageWords)
            name = words.joined(separator: " ")
        } else if let space = text.firstIndex(of: SMSText.space) {
            name = String(text[..<space])
            village = SMSText.trimmingSeparators(text[text.index(after: space)...])
        } else {
            name = text
            village = ""
        }
        for prefix in ["我叫", "我是", "姓名", "名字"] where name.hasPrefix(prefix) && name.count > prefix.count {
            name = SMSText.trimmingSeparators(name.dropFirst(prefix.count))
        }
        if name.isEmpty { throw SMSSlotError.missing(["name", "village"], example: registerExample) }
        guard name.contains(where: { SMSText.isHan($0) || SMSText.isASCIILetter($0) }), name.count <= 20 else {
            throw SMSSlotError.invalid("name", LocalizedText(en: "write your name", zh: "请写您的姓名"), example: registerExample)
        }
        if village.isEmpty {
            // 注册张三咸水村: name and village run together; which characters are the name is a guess.
            if name.count > 3, let last = name.last, "村镇乡组".contains(last) {
                throw SMSSlotError.invalid(
                    "village", LocalizedText(en: "put a space between your name and village", zh: "姓名和村名之间请加空格"),
                    example: registerExample)
            }
            throw SMSSlotError.missing(["village"], example: registerExample)
        }
        var slots = SMSSlots()
        slots.set("name", name)
        slots.set("village", village)
        return slots.json
    }

    /// `帮助`, `？`, `HELP`, `帮助 找人`, `HELP WORK`: `topic` (the keyword asked about, as written) when given.
    public static func parseHelp(_ text: String, _ context: SMSParseContext) throws(SMSSlotError) -> JSONValue {
        let topic = SMSText.trimmingSeparators(SMSText.normalise(text).filter { $0 != "?" })
        var slots = SMSSlots()
        slots.set("topic", topic.isEmpty ? nil : topic)
        return slots.json
    }

    /// `退订`, `STOP`: no slots. Anything after it other than `stopPoliteness` (`退订 谢谢`, `退订所有短信`)
    /// is refused, because stopping every message is not what `退订 柑橘` or `退订价格` (stop the price
    /// messages) means.
    public static func parseStop(_ text: String, _ context: SMSParseContext) throws(SMSSlotError) -> JSONValue {
        var reader = SMSSlotReader(text)
        while reader.takeWord(oneOf: stopPoliteness) != nil {}
        guard reader.isEmpty else {
            throw SMSSlotError(
                .unexpected, slots: [],
                detail: LocalizedText(
                    en: "STOP ends all messages from us; to confirm, send STOP alone",
                    zh: "“退订”将停止所有短信，确认请只发“退订”两字"))
        }
        return [:]
    }

    /// Words that may follow `退订` without changing its meaning (`退订所有短信 谢谢`).
    public static let stopPoliteness = [
        "谢谢", "谢了", "了", "吧", "啊", "呀", "哦", "嘛", "所有", "全部", "短信", "消息", "通知", "all", "please", "pls", "thanks",
        "thank you",
    ]

    /// `取消 12`, `取消12号`, `CANCEL 12`: `ref`, the number of what to cancel.
    public static func parseCancel(_ text: String, _ context: SMSParseContext) throws(SMSSlotError) -> JSONValue {
        var reader = SMSSlotReader(text)
        guard let ref = reader.takeInteger() else { throw SMSSlotError.missing(["ref"], example: cancelExample) }
        guard ref > 0 else { throw SMSSlotError.invalid("ref", LocalizedText(en: "must be more than 0", zh: "应大于0"), example: cancelExample) }
        var slots = SMSSlots()
        slots.set("ref", ref)
        return slots.json
    }
}
