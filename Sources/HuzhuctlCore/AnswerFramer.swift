/// The session's answer format (`FORMAT text|json`).
public enum SessionFormat: String, Sendable, Equatable {
    case text
    case json
}

/// An answer the client waits for, in the order the lines were sent.
public struct Expectation: Sendable, Equatable {
    /// What the client sent.
    public var kind: CommandInfo.Kind
    /// Sent by huzhuctl itself (login, `FORMAT json`, keep-alive `PING`): not shown, not counted.
    public var isInternal: Bool
    /// A number the caller chooses (e.g. the command's position), handed back with the answer.
    public var tag: Int

    public init(kind: CommandInfo.Kind, isInternal: Bool = false, tag: Int = 0) {
        self.kind = kind
        self.isInternal = isInternal
        self.tag = tag
    }
}

/// One complete answer.
public struct Answer: Sendable, Equatable {
    public enum Body: Sendable, Equatable {
        /// Text mode `+line` (without the `+`).
        case line(String)
        /// Text mode block: its lines, dot-stuffing removed, without the final `.`.
        case block([String])
        /// JSON mode `{"ok":true,"data":…}`: the data.
        case data(JSON)
        /// `-CODE message`, or JSON mode `{"ok":false,"error":{…}}`.
        case error(code: String, message: String)
        /// A line that fits neither form (counted as a failure).
        case malformed(String)
    }

    public var expectation: Expectation
    /// The format the answer came in.
    public var format: SessionFormat
    public var body: Body
    /// The lines exactly as received (for `--json`).
    public var raw: [String]

    public init(expectation: Expectation, format: SessionFormat, body: Body, raw: [String]) {
        self.expectation = expectation
        self.format = format
        self.body = body
        self.raw = raw
    }

    public var ok: Bool {
        switch body {
        case .line, .block, .data: true
        case .error, .malformed: false
        }
    }
}

/// A `BUS TAIL` event line, which may come between any two answers.
public struct Event: Sendable, Equatable {
    public var format: SessionFormat
    /// The line as received.
    public var raw: String
    /// JSON mode: the parsed line, `{"event":{…},"dropped_before":n}`.
    public var json: JSON?

    /// The text mode form, `> topic #id {payload}`, for people in either format.
    public var display: String {
        guard let json, let event = json["event"] else { return raw }
        let topic = event["topic"]?.stringValue ?? "?"
        let id = event["id"].map { $0.stringValue ?? $0.text } ?? "?"
        let payload = event["payload"]?.text ?? "null"
        var line = "> \(topic) #\(id) \(payload)"
        if let dropped = json["dropped_before"] {
            line += " (\(dropped.text) earlier events dropped: the client was not reading)"
        }
        return line
    }
}

/// What the framer makes of incoming lines.
public enum FramedItem: Sendable, Equatable {
    case answer(Answer)
    case event(Event)
    /// A line while no answer is awaited, e.g. `-LIMIT closing an idle session` before the server hangs up.
    case unsolicited(String)
}

/// Cuts the server's lines into answers and events, exactly, in either format.
///
/// The client registers an `Expectation` for every line it sends (in order; blank lines get none) and
/// feeds every line it receives (without its line ending). The framer follows the session's format as
/// it changes: the answer to `FORMAT` is recognised in either form (a JSON line starts with `{`, a
/// text one-liner with `+` or `-`), and only a successful `FORMAT` changes the format.
///
/// Text mode rules: `+…` and `-…` are one-line answers; `> …` between answers is an event; anything
/// else starts a block that ends at a line holding only `.` (a block line starting with `.` has an
/// extra `.` in front, removed here). JSON mode: one line per answer, `{"event":…}` lines are events.
public struct AnswerFramer: Sendable {
    /// The format the next answer will come in (as far as the answers so far tell).
    public private(set) var format: SessionFormat
    public private(set) var pending: [Expectation] = []
    /// Whether a `BUS TAIL` is active (its answer was ok, and no `BUS UNTAIL` succeeded since).
    public private(set) var tailing = false
    private var block: [String]?
    private var blockRaw: [String] = []

    public init(format: SessionFormat = .text) {
        self.format = format
    }

    /// Awaits an answer for a line just sent.
    public mutating func expect(_ expectation: Expectation) {
        pending.append(expectation)
    }

    /// Awaited answers not yet complete.
    public var pendingCount: Int { pending.count }

    /// Whether a text block is half read.
    public var isInsideBlock: Bool { block != nil }

    /// Feeds one line (without `\n`; a trailing `\r` is removed here).
    public mutating func feed(_ rawLine: String) -> FramedItem? {
        let clean = rawLine.hasSuffix("\r") ? String(rawLine.dropLast()) : rawLine

        if block != nil {
            blockRaw.append(clean)
            if clean == "." {
                let lines = block!
                block = nil
                return finish(.block(lines), format: .text, raw: blockRaw)
            }
            block!.append(clean.hasPrefix(".") ? String(clean.dropFirst()) : clean)
            return nil
        }

        guard let expected = pending.first else {
            if let event = Self.event(clean, format: format) { return .event(event) }
            return .unsolicited(clean)
        }
        if let event = Self.event(clean, format: format) { return .event(event) }

        if case .format = expected.kind {
            // Either form: the server renders the answer in the format it has just switched to.
            if clean.hasPrefix("{") { return finish(Self.jsonBody(clean), format: .json, raw: [clean]) }
            if clean.hasPrefix("+") || clean.hasPrefix("-") { return finish(Self.textLineBody(clean), format: .text, raw: [clean]) }
        }
        switch format {
        case .json:
            if clean.hasPrefix("{") { return finish(Self.jsonBody(clean), format: .json, raw: [clean]) }
            // Not JSON after all (the format changed in a way we missed): take what text mode would mean.
            if clean.hasPrefix("+") || clean.hasPrefix("-") { return finish(Self.textLineBody(clean), format: .text, raw: [clean]) }
            return finish(.malformed(clean), format: .json, raw: [clean])
        case .text:
            if clean.hasPrefix("+") || clean.hasPrefix("-") { return finish(Self.textLineBody(clean), format: .text, raw: [clean]) }
            if clean == "." { return finish(.block([]), format: .text, raw: [clean]) }
            block = [clean.hasPrefix(".") ? String(clean.dropFirst()) : clean]
            blockRaw = [clean]
            return nil
        }
    }

