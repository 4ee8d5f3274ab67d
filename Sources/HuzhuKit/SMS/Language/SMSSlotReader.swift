/// Reads slots out of the text after a keyword, in any order.
///
/// Each `take…` finds the first occurrence of its kind of value anywhere in what is left, removes it and
/// returns it, so a parser takes the most specific things first and reads the rest at the end:
///
/// ```swift
/// var reader = SMSSlotReader(text, vocabulary: vocabulary)
/// let date = try reader.takeDate(context)        // 6月12日, 明天, 周三, 12号 …
/// let area = reader.takeArea()                   // 5亩, 五亩半
/// let crew = reader.takeCount(SMSSlotReader.peopleWords)   // 3人, 三个人
/// let task = reader.takeWord(from: vocabulary.tasks)       // 插秧 → transplant
/// ```
///
/// The reader works on normalised text (it normalises what it is given). Removed values leave a space,
/// so what was on either side never runs together. `leftoverWords()` gives what no reader took, with
/// filler words (`的`, `左右`, `谢谢`) stripped from their ends.
public struct SMSSlotReader: Sendable {
    /// The words the reader knows (tasks, crops, units, fillers).
    public let vocabulary: SMSVocabulary
    /// What is left, normalised.
    public private(set) var characters: [Character]
    /// `characters` with ASCII letters lowercased, for case-insensitive matching.
    private(set) var folded: [Character]
    /// Words after which a number is a measure, not a date (`5.5亩`, `3.5元`, `6.12人`).
    let measureWords: [[Character]]

    /// A reader of `text` (normalised here).
    public init(_ text: String, vocabulary: SMSVocabulary = .standard) {
        self.vocabulary = vocabulary
        self.characters = Array(SMSText.normalise(text))
        self.folded = Array(SMSText.foldASCII(String(characters)))
        self.measureWords = SMSWordMatch.fold(vocabulary.units.allWords) + Self.grammarMeasureWords
    }

    /// What no reader has taken yet, separators collapsed.
    public var remaining: String {
        SMSText.normalise(String(characters))
    }

    /// True when nothing but separators is left.
    public var isEmpty: Bool { characters.allSatisfy(SMSText.isSeparator) }

    /// The words left, with fillers stripped from their ends; words with no letters (only digits or
    /// punctuation) and words starting with an Arabic digit (`20元`, `10袋`) are dropped.
    public func leftoverWords() -> [String] {
        let fillers = SMSWordMatch.fold(vocabulary.fillers).sorted { $0.count > $1.count }
        return SMSText.words(remaining).compactMap { word in
            var letters = Array(word)
            stripping: while !letters.isEmpty {
                let lettersFolded = Array(SMSText.foldASCII(String(letters)))
                for filler in fillers where filler.count <= letters.count {
                    if SMSWordMatch.matches(filler, in: lettersFolded, at: 0) {
                        letters.removeFirst(filler.count)
                        continue stripping
                    }
                    if SMSWordMatch.matches(filler, in: lettersFolded, at: lettersFolded.count - filler.count) {
                        letters.removeLast(filler.count)
                        continue stripping
                    }
                }
                break
            }
            // A word starting with Arabic digits is a number with something unread (20元, 10袋), not a name.
            guard letters.contains(where: { SMSText.isHan($0) || SMSText.isASCIILetter($0) }),
                let first = letters.first, !SMSText.isDigit(first)
            else { return nil }
            return String(letters)
        }
    }

    // MARK: - Words

    /// Takes the first word of `table` (leftmost, then longest) and returns its canonical value.
    public mutating func takeWord(from table: SMSWordTable) -> String? {
        guard let found = table.firstMatch(in: folded) else { return nil }
        consume(found.range)
        return found.canonical
    }

    /// Takes the first of `words` found (leftmost, then longest) and returns it as listed.
    public mutating func takeWord(oneOf words: [String]) -> String? {
        let foldedWords = SMSWordMatch.fold(words)
        for position in folded.indices {
            if let length = SMSWordMatch.longest(foldedWords, in: folded, at: position) {
                let word = foldedWords.firstIndex { $0.count == length && SMSWordMatch.matches($0, in: folded, at: position) }!
                consume(position..<(position + length))
                return words[word]
            }
        }
        return nil
    }

    // MARK: - Bare numbers

