import HuzhuctlCore
import Testing

@Suite("Rendering for people")
struct RenderTests {
    @Test func stringsAsTheyAre() {
        #expect(Render.data(.string("PONG")) == ["PONG"])
        #expect(Render.data(.string("a\nb")) == ["a", "b"])
        #expect(Render.data(.null) == [])
        #expect(Render.data(.number("42")) == ["42"])
    }

    @Test func listsOfRecordsAsColumnsCountingChineseTwice() throws {
        let json = try JSON(parsing: #"[{"id":3,"name":"张 大 山","phone":null},{"id":10,"name":"Li","phone":"+8613912345678","roles":["admin","staff"]}]"#)
        #expect(Render.data(json) == [
            "ID  NAME      PHONE           ROLES",
            "--  --------  --------------  -----------",
            "3   张 大 山  -",
            "10  Li        +8613912345678  admin,staff",
        ])
    }

    @Test func recordsAsKeyValueLines() throws {
        let json = try JSON(parsing: #"{"user":"admin","roles":["admin"],"villages":[],"bus":{"topics":1},"plugins":[{"id":"notice","state":"running"}]}"#)
        #expect(Render.data(json) == [
            "user      admin",
            "roles     admin",
            "villages  -",
            "bus",
            "  topics  1",
            "plugins",
            "  ID      STATE",
            "  ------  -------",
            "  notice  running",
        ])
    }

    @Test func emptyAndMixedLists() {
        #expect(Render.data(.array([])) == ["(none)"])
        #expect(Render.data(.array([.string("a"), .number("1"), .array([.null])])) == ["a", "1", "[null]"])
    }

    @Test func displayWidth() {
        #expect(Render.displayWidth("abc") == 3)
        #expect(Render.displayWidth("张三") == 4)
        #expect(Render.displayWidth("，：") == 4)
        #expect(Render.displayWidth("e\u{301}") == 1)
    }

    @Test func answersForPeopleAndRaw() {
        let ok = Answer(expectation: .init(kind: .other), format: .json, body: .data(.string("PONG")), raw: [#"{"ok":true,"data":"PONG"}"#])
        let failed = Answer(expectation: .init(kind: .other), format: .json, body: .error(code: "SYNTAX", message: "用法"),
                            raw: [#"{"ok":false,"error":{"code":"SYNTAX","message":"用法"}}"#])
        #expect(Render.human(ok).map(\.1) == ["PONG"])
        #expect(Render.human(ok).map(\.0) == [.stdout])
        #expect(Render.human(failed).map(\.0) == [.stderr])
        #expect(Render.human(failed).map(\.1) == ["-SYNTAX 用法"])
        #expect(Render.raw(failed).map(\.1) == failed.raw)
        #expect(Render.raw(failed).map(\.0) == [.stdout])
    }
}

@Suite("Exit status")
struct ExitStatusTests {
    private func answer(ok: Bool, isInternal: Bool = false) -> Answer {
        Answer(expectation: .init(kind: .other, isInternal: isInternal), format: .json,
               body: ok ? .data(.null) : .error(code: "NOT_FOUND", message: "x"), raw: [])
    }

    @Test func allOkIsZero() {
        var status = ExitStatus()
        #expect(status.code == 0)
        status.record(answer(ok: true))
        status.record(answer(ok: true))
        #expect(status.code == 0)
        #expect(status.answers == 2)
    }

    @Test func anyFailureIsOne() {
        var status = ExitStatus()
        status.record(answer(ok: true))
        status.record(answer(ok: false))
        status.record(answer(ok: true))
        #expect(status.code == 1)
        #expect(status.failures == 1)
    }

    @Test func internalAnswersDoNotCount() {
        var status = ExitStatus()
        status.record(answer(ok: false, isInternal: true))
        #expect(status.code == 0)
        #expect(status.answers == 0)
    }

    @Test func localRefusalsCountAsFailures() {
        var status = ExitStatus()
        status.recordLocalFailure()
        #expect(status.code == 1)
    }

    @Test func connectionFailureWins() {
        var status = ExitStatus()
        status.record(answer(ok: false))
        status.fail("the server closed the connection")
        status.fail("later reason")
        #expect(status.code == 2)
        #expect(status.fatal == "the server closed the connection")
    }
}
