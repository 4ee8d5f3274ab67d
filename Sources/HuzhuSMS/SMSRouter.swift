import HuzhuKit

/// Routes a farmer's message to an intent by the keyword it starts with, and reads its slots.
///
/// For each message:
/// 1. The text is normalised (`SMSText.normalise`: full-width to half-width, punctuation to separators…).
/// 2. Leading noise is dropped (`你好，`, `我要`, `帮我` — `SMSVocabulary.leadingNoise`).
/// 3. Keyword variants are rewritten (`找个人` → `找人`, `查价格` → `查价` — `SMSVocabulary.keywordVariants`),
///    when the variant is longer than any keyword matching there.
/// 4. The keyword is matched at the very start, with or without a space after it, **longest first**
///    (`接活` before `接`, `评价` before `评`, `收购` before `收`). ASCII aliases match case-insensitively
///    and only when not followed by another ASCII letter: `WORK 插秧`, `work插秧`, `OK12` match; `WORKplough`
///    and `okay` do not (they are `core.unknown`). `?` and `？` (alone or followed by a topic) are help.
/// 5. A keyword does not match when the message starts with a longer word that merely begins with it:
///    `SMSVocabulary.notKeywords` (`收到`, `接电话`) and every task word (`收割`, `收稻谷`). So `收割5亩` is
///    not `market.buy` (with the crop `割`): it is `core.unknown`, and the reply suggests the labour
///    keyword (`要找人收割，请以“找人”开头…`). `找人收割…` is of course `labour.request`.
/// 6. The intent's parser reads the text after the keyword; an `SMSSlotError` becomes the reply with the
///    intent's example.
///
/// Keywords are matched in the order given when two intents declare the same one (the hub refuses such
/// clashes at registration).
public struct SMSRouter: Sendable {
    /// The intent of messages that match no keyword.
    public static let unknownIntent = "core.unknown"

    /// The intents, as given.
    public let intents: [SMSIntent]
    private let entries: [Entry]
    private let vocabulary: @Sendable () -> SMSVocabulary
    private let foldCache = SMSFoldCache()

    private struct Entry: Sendable {
        let word: [Character]  // normalised, ASCII folded
        let keyword: String  // as declared
        let intent: Int
        let isAlias: Bool
    }

    /// A router over `intents`, reading with the vocabulary `vocabulary()` returns at each message
    /// (e.g. `{ live.current }` from an `SMSLiveVocabulary`).
    public init(intents: [SMSIntent], vocabulary: @escaping @Sendable () -> SMSVocabulary) {
        self.intents = intents
        self.vocabulary = vocabulary
        var entries: [Entry] = []
        for (index, intent) in intents.enumerated() {
            for keyword in intent.keywords {
                let word = Array(SMSText.foldASCII(SMSText.normalise(keyword)))
                if !word.isEmpty { entries.append(Entry(word: word, keyword: keyword, intent: index, isAlias: false)) }
            }
            for alias in intent.aliases {
                let word = Array(SMSText.foldASCII(SMSText.normalise(alias)))
                if !word.isEmpty { entries.append(Entry(word: word, keyword: alias, intent: index, isAlias: true)) }
            }
        }
        // Longest first; for equal lengths, the order given.
        self.entries = entries.enumerated().sorted { lhs, rhs in
            lhs.element.word.count != rhs.element.word.count ? lhs.element.word.count > rhs.element.word.count : lhs.offset < rhs.offset
        }.map(\.element)
    }

    /// A router over `intents` with a fixed vocabulary.
    public init(intents: [SMSIntent], vocabulary: SMSVocabulary = .standard) {
        self.init(intents: intents, vocabulary: { vocabulary })
    }

    /// The intent with this name.
    public func intent(named name: String) -> SMSIntent? {
        intents.first { $0.name == name }
    }

    /// The intent a keyword or alias belongs to (for help topics: `帮助 找人`, `HELP work`).
    public func intent(forKeyword keyword: String) -> SMSIntent? {
        let word = Array(SMSText.foldASCII(SMSText.normalise(keyword)))
        if let entry = entries.first(where: { $0.word == word }) { return intents[entry.intent] }
        if let variant = vocabulary().keywordVariants[SMSText.normalise(keyword)] { return intent(forKeyword: variant) }
        return nil
    }

