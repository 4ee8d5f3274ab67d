import HuzhuConsole
import HuzhuKit
import Testing

@Suite struct CommandLineParserTests {
    func words(_ line: String) throws -> [String] { try CommandLineParser.parse(line).words.map(\.text) }

    @Test func splitsOnSpacesAndTabs() throws {
        #expect(try words("MEMBER  FIND\t张") == ["MEMBER", "FIND", "张"])
        #expect(try words("   ") == [])
        #expect(try words("PING") == ["PING"])
    }

    @Test func quotedWordsHoldSpacesAndEscapes() throws {
        let parsed = try CommandLineParser.parse(#"NOTICE POST "明天 8点 开会\n带\"身份证\"" x"#)
        #expect(parsed.words.map(\.text) == ["NOTICE", "POST", "明天 8点 开会\n带\"身份证\"", "x"])
        #expect(parsed.words[2].quoted)
        #expect(!parsed.words[3].quoted)
        #expect(try words(#""a\\b\tc""#) == ["a\\b\tc"])
        #expect(try words(#""\u5F20\u4E09""#) == ["张三"])
        #expect(try words(#""""#) == [""])
    }

    @Test func namedArgumentsMayBeQuoted() throws {
        let parsed = try CommandLineParser.parse(#"MEMBER ADD 张三 village=3 Phone="+86 138 0013 8000" note=a=b"#)
        #expect(parsed.words.map(\.text) == ["MEMBER", "ADD", "张三"])
        #expect(parsed.named.map { "\($0.0)=\($0.1)" } == ["village=3", "phone=+86 138 0013 8000", "note=a=b"])
        let quotedEquals = try CommandLineParser.parse(#"X "a=b""#)
        #expect(quotedEquals.named.isEmpty, "a quoted word is positional even with =")
        #expect(try CommandLineParser.parse("X =a").words.map(\.text) == ["X", "=a"], "no key, no named argument")
    }

    @Test(arguments: [
        #"X "unterminated"#,
        #"X "bad\qescape""#,
        #"X "\u12""#,
        #"X "\uD800""#,
        #"X "a"b"#,
        #"X a"b"#,
        #"X key="v"w"#,
    ])
    func malformedQuotingIsASyntaxError(_ line: String) {
        let error = #expect(throws: HuzhuError.self) { try CommandLineParser.parse(line) }
        #expect(error?.code == .syntax)
        #expect(error?.message.en.isEmpty == false)
        #expect(error?.message.zh.isEmpty == false)
    }
}

@Suite struct TopicPatternTests {
    @Test func wildcardsMatchWholeSegments() {
        #expect(TopicPattern.matches("*", "labour.job.assigned"))
        #expect(TopicPattern.matches("labour.*", "labour.job.assigned"))
        #expect(TopicPattern.matches("labour.job.*", "labour.job.assigned"))
        #expect(TopicPattern.matches("labour.job.assigned", "labour.job.assigned"))
        #expect(!TopicPattern.matches("labour.*", "labourer.job"))
        #expect(!TopicPattern.matches("labour.*", "labour"))
        #expect(!TopicPattern.matches("market.*", "labour.job.assigned"))
    }

    @Test(arguments: ["", "Labour.*", "labour.", "labour..job", "lab our", "*.job", "labour.*.x"])
    func badPatternsAreRefused(_ pattern: String) {
        #expect(throws: HuzhuError.self) { try TopicPattern.validate(pattern) }
    }
}