    /// Takes the first number standing on its own — an id such as `12`, `12号`, `第12`, `#12`, `No.12`,
    /// or a Chinese numeral alone (`十二`) — and returns it when whole.
    ///
    /// A number followed by a unit or measure word (`5亩`, `3人`, `3元`) is not bare and is skipped, and
    /// so are a Chinese numeral inside a word (`一下`, `一共`) and numbers of 7 or more digits (phone
    /// numbers: `电话13800138000`).
    public mutating func takeInteger() -> Int? {
        guard let found = bareNumber(allowDecimal: false), let value = found.token.integer else { return nil }
        consume(found.range)
        return value
    }

    /// Takes the first bare number (as `takeInteger`, decimals allowed: `3.5`).
    public mutating func takeNumber() -> Double? {
        guard let found = bareNumber(allowDecimal: true) else { return nil }
        consume(found.range)
        return found.token.value
    }

    private func bareNumber(allowDecimal: Bool) -> (token: SMSNumberToken, range: Range<Int>)? {
        var position = 0
        while position < characters.count {
            var start = position
            var prefixed = false
            if let length = SMSWordMatch.longest(Self.idPrefixes, in: folded, at: position) {
                start = skipSpaces(position + length)
                prefixed = true
            }
            guard let token = number(at: start) else {
                position += 1
                continue
            }
            var end = token.range.upperBound
            var suffixed = false
            if end < characters.count, characters[end] == "号" {
                end += 1
                suffixed = true
            }
            let before = position > 0 ? characters[position - 1] : nil
            let after = end < characters.count ? characters[end] : nil
            let standsAlone = (before == nil || SMSText.isSeparator(before!) || prefixed) && (after == nil || SMSText.isSeparator(after!) || suffixed)
            let followedWell = suffixed || after == nil || SMSText.isSeparator(after!)
                || (SMSText.isHan(after!) && !Self.measureCharacters.contains(after!) && !SMSNumber.isNumeral(after!) && after! != "半")
            // Long digit runs are phone numbers (联系13800138000), never ids or counts.
            let wellFormed = (allowDecimal || token.integer != nil) && token.range.count < 7
            if followedWell, wellFormed, token.hasArabicDigits || standsAlone {
                return (token, position..<end)
            }
            position = token.range.upperBound
        }
        return nil
    }

    // MARK: - Shared helpers

    /// Removes a range, leaving one space.
    mutating func consume(_ range: Range<Int>) {
        guard !range.isEmpty else { return }
        characters.replaceSubrange(range, with: [SMSText.space])
        folded.replaceSubrange(range, with: [SMSText.space])
    }

    /// The first position at or after `position` that is not a space.
    func skipSpaces(_ position: Int) -> Int {
        var next = position
        while next < characters.count, characters[next] == SMSText.space { next += 1 }
        return next
    }

    /// The number starting at `position`, when a number may start there (not in the middle of another).
    func number(at position: Int, limit: Int? = nil) -> SMSNumberToken? {
        guard position < characters.count, SMSNumber.canStart(characters[position]) else { return nil }
        if position > 0 {
            let previous = characters[position - 1]
            if SMSText.isDigit(characters[position]) {
                if SMSText.isDigit(previous) { return nil }
                if previous == ".", position > 1, SMSText.isDigit(characters[position - 2]) { return nil }
            } else if SMSNumber.chineseDigit(previous) != nil || SMSNumber.multiplier(previous) != nil || previous == "点" {
                return nil
            }
        }
        return SMSNumber.scan(characters, at: position, limit: limit)
    }

    /// The length of the longest of `words` at `position`.
    func match(_ words: [[Character]], at position: Int) -> Int? {
        SMSWordMatch.longest(words, in: folded, at: position)
    }

    /// Id prefixes: `第12`, `#12`, `No.12`.
    static let idPrefixes = SMSWordMatch.fold(["第", "#", "no.", "no", "编号"])

    /// Characters after a number that make it a measure, not a bare id.
    static let measureCharacters: Set<Character> = [
        "亩", "斤", "吨", "元", "块", "角", "毛", "人", "位", "名", "桌", "席", "星", "分", "个", "只", "头", "箱", "筐",
        "颗", "棵", "枚", "篓", "天", "月", "日", "年", "周", "点", "岁", "公", "千", "克", "万", "百", "十", "口", "%",
        "/", ".", "-", "多", "来", "余",
    ]
}
