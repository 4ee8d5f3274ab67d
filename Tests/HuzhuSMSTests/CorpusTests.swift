import Foundation
import HuzhuKit
import HuzhuSMS
import Testing

/// Runs every message of `corpus.tsv` through the router (with the hub's and all associations' intents)
/// at the fixed receive time of `Fixture` (2026-06-10T09:00:00+08:00, a Wednesday, Asia/Shanghai).
///
/// Columns: `text<TAB>intent<TAB>expected`, where expected is the slots as compact JSON (keys sorted),
/// `ERROR:<slot>` (the parse fails on that slot, missing or invalid), `ERROR:-` (fails on no particular
/// slot) or `-` (slots not checked, for `core.unknown`). `#` lines are comments; the first other line is
/// the header. `\uXXXX` in the text is an escape (control and invisible characters).
@Suite struct CorpusTests {
    struct Case: Sendable, CustomStringConvertible {
        let line: Int
        let text: String
        let intent: String
        let expected: String
        var description: String { "line \(line): \(text)" }
    }

    static let cases: [Case] = {
        let text = String(decoding: PackageResources.corpus_tsv, as: UTF8.self)
        var cases: [Case] = []
        var sawHeader = false
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = line.hasSuffix("\r") ? line.dropLast() : line
            if line.isEmpty || line.hasPrefix("#") { continue }
            if !sawHeader { sawHeader = true; continue }
            let columns = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            precondition(columns.count == 3, "corpus.tsv line \(number + 1) needs 3 columns: \(line)")
            cases.append(Case(line: number + 1, text: unescape(columns[0]), intent: columns[1], expected: columns[2]))
        }
        return cases
    }()

    /// The outcome of one case, or nil when it matches.
    static func mismatch(_ test: Case) -> String? {
        let parse = Fixture.router.route(test.text, context: Fixture.context)
        let got: String
        if let error = parse.error {
            got = parse.intent == SMSRouter.unknownIntent ? "-" : "ERROR:\(error.slot ?? "-")"
        } else {
            got = Fixture.canonicalJSON(parse.slots)
        }
        var expected = test.expected
        if expected.hasPrefix("{") {
            guard let value = try? JSONValue(parsing: expected) else { return "line \(test.line): bad expected JSON \(expected)" }
            expected = Fixture.canonicalJSON(value)
        }
        guard parse.intent != test.intent || got != expected else { return nil }
        let reply = parse.error.map { " — reply: \($0.message.zh)" } ?? ""
        return "line \(test.line): \(test.text)\n    expected \(test.intent) \(expected)\n    got      \(parse.intent) \(got)\(reply)"
    }

    @Test func corpusIsUnderstoodCompletely() {
        let cases = Self.cases
        let failures = cases.compactMap(Self.mismatch)
        let passed = cases.count - failures.count
        let percent = cases.isEmpty ? 0 : Double(passed) * 100 / Double(cases.count)
        print("SMS corpus: \(passed)/\(cases.count) = \(String(format: "%.1f", percent))%")
        for failure in failures { print(failure) }
        #expect(cases.count >= 170, "the corpus should have at least 170 messages")
        #expect(failures.isEmpty, "\(failures.count) of \(cases.count) corpus messages misread:\n\(failures.joined(separator: "\n"))")
    }

    @Test func everyIntentIsInTheCorpus() {
        let covered = Set(Self.cases.map(\.intent))
        for intent in Fixture.intents { #expect(covered.contains(intent.name), "no corpus line for \(intent.name)") }
        #expect(covered.contains(SMSRouter.unknownIntent))
    }

    @Test func everyReplyFitsOneSegment() {
        for test in Self.cases {
            let parse = Fixture.router.route(test.text, context: Fixture.context)
            guard let error = parse.error else { continue }
            #expect(error.message.zh.count <= SMSText.singleSegmentLength, "\(test): \(error.message.zh) (\(error.message.zh.count))")
            #expect(!error.message.en.isEmpty)
        }
    }

    /// Replaces `\uXXXX` escapes.
    static func unescape(_ text: String) -> String {
        var out = ""
        var rest = Substring(text)
        while let range = rest.range(of: "\\u") {
            out += rest[..<range.lowerBound]
            let hex = rest[range.upperBound...].prefix(4)
            if hex.count == 4, let value = UInt32(hex, radix: 16), let scalar = Unicode.Scalar(value) {
                out.unicodeScalars.append(scalar)
                rest = rest[rest.index(range.upperBound, offsetBy: 4)...]
            } else {
                out += "\\u"
                rest = rest[range.upperBound...]
            }
        }
        return out + rest
    }
}
