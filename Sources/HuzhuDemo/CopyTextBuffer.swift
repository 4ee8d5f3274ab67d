import PostgresNIO

/// Rows in PostgreSQL's `COPY … FROM STDIN (FORMAT text)` format, collected into chunks for the wire.
///
/// Fields are separated by tabs and rows end with a newline, so those characters (and the backslash that
/// escapes them) must be escaped inside values; `\N` is NULL.
struct CopyTextBuffer {
    /// Large enough that a 10 MB table takes a few hundred round trips of the writer, small enough to stay
    /// in cache.
    static let chunkSize = 64 * 1024

    /// Rows are collected in a String and turned into a ByteBuffer once per chunk: appending to a String is
    /// a call into the optimised standard library, while per-byte ByteBuffer writes are slow in debug builds,
    /// where tests load the county.
    private var text: String
    private var atRowStart = true

    init() {
        text = Self.freshText()
    }

    private static func freshText() -> String {
        var text = ""
        // Room for one more row past the threshold, so a chunk is filled without regrowing.
        text.reserveCapacity(chunkSize + 4096)
        return text
    }

    /// True once a chunk's worth of rows is waiting.
    var isFull: Bool { text.utf8.count >= Self.chunkSize }

    var isEmpty: Bool { text.isEmpty }

    /// The rows collected so far; the buffer starts afresh.
    mutating func take() -> ByteBuffer {
        precondition(atRowStart, "take() in the middle of a row")
        defer { text = Self.freshText() }
        return ByteBuffer(string: text)
    }

    private mutating func separate() {
        if !atRowStart { text.append("\t") }
        atRowStart = false
    }

    mutating func text(_ value: String) {
        separate()
        let needsEscaping = value.utf8.contains { byte in
            byte == UInt8(ascii: "\\") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\n")
                || byte == UInt8(ascii: "\r")
        }
        guard needsEscaping else {
            text.append(value)
            return
        }
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\\": text.append("\\\\")
            case "\t": text.append("\\t")
            case "\n": text.append("\\n")
            case "\r": text.append("\\r")
            default: text.unicodeScalars.append(scalar)
            }
        }
    }

    mutating func text(_ value: String?) {
        if let value { text(value) } else { null() }
    }

    mutating func integer(_ value: some BinaryInteger) {
        separate()
        text.append(String(value))
    }

    mutating func boolean(_ value: Bool) {
        separate()
        text.append(value ? "t" : "f")
    }

    mutating func null() {
        separate()
        text.append("\\N")
    }

    mutating func endRow() {
        text.append("\n")
        atRowStart = true
    }
}
