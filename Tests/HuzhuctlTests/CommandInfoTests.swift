import HuzhuctlCore
import Testing

@Suite("Command classification")
struct CommandInfoTests {
    @Test(arguments: [
        ("PING", CommandInfo.Kind.other),
        ("  auth admin pw", .auth),
        ("FORMAT json", .format(.json)),
        ("format TEXT", .format(.text)),
        ("FORMAT", .format(nil)),
        ("FORMAT xml", .format(nil)),
        ("quit", .quit),
        ("BUS TAIL labour.*", .tail),
        ("bus\ttail *", .tail),
        ("BUS UNTAIL", .untail),
        ("BUS STATS", .other),
        ("\"FORMAT\" json", .other),  // a quoted word is not a command
        ("format=json", .other),      // a named argument is not either
        ("MEMBER FIND 张", .other),
    ])
    func kinds(_ line: String, _ kind: CommandInfo.Kind) {
        #expect(CommandInfo.classify(line).kind == kind)
    }

    @Test func blankLinesGetNoAnswer() {
        #expect(CommandInfo.classify("").isBlank)
        #expect(CommandInfo.classify(" \t ").isBlank)
        #expect(!CommandInfo.classify("\"\"").isBlank)  // answered SYNTAX
        #expect(!CommandInfo.classify("a=b").isBlank)   // answered SYNTAX
        #expect(!CommandInfo.classify(".").isBlank)
    }

    @Test func httpLookingLines() {
        #expect(CommandInfo.classify("GET / HTTP/1.1").looksLikeHTTP)
        #expect(CommandInfo.classify("Host: example.org").looksLikeHTTP)
        #expect(!CommandInfo.classify("get / HTTP/1.1").looksLikeHTTP)
        #expect(!CommandInfo.classify("PING").looksLikeHTTP)
    }

    @Test func authLineQuotesAnything() {
        #expect(CommandInfo.authLine(user: "admin", password: "secret") == #"AUTH "admin" "secret""#)
        #expect(CommandInfo.quote("两 亩\"\\\n\t\u{1}") == #""两 亩\"\\\n\t\u0001""#)
    }

    @Test func sensitiveLinesStayOutOfHistory() {
        #expect(CommandInfo.isSensitive("auth admin pw"))
        #expect(CommandInfo.isSensitive("USER ADD li role=staff password=x"))
        #expect(CommandInfo.isSensitive("USER PASSWD li 新密码"))
        #expect(!CommandInfo.isSensitive("MEMBER FIND 张"))
        #expect(!CommandInfo.isSensitive("AUTHORS"))
    }
}
