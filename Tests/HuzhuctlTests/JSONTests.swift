import HuzhuctlCore
import Testing

@Suite("JSON")
struct JSONTests {
    @Test func keepsKeyOrderAndNumberText() throws {
        let json = try JSON(parsing: #"{"z":1,"a":-2.50,"m":[true,false,null],"e":1e3}"#)
        guard case .object(let pairs) = json else {
            Issue.record("not an object")
            return
        }
        #expect(pairs.map(\.0) == ["z", "a", "m", "e"])
        #expect(json["a"] == .number("-2.50"))
        #expect(json["e"] == .number("1e3"))
        #expect(json["m"] == .array([.bool(true), .bool(false), .null]))
        #expect(json.text == #"{"z":1,"a":-2.50,"m":[true,false,null],"e":1e3}"#)
    }

    @Test func stringsAndEscapes() throws {
        let json = try JSON(parsing: #"["向建国","a\"b\\c\/d\n\t","\u5F20\u4e09","\ud83d\ude00","é"]"#)
        #expect(json == .array([.string("向建国"), .string("a\"b\\c/d\n\t"), .string("张三"), .string("😀"), .string("é")]))
        // Written back as the server writes: raw UTF-8, escaped controls.
        #expect(JSON.string("两\n亩\u{1}").text == #""两\n亩\u0001""#)
    }

    @Test func whitespaceAroundValues() throws {
        #expect(try JSON(parsing: " { \"a\" : [ 1 , 2 ] } \r\n") == .object([("a", .array([.number("1"), .number("2")]))]))
        #expect(try JSON(parsing: "{}") == .object([]))
        #expect(try JSON(parsing: "[]") == .array([]))
    }

    @Test(arguments: ["", "{", "{\"a\"}", "[1,]", "{\"a\":1}x", "tru", "\"open", "01x", "-", "1.", "{\"a\":1,}", "\"tab\there\""])
    func rejectsBadJSON(_ text: String) {
        #expect(throws: JSON.ParseError.self) { try JSON(parsing: text) }
    }
}
