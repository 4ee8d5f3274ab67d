import HuzhuctlCore
import Testing

@Suite("Answer framing")
struct AnswerFramerTests {
    /// Feeds lines, collecting what comes out.
    private func feed(_ framer: inout AnswerFramer, _ lines: [String]) -> [FramedItem] {
        lines.compactMap { framer.feed($0) }
    }

    private func answers(_ items: [FramedItem]) -> [Answer] {
        items.compactMap { if case .answer(let answer) = $0 { answer } else { nil } }
    }

    @Test func textOneLiners() {
        var framer = AnswerFramer()
        framer.expect(Expectation(kind: .other, tag: 1))
        framer.expect(Expectation(kind: .other, tag: 2))
        let items = feed(&framer, ["+PONG", "-UNKNOWN_COMMAND 未知命令 NOPE：发送 HELP 查看命令列表"])
        let got = answers(items)
        #expect(got.map(\.expectation.tag) == [1, 2])
        #expect(got[0].body == .line("PONG"))
        #expect(got[0].ok)
        #expect(got[1].body == .error(code: "UNKNOWN_COMMAND", message: "未知命令 NOPE：发送 HELP 查看命令列表"))
        #expect(!got[1].ok)
        #expect(framer.pendingCount == 0)
    }

    @Test func textBlockWithDotStuffing() {
        var framer = AnswerFramer()
        framer.expect(Expectation(kind: .other))
        framer.expect(Expectation(kind: .other))
        // The server sends ".hidden" as "..hidden", "." as "..", and ends the block with ".".
        let items = feed(&framer, ["ID  NOTICE", "..hidden", "..", "-dash", "+plus", "> not an event inside a block", ".", "+PONG"])
        let got = answers(items)
        #expect(got.count == 2)
        #expect(got[0].body == .block(["ID  NOTICE", ".hidden", ".", "-dash", "+plus", "> not an event inside a block"]))
        #expect(got[0].raw.last == ".")
        #expect(got[1].body == .line("PONG"))
    }

    @Test func blockWhoseFirstLineIsStuffed() {
        var framer = AnswerFramer()
        framer.expect(Expectation(kind: .other))
        let items = feed(&framer, ["..first", "second", "."])
        #expect(answers(items).first?.body == .block([".first", "second"]))
    }

    @Test func emptyBlock() {
        var framer = AnswerFramer()
        framer.expect(Expectation(kind: .other))
        #expect(answers(feed(&framer, ["."])).first?.body == .block([]))
    }

    @Test func blockIsNotCutShortByPartialInput() {
        var framer = AnswerFramer()
        framer.expect(Expectation(kind: .other))
        #expect(framer.feed("line 1") == nil)
        #expect(framer.isInsideBlock)
        #expect(framer.feed("line 2") == nil)
        #expect(framer.pendingCount == 1)
        #expect(answers([framer.feed(".")!]).first?.body == .block(["line 1", "line 2"]))
    }

    @Test func crlfAnswers() {
        var framer = AnswerFramer()
        framer.expect(Expectation(kind: .other))
        framer.expect(Expectation(kind: .other))
        let got = answers(feed(&framer, ["+PONG\r", "a\r", "..b\r", ".\r"]))
        #expect(got.map(\.body) == [.line("PONG"), .block(["a", ".b"])])
    }

    @Test func textEventsBetweenAnswers() {
        var framer = AnswerFramer()
        framer.expect(Expectation(kind: .tail))
        framer.expect(Expectation(kind: .other))
        let items = feed(&framer, [
            "+OK tailing *; BUS UNTAIL to stop",
            "> notice.posted #3 {\"id\":3,\"body\":\"明天开会\"}",
            "+PONG",
            "> labour.job #-1 {}",
        ])
        #expect(items.count == 4)
        guard case .event(let first) = items[1], case .event(let second) = items[3] else {
            Issue.record("events expected: \(items)")
            return
        }
        #expect(first.raw == "> notice.posted #3 {\"id\":3,\"body\":\"明天开会\"}")
        #expect(first.display == first.raw)
        #expect(second.raw.hasPrefix("> labour.job"))
        #expect(framer.tailing)
        #expect(answers(items).map(\.body) == [.line("OK tailing *; BUS UNTAIL to stop"), .line("PONG")])
    }

    @Test func jsonAnswersAndEvents() {
        var framer = AnswerFramer(format: .json)
        framer.expect(Expectation(kind: .tail, tag: 1))
        framer.expect(Expectation(kind: .other, tag: 2))
        framer.expect(Expectation(kind: .other, tag: 3))
        let items = feed(&framer, [
            #"{"ok":true,"data":{"tail":"*"}}"#,
            #"{"event":{"id":4,"topic":"notice.posted","publisher":"notice","payload":{"id":4,"body":"开会"}},"dropped_before":2}"#,
            #"{"ok":true,"data":[{"id":65,"name":"向建国"}]}"#,
            #"{"ok":false,"error":{"code":"UNKNOWN_COMMAND","message":"未知命令 NOPE"}}"#,
        ])
        #expect(items.count == 4)
        guard case .event(let event) = items[1] else {
            Issue.record("event expected")
            return
        }
        #expect(event.display == #"> notice.posted #4 {"id":4,"body":"开会"} (2 earlier events dropped: the client was not reading)"#)
        let got = answers(items)
        #expect(got.map(\.expectation.tag) == [1, 2, 3])
        #expect(got[1].body == .data(.array([.object([("id", .number("65")), ("name", .string("向建国"))])])))
        #expect(got[2].body == .error(code: "UNKNOWN_COMMAND", message: "未知命令 NOPE"))
        #expect(got.map(\.ok) == [true, true, false])
        #expect(got[1].raw == [#"{"ok":true,"data":[{"id":65,"name":"向建国"}]}"#])
        #expect(framer.tailing)
    }