    /// Reads a message received at `context.receivedAt`.
    public func route(_ text: String, context: SMSParseContext) -> SMSParse {
        let vocabulary = vocabulary()
        let normalised = SMSText.normalise(text)
        var body = Array(SMSText.foldASCII(normalised))
        var original = Array(normalised)
        let folded = foldCache.folded(vocabulary)
        let noise = folded.noise
        let blockers = folded.blockers
        let variants = folded.variants

        while !body.isEmpty {
            if let match = keyword(in: body, blockers: blockers, variants: variants) {
                let intent = intents[match.entry.intent]
                let remainder = SMSText.trimmingSeparators(String(original[match.length...]))
                return parse(remainder, intent: intent, keyword: match.entry.keyword, context: context)
            }
            guard let length = SMSWordMatch.longest(noise, in: body, at: 0), length < body.count else { break }
            let rest = SMSText.trimmingSeparators(String(original[length...]))
            original = Array(rest)
            body = Array(SMSText.foldASCII(rest))
        }
        return unknown(normalised, body: String(original), vocabulary: vocabulary)
    }

    // MARK: - Matching

    private func keyword(
        in body: [Character], blockers: [[Character]], variants: [(word: [Character], keyword: [Character])]
    ) -> (entry: Entry, length: Int)? {
        let blocked = SMSWordMatch.longest(blockers, in: body, at: 0) ?? 0
        let direct = entries.first { entry in
            entry.word.count >= blocked && body.starts(with: entry.word)
                && (!entry.isAlias || entry.word.count == body.count || !SMSText.isASCIILetter(body[entry.word.count]))
        }
        // A variant longer than the keyword found (查价格 over 查价) stands for its keyword.
        let variant = variants.filter { body.starts(with: $0.word) && $0.word.count > (direct?.word.count ?? 0) }.max { $0.word.count < $1.word.count }
        if let variant, let entry = entries.first(where: { $0.word == variant.keyword }) { return (entry, variant.word.count) }
        return direct.map { ($0, $0.word.count) }
    }

    private func parse(_ remainder: String, intent: SMSIntent, keyword: String, context: SMSParseContext) -> SMSParse {
        do {
            let slots = try intent.parse(remainder, context)
            return SMSParse(intent: intent.name, keyword: keyword, text: remainder, slots: slots)
        } catch let error as SMSSlotError {
            let error = error.with(example: intent.example)
            return SMSParse(
                intent: intent.name, keyword: keyword, text: remainder, slots: [:],
                error: SMSParseError(code: error.huzhuError.code, slot: error.slot, message: error.message))
        } catch let error as HuzhuError {
            return SMSParse(
                intent: intent.name, keyword: keyword, text: remainder, slots: [:],
                error: SMSParseError(code: error.code, slot: nil, message: error.message))
        } catch {
            return SMSParse(
                intent: intent.name, keyword: keyword, text: remainder, slots: [:],
                error: SMSParseError(
                    code: .internal, slot: nil,
                    message: LocalizedText(en: "Sorry, this could not be handled. Please try again later.", zh: "暂时无法处理，请稍后再试。")))
        }
    }

    // MARK: - Not understood

    private func unknown(_ normalised: String, body: String, vocabulary: SMSVocabulary) -> SMSParse {
        let help = intent(named: "core.help")?.keywords.first ?? "帮助"
        let helpAlias = intent(named: "core.help")?.aliases.first ?? "HELP"
        let message: LocalizedText
        let folded = Array(SMSText.foldASCII(body))
        if normalised.isEmpty {
            message = LocalizedText(en: "The message was empty. Reply \(helpAlias) for how to use.", zh: "短信是空的。回复“\(help)”查看用法")
        } else if let task = vocabulary.tasks.match(in: folded, at: 0), let labour = intent(named: "labour.request"),
            let keyword = labour.keywords.first
        {
            // 收割5亩明天: probably a job request without its keyword; show the message with it.
            let word = String(Array(body)[0..<task.length])
            let alias = labour.aliases.first ?? keyword
            let suggestion = keyword + Self.snippet(body, limit: 30)
            message = LocalizedText(
                en: "Not understood. To ask for help with \(word), start with \(keyword) (or \(alias)): \(suggestion)",
                zh: "没看懂。要找人\(word)，请在前面加“\(keyword)”：\(suggestion)")
        } else {
            let snippet = Self.snippet(normalised, limit: 12)
            message = LocalizedText(
                en: "Not understood: \"\(snippet)\". Reply \(helpAlias) for how to use.", zh: "没看懂“\(snippet)”。回复“\(help)”查看用法")
        }
        return SMSParse(
            intent: Self.unknownIntent, keyword: nil, text: normalised, slots: ["text": .string(normalised)],
            error: SMSParseError(code: .unknownCommand, slot: nil, message: message))
    }

    /// At most `limit` characters of a normalised text for a reply, commas shown as `，`.
    private static func snippet(_ text: String, limit: Int) -> String {
        let shown = text.count > limit ? SMSText.trimmingSeparators(text.prefix(limit - 1)) + "…" : text
        return String(shown.map { $0 == SMSText.comma ? "，" : $0 })
    }
}
