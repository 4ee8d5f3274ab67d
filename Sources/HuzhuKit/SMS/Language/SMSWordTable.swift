import Synchronization

/// A table of words that stand for canonical values: `插秧`, `栽秧` → `transplant`; `橘子`, `桔子` → `柑橘`.
///
/// The table is data: staff extend it (the store keeps their edits) and pass the result to the readers.
/// Each canonical value also matches itself (`柑橘` → `柑橘`, `plough` → `plough`). Words are normalised
/// like message text; ASCII words match case-insensitively and only as whole words (`tea` is not found
/// in `steam`); Chinese words match anywhere. When several words match at one place the longest wins
/// (`摘柑橘` before `柑橘`); a word listed under two values belongs to the one added last.
public struct SMSWordTable: Sendable, Equatable, Codable {
    /// Canonical value → its words (the canonical value itself not repeated).
    public private(set) var entries: [String: [String]]
    /// (folded word, canonical), longest word first.
    private var index: [(word: [Character], canonical: String)]

    /// Creates a table from canonical values and their words.
    public init(_ entries: [String: [String]] = [:]) {
        self.entries = [:]
        self.index = []
        for (canonical, words) in entries.sorted(by: { $0.key < $1.key }) { add(words, to: canonical) }
    }

    /// Adds words for a canonical value (creating the value if new).
    public mutating func add(_ words: [String], to canonical: String) {
        let canonical = SMSText.normalise(canonical)
        var list = entries[canonical] ?? []
        for word in words.map(SMSText.normalise) where !word.isEmpty && word != canonical && !list.contains(word) {
            for other in entries.keys where other != canonical { entries[other]?.removeAll { $0 == word } }
            list.append(word)
        }
        entries[canonical] = list
        rebuild()
    }

    /// Removes a word (a canonical value itself is removed with `removeValue(_:)`).
    public mutating func remove(word: String) {
        let word = SMSText.normalise(word)
        for key in entries.keys { entries[key]?.removeAll { $0 == word } }
        rebuild()
    }

    /// Removes a canonical value and all its words.
    public mutating func removeValue(_ canonical: String) {
        entries[SMSText.normalise(canonical)] = nil
        rebuild()
    }

    /// The canonical values.
    public var values: [String] { entries.keys.sorted() }

    /// All words and canonical values, longest first.
    public var allWords: [String] { index.map { String($0.word) } }

    /// The canonical value of a whole word, or nil (`"桔子"` → `"柑橘"`).
    public func canonical(for word: String) -> String? {
        let folded = Array(SMSText.foldASCII(SMSText.normalise(word)))
        return index.first { $0.word == folded }?.canonical
    }

    /// The longest word matching at `position` of `folded` text (ASCII lowercased), as (canonical, length).
    public func match(in folded: [Character], at position: Int) -> (canonical: String, length: Int)? {
        for entry in index where SMSWordMatch.matches(entry.word, in: folded, at: position) {
            return (entry.canonical, entry.word.count)
        }
        return nil
    }

    /// The first (leftmost, then longest) word in `folded` text, as (canonical, range).
    public func firstMatch(in folded: [Character]) -> (canonical: String, range: Range<Int>)? {
        for position in folded.indices {
            if let found = match(in: folded, at: position) { return (found.canonical, position..<(position + found.length)) }
        }
        return nil
    }

    private mutating func rebuild() {
        var pairs: [(word: [Character], canonical: String)] = []
        for (canonical, words) in entries {
            pairs.append((Array(SMSText.foldASCII(canonical)), canonical))
            for word in words { pairs.append((Array(SMSText.foldASCII(word)), canonical)) }
        }
        index = pairs.sorted { $0.word.count != $1.word.count ? $0.word.count > $1.word.count : String($0.word) < String($1.word) }
    }

    public static func == (lhs: SMSWordTable, rhs: SMSWordTable) -> Bool { lhs.entries == rhs.entries }

    public init(from decoder: any Decoder) throws {
        self.init(try decoder.singleValueContainer().decode([String: [String]].self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(entries)
    }
}

/// How a word is found in text: Chinese anywhere, ASCII only as a whole word, case-insensitively.
public enum SMSWordMatch {
    /// True when `word` (folded) stands at `position` of `folded` text. A word that begins (ends) with an
    /// ASCII letter must not have an ASCII letter just before (after) it.
    public static func matches(_ word: [Character], in folded: [Character], at position: Int) -> Bool {
        guard !word.isEmpty, position >= 0, position + word.count <= folded.count else { return false }
        for offset in word.indices where folded[position + offset] != word[offset] { return false }
        if SMSText.isASCIILetter(word[0]), position > 0, SMSText.isASCIILetter(folded[position - 1]) { return false }
        let end = position + word.count
        if SMSText.isASCIILetter(word[word.count - 1]), end < folded.count, SMSText.isASCIILetter(folded[end]) { return false }
        return true
    }

    /// The length of the longest of `words` (already folded) standing at `position`, or nil.
    public static func longest(_ words: [[Character]], in folded: [Character], at position: Int) -> Int? {
        var best: Int?
        for word in words where word.count > (best ?? 0) && matches(word, in: folded, at: position) { best = word.count }
        return best
    }

    /// Folds words for matching: normalised, ASCII lowercased.
    ///
    /// The readers fold the same few lists (units, tasks, crops, fillers) for every message; normalising
    /// them each time was a fifth of the cost of parsing one, so each list is folded once. A vocabulary that
    /// staff change is a new list; the cache is emptied if it ever holds many.
    public static func fold(_ words: [String]) -> [[Character]] {
        if let known = folds.withLock({ $0[words] }) { return known }
        let folded = words.map { Array(SMSText.foldASCII(SMSText.normalise($0))) }.filter { !$0.isEmpty }
        folds.withLock { cache in
            if cache.count >= 256 { cache.removeAll() }
            cache[words] = folded
        }
        return folded
    }

    private static let folds = Mutex<[[String]: [[Character]]]>([:])
}
