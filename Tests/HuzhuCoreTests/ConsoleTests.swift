import Foundation
import HuzhuCore
import HuzhuKit
import HuzhuTesting
import Testing

/// The console over a real TCP connection to a real daemon.
@Suite struct ConsoleTests {
    @Test func onlyAuthPingHelpQuitWorkBeforeLogin() async throws {
        try await withTestDaemon { daemon in
            let console = try await daemon.console(user: nil, json: false)
            #expect(try await console.send("PING") == "+PONG")
            #expect(try await console.send("ping") == "+PONG", "keywords are case-insensitive")
            #expect(try await console.send("WHOAMI").hasPrefix("-AUTH "))
            #expect(try await console.send("MEMBER FIND 张").hasPrefix("-AUTH "))
            #expect(try await console.send("FORMAT json").hasPrefix("-AUTH "))
            #expect(try await console.send("AUTH admin wrong-password").hasPrefix("-AUTH "))
            #expect(try await console.send("AUTH admin").hasPrefix("-SYNTAX "))
            #expect(try await console.send("AUTH admin \(daemon.adminPassword)").hasPrefix("+OK"))
            #expect(try await console.send("WHOAMI").hasPrefix("+admin roles=admin"))
            #expect(try await console.send("QUIT") == "+BYE")
            #expect(try await console.isClosedByServer())
        }
    }

    @Test func jsonModeAnswersOneLineWithCodes() async throws {
        try await withTestDaemon { daemon in
            let console = try await daemon.console()
            let pong = try await console.json("PING")
            #expect(pong.ok && pong.data as? String == "PONG")
            let unknown = try await console.json("NOSUCH THING")
            #expect(!unknown.ok && unknown.code == "UNKNOWN_COMMAND")
            let near = try await console.json("MEMBER LOSE 1")
            #expect(near.code == "UNKNOWN_COMMAND")
            #expect(near.message?.contains("MEMBER FIND") == true, "suggests the commands of the same noun")
            let syntax = try await console.json("MEMBER FIND")
            #expect(syntax.code == "SYNTAX")
            #expect(syntax.message?.contains("MEMBER FIND") == true, "the error shows the right form")
            let quote = try await console.json("MEMBER FIND \"unterminated")
            #expect(quote.code == "SYNTAX")
            _ = try await console.json("LANG en")
            let english = try await console.json("MEMBER FIND")
            #expect(english.message?.hasPrefix("usage: MEMBER FIND") == true)
        }
    }

    @Test func pipelinedCommandsAnswerInOrder() async throws {
        try await withTestDaemon { daemon in
            let console = try await daemon.console()
            var lines: [String] = []
            for i in 0..<50 {
                lines.append(i % 5 == 0 ? "MEMBER FIND 无此人\(i)" : (i % 7 == 0 ? "BAD\(i)" : "PING"))
            }
            try await console.sendLines(lines)
            for (i, line) in lines.enumerated() {
                let answer = try ConsoleAnswerCheck.parse(try await console.readLine())
                if line.hasPrefix("MEMBER") {
                    #expect(answer.ok && (answer.data as? [Any])?.isEmpty == true, "answer \(i) is the MEMBER FIND's")
                } else if line.hasPrefix("BAD") {
                    #expect(answer.code == "UNKNOWN_COMMAND", "answer \(i) is BAD's")
                } else {
                    #expect(answer.data as? String == "PONG", "answer \(i) is a PONG")
                }
            }
        }
    }

    @Test func pipelinedLinesAfterAuthRunLoggedIn() async throws {
        try await withTestDaemon { daemon in
            let console = try await daemon.console(user: nil, json: false)
            try await console.sendLines(["AUTH admin \(daemon.adminPassword)", "WHOAMI", "FORMAT json", "PING"])
            #expect(try await console.readLine().hasPrefix("+OK"))
            #expect(try await console.readLine().hasPrefix("+admin"))
            #expect(try await console.readLine() == #"{"ok":true,"data":{"format":"json"}}"#)
            #expect(try await console.readLine() == #"{"ok":true,"data":"PONG"}"#)
        }
    }

