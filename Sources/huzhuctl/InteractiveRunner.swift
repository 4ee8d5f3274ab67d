#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import HuzhuctlCore

/// Interactive mode: a prompt with line editing and history; answers as the server writes them for
/// people (text mode, unless `--json` or `FORMAT json`); `BUS TAIL` events show up above the prompt.
final class InteractiveRunner {
    private let session: Session
    private let input: InputReader
    private let editor: LineEditor
    private var wantedFormat: SessionFormat
    private var decoder = UTF8ByteDecoder()
    private var decoded: [Unicode.Scalar] = []
    private var atPrompt = false
    private var awaited: Int?
    private var answered = false
    private var terminated = false
    private var tag = 0
    private let keepAlive = Duration.seconds(240)

    init(session: Session, input: InputReader, editor: LineEditor, wantedFormat: SessionFormat) {
        self.session = session
        self.input = input
        self.editor = editor
        self.wantedFormat = wantedFormat
    }

    func run() -> Int32 {
        session.onItem = { [unowned self] item in self.show(item) }
        editor.readCharacter = { [unowned self] in self.nextCharacter() }
        while true {
            if windowChanged != 0 {
                windowChanged = 0
                editor.resize(redraw: false)
            }
            atPrompt = true
            let line = editor.readLine()
            atPrompt = false
            if session.isClosed {
                Terminal.emit("\n", to: 1)
                Terminal.err("huzhuctl: \(session.closeReason)")
                return ExitStatus.connectionFailed
            }
            if terminated { return ExitStatus.ok }
            guard let line else {
                Terminal.out("")  // Ctrl-D: end the prompt's line
                return ExitStatus.ok
            }
            let info = CommandInfo.classify(line)
            if info.isBlank { continue }
            if !CommandInfo.isSensitive(line) { editor.remember(line) }
            if line.trimmingCharacters(" \t").lowercased() == "exit" { return ExitStatus.ok }
            if info.looksLikeHTTP {
                Terminal.err("huzhuctl: not sent (the server hangs up on lines that look like HTTP)")
                continue
            }
            tag += 1
            session.send(line, expecting: Expectation(kind: info.kind, tag: tag))
            switch info.kind {
            case .format(let format?): wantedFormat = format
            case .auth where wantedFormat == .json:
                session.send("FORMAT json", expecting: Expectation(kind: .format(.json), isInternal: true))
            default: break
            }
            awaited = tag
            answered = false
            while !answered {
                if session.isClosed {
                    if case .quit = info.kind { return ExitStatus.ok }
                    Terminal.err("huzhuctl: \(session.closeReason)")
                    return ExitStatus.connectionFailed
                }
                if session.wait(input: nil, timeout: nil) == .signal, Signals.take() != nil {
                    // The command runs on in the server; this session cannot be trusted to line up any more.
                    Terminal.err("\nhuzhuctl: interrupted while waiting for the answer")
                    return 130
                }
            }
            if case .quit = info.kind { return ExitStatus.ok }
        }
    }

    /// Called by the line editor for each character: waits for a key while handling the connection.
    private func nextCharacter() -> Unicode.Scalar? {
        while true {
            if !decoded.isEmpty { return decoded.removeFirst() }
            while let byte = input.nextByte() {
                decoded = decoder.push(byte)
                if !decoded.isEmpty { return decoded.removeFirst() }
            }
            if input.atEnd || session.isClosed || terminated { return nil }
            let timeout: Duration? = session.framer.tailing ? max(.zero, keepAlive - session.idleFor) : nil
            switch session.wait(input: input, timeout: timeout) {
            case .signal:
                if windowChanged != 0 {
                    windowChanged = 0
                    editor.resize(redraw: true)
                }
                switch Signals.take() {
                case SIGINT?: editor.interrupt()
                case nil: break
                default:
                    terminated = true
                    return nil
                }
            case .timeout:
                // Tailing with nothing typed: keep the session from closing as idle.
                if session.framer.tailing, session.idleFor >= keepAlive {
                    session.send("PING", expecting: Expectation(kind: .other, isInternal: true))
                }
            case .network, .input:
                break
            }
        }
    }

    private func show(_ item: FramedItem) {
        let lines: [(Render.Stream, String)]
        switch item {
        case .answer(let answer):
            guard !answer.expectation.isInternal else { return }
            if answer.expectation.tag == awaited { answered = true }
            lines = answer.format == .json ? Render.raw(answer) : Render.human(answer)
        case .event(let event):
            lines = [(.stdout, event.raw)]
        case .unsolicited(let line):
            lines = [(.stderr, line)]
        }
        if atPrompt {
            editor.printAbove(lines.map(\.1))
        } else {
            for (stream, line) in lines { stream == .stdout ? Terminal.out(line) : Terminal.err(line) }
        }
    }
}

extension String {
    func trimmingCharacters(_ set: String) -> String {
        let skip = Set(set.unicodeScalars)
        let scalars = unicodeScalars
        guard let start = scalars.firstIndex(where: { !skip.contains($0) }) else { return "" }
        let end = scalars.lastIndex(where: { !skip.contains($0) })!
        return String(String.UnicodeScalarView(scalars[start...end]))
    }
}
