/// The kinds of words staff can add to the SMS language.
public enum SMSWordKind: String, Sendable, CaseIterable {
    /// `task <code> <word>`: `插秧` → `transplant`.
    case task
    /// `crop <name> <word>`: `桔子` → `柑橘`.
    case crop
    /// `service <code> <word>`: `喜酒` → `wedding`.
    case service
    /// `unit <code> <word>`: `担` → … (codes are fixed by the spec).
    case unit
    /// `keyword <keyword> <word>`: a word at the start of a message standing for a keyword (`找个人` → `找人`).
    case keyword
}

/// The SMS vocabulary as the hub keeps it: the built-in words (`SMSVocabulary.standard`) plus the words
/// staff added, which live in the store and survive restarts.
///
/// Plugins read it at every message (`intents(vocabulary: context.words.provider)`), and may add words as
/// part of their own records (the sales plugin adds a crop's synonyms when staff add the crop).
public protocol SMSWordBook: Sendable {
    /// The vocabulary now.
    var current: SMSVocabulary { get }
    /// Adds words meaning `meaning` (a task code, a crop name, a service or unit code, a keyword); audited.
    func add(_ kind: SMSWordKind, words: [String], meaning: String, as actor: Actor) async throws
    /// Removes a word staff added (built-in words stay); audited. Throws `NOT_FOUND` if it was never added.
    func remove(_ kind: SMSWordKind, word: String, as actor: Actor) async throws
}

extension SMSWordBook {
    /// A closure returning the current vocabulary, for intents and the router.
    public var provider: @Sendable () -> SMSVocabulary { { [self] in self.current } }
}

extension SMSVocabulary {
    /// The vocabulary with words added.
    public mutating func add(_ kind: SMSWordKind, words: [String], meaning: String) {
        switch kind {
        case .task: tasks.add(words, to: meaning)
        case .crop: crops.add(words, to: meaning)
        case .service: services.add(words, to: meaning)
        case .unit: units.add(words, to: meaning)
        case .keyword: for word in words { keywordVariants[SMSText.normalise(word)] = meaning }
        }
    }

    /// The vocabulary with a word removed.
    public mutating func remove(_ kind: SMSWordKind, word: String) {
        switch kind {
        case .task: tasks.remove(word: word)
        case .crop: crops.remove(word: word)
        case .service: services.remove(word: word)
        case .unit: units.remove(word: word)
        case .keyword: keywordVariants[SMSText.normalise(word)] = nil
        }
    }
}

/// A word book that lives in memory only: for plugin unit tests and tools without a store.
public final class InMemoryWordBook: SMSWordBook {
    private let live: SMSLiveVocabulary

    public init(_ vocabulary: SMSVocabulary = .standard) {
        self.live = SMSLiveVocabulary(vocabulary)
    }

    public var current: SMSVocabulary { live.current }

    public func add(_ kind: SMSWordKind, words: [String], meaning: String, as actor: Actor) async throws {
        live.update { $0.add(kind, words: words, meaning: meaning) }
    }

    public func remove(_ kind: SMSWordKind, word: String, as actor: Actor) async throws {
        live.update { $0.remove(kind, word: word) }
    }
}
