import HuzhuKit

/// The SMS vocabulary kept in the store: the built-in words plus `sms_word` rows, loaded at start and
/// changed in place when staff (or a plugin) add or remove words, so the next message is read with them.
public final class StoredWordBook: SMSWordBook {
    private let store: any HubStoreHandle
    private let live = SMSLiveVocabulary()

    public init(store: any HubStoreHandle) {
        self.store = store
    }

    public var current: SMSVocabulary { live.current }

    /// Reads the staff's words from the store (at start).
    public func load() async throws {
        let rows = try await store.read { connection in
            var rows: [(String, String, String)] = []
            for try await row in try await connection.query("SELECT kind, word, meaning FROM sms_word ORDER BY added_at, word", logger: Self.quiet)
                .decode((String, String, String).self) { rows.append(row) }
            return rows
        }
        var vocabulary = SMSVocabulary.standard
        for (kind, word, meaning) in rows {
            if let kind = SMSWordKind(rawValue: kind) { vocabulary.add(kind, words: [word], meaning: meaning) }
        }
        live.replace(with: vocabulary)
    }

    public func add(_ kind: SMSWordKind, words: [String], meaning: String, as actor: Actor) async throws {
        let meaning = SMSText.normalise(meaning)
        let words = words.map(SMSText.normalise).filter { !$0.isEmpty && $0 != meaning }
        guard !meaning.isEmpty, !words.isEmpty else {
            throw HuzhuError(.syntax, "give the meaning and at least one word different from it", zh: "请给出含义和至少一个不同的词")
        }
        if kind == .unit, !SMSVocabulary.standard.units.values.contains(meaning) {
            throw HuzhuError(.invalid, "unit codes are fixed: one of \(SMSVocabulary.standard.units.values.joined(separator: ", "))",
                             zh: "单位代码固定为：\(SMSVocabulary.standard.units.values.joined(separator: "、"))")
        }
        if kind == .task, !current.tasks.values.contains(meaning), !meaning.allSatisfy({ $0.isASCII && ($0.isLowercase || $0 == "_") }) {
            throw HuzhuError(.invalid, "a new task code is lowercase ASCII (e.g. weed), given with its Chinese words",
                             zh: "新的农活代码用小写英文（如 weed），再给出中文说法")
        }
        if kind == .keyword, words.contains(where: { $0.count > 12 }) {
            throw HuzhuError(.invalid, "a keyword variant is at most 12 characters", zh: "关键词变体最多 12 个字")
        }
        try await store.write(as: actor) { tx in
            for word in words {
                try await tx.execute(
                    """
                    INSERT INTO sms_word (kind, word, meaning, added_by) VALUES (\(kind.rawValue), \(word), \(meaning), \(actor.name))
                    ON CONFLICT (kind, word) DO UPDATE SET meaning = EXCLUDED.meaning, added_by = EXCLUDED.added_by, added_at = now()
                    """)
            }
            try await tx.audit("sms.word.add", target: "\(kind.rawValue):\(meaning)", after: .array(words.map { .string($0) }))
        }
        live.update { $0.add(kind, words: words, meaning: meaning) }
    }

    public func remove(_ kind: SMSWordKind, word: String, as actor: Actor) async throws {
        let word = SMSText.normalise(word)
        try await store.write(as: actor) { tx in
            let rows = try await tx.query("DELETE FROM sms_word WHERE kind = \(kind.rawValue) AND word = \(word) RETURNING meaning")
            var meaning: String?
            for try await value in rows.decode(String.self) { meaning = value }
            guard let meaning else {
                throw HuzhuError(.notFound, "no added \(kind.rawValue) word '\(word)' (built-in words cannot be removed)",
                                 zh: "没有工作人员添加的词“\(word)”（内置词不能删除）")
            }
            try await tx.audit("sms.word.remove", target: "\(kind.rawValue):\(meaning)", before: .string(word))
        }
        try await load()
    }

    /// The words staff added, for `SMS WORDS`.
    public func added(kind: SMSWordKind?) async throws -> [(kind: String, word: String, meaning: String, by: String)] {
        try await store.read { connection in
            var rows: [(kind: String, word: String, meaning: String, by: String)] = []
            let query: PostgresQuery = "SELECT kind, word, meaning, added_by FROM sms_word WHERE \(kind?.rawValue)::text IS NULL OR kind = \(kind?.rawValue) ORDER BY kind, meaning, word"
            for try await (k, w, m, b) in try await connection.query(query, logger: Self.quiet).decode((String, String, String, String).self) {
                rows.append((k, w, m, b))
            }
            return rows
        }
    }

    private static let quiet = Logger(label: "huzhu.words")
}
