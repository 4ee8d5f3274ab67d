import HuzhuKit
import Synchronization

/// The router's word lists folded for matching, kept until the vocabulary changes: folding them again for
/// every message was 3 % of the daemon's CPU under SMS load. The check is an equality test of the lists
/// it was folded from, cheap because unchanged lists share their storage with the live vocabulary.
final class SMSFoldCache: Sendable {
    struct Folded: Sendable {
        let noise: [[Character]]
        let blockers: [[Character]]
        /// A keyword variant and the keyword it stands for, both folded (`查价格` → `查价`).
        let variants: [(word: [Character], keyword: [Character])]
    }

    private struct Entry {
        let leadingNoise: [String]
        let notKeywords: [String]
        let tasks: SMSWordTable
        let keywordVariants: [String: String]
        let folded: Folded

        func isFolded(from vocabulary: SMSVocabulary) -> Bool {
            leadingNoise == vocabulary.leadingNoise && notKeywords == vocabulary.notKeywords
                && keywordVariants == vocabulary.keywordVariants && tasks == vocabulary.tasks
        }
    }

    private let entry = Mutex<Entry?>(nil)

    func folded(_ vocabulary: SMSVocabulary) -> Folded {
        if let cached = entry.withLock({ $0 }), cached.isFolded(from: vocabulary) { return cached.folded }
        let folded = Folded(
            noise: SMSWordMatch.fold(vocabulary.leadingNoise),
            blockers: SMSWordMatch.fold(vocabulary.keywordBlockers),
            variants: vocabulary.keywordVariants.map { (Self.fold($0.key), Self.fold($0.value)) })
        entry.withLock {
            $0 = Entry(leadingNoise: vocabulary.leadingNoise, notKeywords: vocabulary.notKeywords, tasks: vocabulary.tasks,
                       keywordVariants: vocabulary.keywordVariants, folded: folded)
        }
        return folded
    }

    private static func fold(_ word: String) -> [Character] { Array(SMSText.foldASCII(SMSText.normalise(word))) }
}