    @Test func overlongLinesBadBytesAndControlCharactersAreRefusedAndTheSessionGoesOn() async throws {
        try await withTestDaemon { daemon in
            let console = try await daemon.console()
            try await console.sendLines([String(repeating: "x", count: 20_000)])
            let long = try ConsoleAnswerCheck.parse(try await console.readLine())
            #expect(long.code == "LIMIT")
            try await console.sendRaw([0x50, 0xFF, 0xFE, 0x0A])
            let bad = try ConsoleAnswerCheck.parse(try await console.readLine())
            #expect(bad.code == "SYNTAX")
            try await console.sendRaw(Array("PI\u{07}NG\n".utf8))
            let control = try ConsoleAnswerCheck.parse(try await console.readLine())
            #expect(control.code == "SYNTAX")
            let pong = try await console.json("PING")
            #expect(pong.ok, "the session survives bad input")
        }
    }

    @Test func blockLinesThatLookLikeAnswersAreStuffed() async throws {
        try await withTestDaemon(plugins: [GoodPlugin.self]) { daemon in
            let console = try await daemon.console(json: false)
            try await console.sendLines(["GOOD LINES", "HELP NO SUCH", "PING extra words"])
            var block: [String] = []
            while true {
                let line = try await console.readLine()
                if line == "." { break }
                block.append(line)
            }
            #expect(block == [".+plus", ".-minus", ".> not an event", "..dot", "plain"])
            #expect(try await console.readLine().hasPrefix("-NOT_FOUND "), "HELP for an unknown command is an error")
            #expect(try await console.readLine() == "+PONG")
        }
    }

    @Test func shutdownTellsOpenSessionsWhy() async throws {
        let daemon = try await TestDaemon.start()
        let console = try await daemon.console(json: false)
        try await daemon.stop()
        #expect(try await console.readLine().hasPrefix("-UNAVAILABLE "))
        #expect(try await console.isClosedByServer())
    }

    @Test func anHTTPRequestClosesTheConnection() async throws {
        try await withTestDaemon { daemon in
            let console = try await daemon.console(user: nil, json: false)
            try await console.sendLines(["PING", "POST / HTTP/1.1", "PING"])
            #expect(try await console.readLine() == "+PONG")
            #expect(try await console.isClosedByServer())
        }
    }

    @Test func repeatedFailedLoginsCloseTheConnection() async throws {
        try await withTestDaemon { daemon in
            let console = try await daemon.console(user: nil, json: false)
            for _ in 0..<5 { #expect(try await console.send("AUTH admin nope-nope").hasPrefix("-AUTH")) }
            #expect(try await console.isClosedByServer())
        }
    }

    @Test func helpListsOnlyWhatTheRoleMayRun() async throws {
        try await withTestDaemon { daemon in
            let anonymous = try await daemon.console(user: nil)
            try await anonymous.sendLines(["HELP"])
            var lines: [String] = []
            while true {
                let line = try await anonymous.readLine()
                if line == "." { break }
                lines.append(line)
            }
            #expect(lines.contains { $0.hasPrefix("AUTH") })
            #expect(!lines.contains { $0.hasPrefix("MEMBER FIND") }, "anonymous sessions do not see staff commands")
            let admin = try await daemon.console()
            let help = try await admin.json("HELP")
            let names = (help.data as? [[String: Any]])?.compactMap { $0["name"] as? String } ?? []
            #expect(names.contains("MEMBER FIND") && names.contains("WHOAMI"))
        }
    }
}

/// Parses one JSON answer line.
enum ConsoleAnswerCheck {
    static func parse(_ line: String) throws -> (ok: Bool, data: Any?, code: String?) {
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        return (object["ok"] as? Bool ?? false, object["data"], (object["error"] as? [String: Any])?["code"] as? String)
    }
}