    private mutating func finish(_ body: Answer.Body, format answerFormat: SessionFormat, raw: [String]) -> FramedItem {
        let expected = pending.removeFirst()
        let answer = Answer(expectation: expected, format: answerFormat, body: body, raw: raw)
        if answer.ok {
            switch expected.kind {
            case .format: format = answerFormat
            case .tail: tailing = true
            case .untail: tailing = false
            default: break
            }
        }
        return .answer(answer)
    }

    static func event(_ line: String, format: SessionFormat) -> Event? {
        switch format {
        case .text:
            guard line.hasPrefix("> ") else { return nil }
            return Event(format: .text, raw: line, json: nil)
        case .json:
            guard line.hasPrefix("{\"event\""), let json = try? JSON(parsing: line), json["event"] != nil, json["ok"] == nil else { return nil }
            return Event(format: .json, raw: line, json: json)
        }
    }

    static func textLineBody(_ line: String) -> Answer.Body {
        if line.hasPrefix("+") { return .line(String(line.dropFirst())) }
        let rest = line.dropFirst()
        guard let space = rest.firstIndex(of: " ") else { return .error(code: String(rest), message: "") }
        return .error(code: String(rest[..<space]), message: String(rest[rest.index(after: space)...]))
    }

    static func jsonBody(_ line: String) -> Answer.Body {
        guard let json = try? JSON(parsing: line), case .object = json, let ok = json["ok"] else { return .malformed(line) }
        if ok == .bool(true) { return .data(json["data"] ?? .null) }
        let error = json["error"]
        return .error(code: error?["code"]?.stringValue ?? "ERROR", message: error?["message"]?.stringValue ?? error?.text ?? "")
    }
}

/// Splits a byte stream into lines at `\n` (the `\r` of `\r\n` stays, the framer drops it).
public struct LineBuffer: Sendable {
    private var bytes: [UInt8] = []
    private var start = 0

    public init() {}

    public mutating func append<S: Sequence>(_ data: S) where S.Element == UInt8 {
        if start >= bytes.count {
            bytes.removeAll(keepingCapacity: true)
            start = 0
        }
        bytes.append(contentsOf: data)
    }

    /// The next complete line, as raw bytes, without its `\n`.
    public mutating func nextLineBytes() -> ArraySlice<UInt8>? {
        guard let newline = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) else {
            compact()
            return nil
        }
        let line = bytes[start..<newline]
        start = newline + 1
        return line
    }

    /// The next complete line, decoded as UTF-8 (invalid bytes become U+FFFD).
    public mutating func nextLine() -> String? {
        nextLineBytes().map { String(decoding: $0, as: UTF8.self) }
    }

    /// What remains after the last `\n` (a last line without one), emptying the buffer.
    public mutating func takeRest() -> ArraySlice<UInt8>? {
        guard start < bytes.count else { return nil }
        let rest = bytes[start...]
        start = bytes.count
        return rest
    }

    /// The next byte, for a reader that wants characters rather than lines.
    public mutating func nextByte() -> UInt8? {
        guard start < bytes.count else { return nil }
        defer { start += 1 }
        return bytes[start]
    }

    public var isEmpty: Bool { start >= bytes.count }

    private mutating func compact() {
        if start > 0, start >= bytes.count / 2 {
            bytes.removeFirst(start)
            start = 0
        }
    }
}

/// Decodes UTF-8 one byte at a time (the line editor reads keys byte by byte); bad sequences give U+FFFD.
public struct UTF8ByteDecoder: Sendable {
    private var value: UInt32 = 0
    private var needed = 0
    private var minimum: UInt32 = 0

    public init() {}

    /// The characters completed by `byte`: none (a sequence goes on), one, or two (U+FFFD for a
    /// sequence that broke off, then what `byte` starts).
    public mutating func push(_ byte: UInt8) -> [Unicode.Scalar] {
        if needed > 0 {
            guard byte & 0xC0 == 0x80 else {
                needed = 0
                return ["\u{FFFD}"] + push(byte)
            }
            value = value << 6 | UInt32(byte & 0x3F)
            needed -= 1
            guard needed == 0 else { return [] }
            guard value >= minimum, let scalar = Unicode.Scalar(value) else { return ["\u{FFFD}"] }
            return [scalar]
        }
        switch byte {
        case 0x00...0x7F: return [Unicode.Scalar(byte)]
        case 0xC2...0xDF: (value, needed, minimum) = (UInt32(byte & 0x1F), 1, 0x80)
        case 0xE0...0xEF: (value, needed, minimum) = (UInt32(byte & 0x0F), 2, 0x800)
        case 0xF0...0xF4: (value, needed, minimum) = (UInt32(byte & 0x07), 3, 0x10000)
        default: return ["\u{FFFD}"]
        }
        return []
    }
}
