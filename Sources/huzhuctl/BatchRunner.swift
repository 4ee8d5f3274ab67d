import HuzhuctlCore

/// One-shot (`-c`) and stdin modes: sends the commands (pipelined, a window at a time), prints each
/// answer as it comes, and sets the exit status. The session is in JSON mode when logged in, so every
/// answer's end and outcome are exact.
final class BatchRunner {
    enum Source {
        case commands([String])
        case input(InputReader)
    }

    private let session: Session
    private let rawJSON: Bool
    private var source: Source
    private var nextIndex = 0
    private var status: ExitStatus
    /// The format huzhuctl wants after a login: JSON (internally), unless a command asked for text.
    private var wantedFormat: SessionFormat = .json
    private var sentEverything = false
    private var quitSent = false
    private var tag = 0
    /// How many stdout lines the last answer took (for the blank line between answers).
    private var previousLines = 0
    /// A line held back until the answers before it are in (see `refuse`).
    private var held: ArraySlice<UInt8>?
    /// Answers outstanding at most: enough to keep the pipe full, few enough to stop early on errors.
    private let window = 64
    /// While tailing after the last command, a PING this often keeps the session from closing as idle.
    private let keepAlive = Duration.seconds(240)

    init(session: Session, source: Source, rawJSON: Bool, status: ExitStatus) {
        self.session = session
        self.source = source
        self.rawJSON = rawJSON
        self.status = status
    }

    func run() -> Int32 {
        session.onItem = { [unowned self] item in self.show(item) }
        var following = false
        while true {
            while !sentEverything, session.framer.pendingCount < window {
                if let line = held {
                    // A line refused locally is reported in its turn, after the answers before it.
                    guard session.framer.pendingCount == 0 else { break }
                    held = nil
                    refuse(line)
                    continue
                }
                guard let line = nextLine() else { break }
                if CommandInfo.looksLikeHTTP(String(decoding: line, as: UTF8.self)) {
                    held = line
                    continue
                }
                submit(line)
            }
            if session.isClosed {
                if quitSent, session.framer.pendingCount == 0 { return status.code }
                return fail(session.closeReason)
            }
            if sentEverything, session.framer.pendingCount == 0 {
                if quitSent || !session.framer.tailing { return status.code }
                // The last BUS TAIL is still on: show its events until interrupted or the server hangs up.
                following = true
            }
            let reader: InputReader? = if case .input(let reader) = source, !sentEverything, session.framer.pendingCount < window { reader } else { nil }
            let timeout: Duration? = following ? max(.zero, keepAlive - session.idleFor) : nil
            switch session.wait(input: reader, timeout: timeout) {
            case .signal:
                if Signals.take() != nil {
                    if following { return status.code }
                    Terminal.err("huzhuctl: interrupted")
                    return 130
                }
            case .timeout:
                if following, session.idleFor >= keepAlive {
                    session.send("PING", expecting: Expectation(kind: .other, isInternal: true))
                }
            case .network, .input:
                break
            }
        }
    }

    /// The next command line, or nil when none is ready now (`sentEverything` tells whether that is for good).
    private func nextLine() -> ArraySlice<UInt8>? {
        switch source {
        case .commands(let commands):
            guard nextIndex < commands.count else {
                sentEverything = true
                return nil
            }
            defer { nextIndex += 1 }
            return ArraySlice(commands[nextIndex].utf8)
        case .input(let reader):
            if let line = reader.nextBufferedLine() { return line }
            if reader.atEnd { sentEverything = true }
            return nil
        }
    }

    private func submit(_ bytes: ArraySlice<UInt8>) {
        let text = String(decoding: bytes, as: UTF8.self)
        let info = CommandInfo.classify(text)
        if info.isBlank { return }  // the server would not answer it
        tag += 1
        session.send(bytes, expecting: Expectation(kind: info.kind, tag: tag))
        switch info.kind {
        case .format(let format?):
            wantedFormat = format
        case .auth where wantedFormat == .json:
            // Logged in by a command: switch to JSON right behind it (harmless if the login fails).
            session.send("FORMAT json", expecting: Expectation(kind: .format(.json), isInternal: true))
        case .quit:
            quitSent = true
            sentEverything = true  // the server drops whatever follows QUIT
        default:
            break
        }
    }

    /// A line the server would hang up on (it looks like HTTP): not sent, counted as failed.
    private func refuse(_ line: ArraySlice<UInt8>) {
        Terminal.err("huzhuctl: not sent (the server hangs up on lines that look like HTTP): \(String(decoding: line, as: UTF8.self))")
        status.recordLocalFailure()
        previousLines = 0
    }

    private func show(_ item: FramedItem) {
        switch item {
        case .answer(let answer):
            guard !answer.expectation.isInternal else { return }
            status.record(answer)
            let lines = rawJSON ? Render.raw(answer) : Render.human(answer)
            // For people, a blank line between answers when either takes several lines (records, tables).
            if !rawJSON, lines.count > 1 || previousLines > 1, previousLines > 0, lines.first?.0 == .stdout {
                Terminal.out("")
            }
            for (stream, line) in lines {
                stream == .stdout ? Terminal.out(line) : Terminal.err(line)
            }
            previousLines = lines.first?.0 == .stdout ? lines.count : previousLines
        case .event(let event):
            Terminal.out(rawJSON ? event.raw : event.display)
        case .unsolicited(let line):
            Terminal.err(line)
        }
    }

    private func fail(_ reason: String) -> Int32 {
        status.fail(reason)
        Terminal.err("huzhuctl: \(reason)")
        return status.code
    }
}