    @Test func jsonStringsThatLookLikeTextProtocolLines() {
        var framer = AnswerFramer(format: .json)
        framer.expect(Expectation(kind: .other))
        framer.expect(Expectation(kind: .other))
        let got = answers(feed(&framer, [#"{"ok":true,"data":"."}"#, #"{"ok":true,"data":"> x\n-y"}"#]))
        #expect(got.map(\.body) == [.data(.string(".")), .data(.string("> x\n-y"))])
    }

    @Test func formatSwitchesBothWays() {
        var framer = AnswerFramer()
        framer.expect(Expectation(kind: .format(.json)))
        framer.expect(Expectation(kind: .other))
        framer.expect(Expectation(kind: .format(.text)))
        framer.expect(Expectation(kind: .other))
        let got = answers(feed(&framer, [
            #"{"ok":true,"data":{"format":"json"}}"#,
            #"{"ok":true,"data":"PONG"}"#,
            "+OK format text",
            "ID  NAME", "1   张三", ".",
        ]))
        #expect(got.map(\.format) == [.json, .json, .text, .text])
        #expect(got[3].body == .block(["ID  NAME", "1   张三"]))
        #expect(framer.format == .text)
    }

    @Test func failedFormatKeepsTheFormat() {
        var framer = AnswerFramer()
        // Before login FORMAT is refused, in text.
        framer.expect(Expectation(kind: .format(.json)))
        framer.expect(Expectation(kind: .other))
        let got = answers(feed(&framer, ["-AUTH 请先登录", "HELP lines", "."]))
        #expect(got.map(\.ok) == [false, true])
        #expect(framer.format == .text)

        var json = AnswerFramer(format: .json)
        json.expect(Expectation(kind: .format(nil)))
        _ = json.feed(#"{"ok":false,"error":{"code":"SYNTAX","message":"用法：FORMAT text|json"}}"#)
        #expect(json.format == .json)
    }

    @Test func untailStopsTailing() {
        var framer = AnswerFramer()
        framer.expect(Expectation(kind: .tail))
        framer.expect(Expectation(kind: .tail))
        framer.expect(Expectation(kind: .untail))
        _ = framer.feed("+OK tailing *; BUS UNTAIL to stop")
        #expect(framer.tailing)
        _ = framer.feed("-SYNTAX bad pattern")  // a failed BUS TAIL leaves the old tail on
        #expect(framer.tailing)
        _ = framer.feed("+OK tail stopped")
        #expect(!framer.tailing)
    }

    @Test func linesWithNothingAwaited() {
        var framer = AnswerFramer()
        #expect(framer.feed("-LIMIT closing an idle session") == .unsolicited("-LIMIT closing an idle session"))
        if case .event = framer.feed("> a.b #1 {}") {} else { Issue.record("event expected") }
    }

    @Test func malformedJSONAnswerCountsAsFailure() {
        var framer = AnswerFramer(format: .json)
        framer.expect(Expectation(kind: .other))
        framer.expect(Expectation(kind: .other))
        let got = answers(feed(&framer, ["{not json", "[1]"]))
        #expect(got.map(\.ok) == [false, false])
    }

    @Test func internalExpectationsComeBackMarked() {
        var framer = AnswerFramer()
        framer.expect(Expectation(kind: .auth, isInternal: true))
        framer.expect(Expectation(kind: .format(.json), isInternal: true))
        framer.expect(Expectation(kind: .other, tag: 7))
        let got = answers(feed(&framer, ["+OK logged in as admin (admin)", #"{"ok":true,"data":{"format":"json"}}"#, #"{"ok":true,"data":"PONG"}"#]))
        #expect(got.map(\.expectation.isInternal) == [true, true, false])
        #expect(got[2].expectation.tag == 7)
    }
}

@Suite("Byte streams")
struct ByteStreamTests {
    @Test func lineBufferSplitsAcrossChunks() {
        var buffer = LineBuffer()
        buffer.append(Array("+PO".utf8))
        #expect(buffer.nextLine() == nil)
        buffer.append(Array("NG\r\n张".utf8))
        #expect(buffer.nextLine() == "+PONG\r")
        #expect(buffer.nextLine() == nil)
        buffer.append(Array("三\n\nlast".utf8))
        #expect(buffer.nextLine() == "张三")
        #expect(buffer.nextLine() == "")
        #expect(buffer.nextLine() == nil)
        #expect(buffer.takeRest().map { String(decoding: $0, as: UTF8.self) } == "last")
        #expect(buffer.isEmpty)
    }

    @Test func utf8ByteDecoder() {
        var decoder = UTF8ByteDecoder()
        var out: [Unicode.Scalar] = []
        for byte in Array("a张😀".utf8) { out += decoder.push(byte) }
        #expect(String(String.UnicodeScalarView(out)) == "a张😀")
        // A sequence cut short by an ASCII byte: U+FFFD, and the byte is kept.
        out = decoder.push(0xE5) + decoder.push(UInt8(ascii: "x"))
        #expect(out == ["\u{FFFD}", "x"])
        #expect(decoder.push(0xFF) == ["\u{FFFD}"])
        // Overlong encodings are refused.
        out = decoder.push(0xE0) + decoder.push(0x80) + decoder.push(0x80)
        #expect(out == ["\u{FFFD}"])
    }
}
