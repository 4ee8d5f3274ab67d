import HuzhuKit

/// The recursive-descent parser behind `TOML.parse`. It walks the text scalar by scalar and counts lines
/// so that every error can say where it happened.
struct TOMLParser {
    /// How a table came to exist; decides whether a later `[header]` or dotted key may add to it.
    private enum TableKind {
        /// Created as the parent of a header (`[a]` when `[a.b]` is written); a later `[a]` is fine.
        case implicit
        /// Defined by its own `[header]`; it may not be defined again.
        case header
        /// Created by a dotted key (`a.b = 1` creates `a`); no `[header]` may define it afterwards.
        case dotted
    }

    private let text: [Unicode.Scalar]
    private var pos = 0
    private var line = 1

    private var result: [String: TOMLValue] = [:]
    /// The line each key (as its path of parts) was defined on.
    private var keys: [[String]: Int] = [:]
    /// Every table, with how and on which line it came to exist.
    private var tables: [[String]: (kind: TableKind, line: Int)] = [:]
    /// The table the following keys belong to (the last header).
    private var current: [String] = []

    init(_ text: String) {
        var scalars = Array(text.unicodeScalars)
        if scalars.first == "\u{FEFF}" { scalars.removeFirst() }  // a byte order mark
        self.text = scalars
    }

    // MARK: - Document

    mutating func parseDocument() throws(HuzhuError) -> [String: TOMLValue] {
        while true {
            skipSpaces()
            guard let c = peek() else { break }
            if c == "#" {
                skipComment()
            } else if isNewline() {
                skipNewline()
            } else if c == "[" {
                try parseTableHeader()
                try expectEndOfLine(after: "the table header")
            } else {
                try parseKeyValue()
                try expectEndOfLine(after: "the value")
            }
        }
        return result
    }

    private mutating func parseTableHeader() throws(HuzhuError) {
        let headerLine = line
        advance()  // [
        if peek() == "[" {
            throw fail(headerLine, "arrays of tables ([[...]]) are not supported", "write a plain [table] header")
        }
        skipSpaces()
        let path = try parseKey()
        skipSpaces()
        guard peek() == "]" else {
            throw fail(headerLine, "the table header is not closed", "write it as [name] or [name.sub] on one line")
        }
        advance()
        let name = path.joined(separator: ".")

        for n in 1..<path.count {
            let parent = Array(path[..<n])
            if let valueLine = keys[parent] {
                throw fail(
                    headerLine,
                    "table [\(name)] is under '\(parent.joined(separator: "."))', which is already a value (line \(valueLine))",
                    "rename the key or the table")
            }
            if tables[parent] == nil { tables[parent] = (.implicit, headerLine) }
        }
        if let valueLine = keys[path] {
            throw fail(
                headerLine, "table [\(name)] is already defined as a value (line \(valueLine))",
                "use a name that is not already a key")
        }
        if let existing = tables[path], existing.kind != .implicit {
            let how = existing.kind == .header ? "by a header" : "by dotted keys"
            throw fail(
                headerLine, "table [\(name)] is redefined; it was already defined \(how) on line \(existing.line)",
                "write each [table] header once and put all its keys under it")
        }
        tables[path] = (.header, headerLine)
        current = path
    }

    private mutating func parseKeyValue() throws(HuzhuError) {
        let keyLine = line
        let key = try parseKey()
        skipSpaces()
        guard peek() == "=" else {
            throw fail(
                keyLine, "expected '=' after the key '\(key.joined(separator: "."))', found \(describePeek())",
                "write key = value")
        }
        advance()
        skipSpaces()
        let value = try parseValue()
        try define(current + key, value, line: keyLine)
    }

    /// Records a value, creating the tables its dotted key implies, and refuses any clash.
    private mutating func define(_ path: [String], _ value: TOMLValue, line keyLine: Int) throws(HuzhuError) {
        let name = path.joined(separator: ".")
        for n in (current.count + 1)..<path.count {
            let parent = Array(path[..<n])
            let parentName = parent.joined(separator: ".")
            if let valueLine = keys[parent] {
                throw fail(
                    keyLine, "duplicate key: '\(parentName)' is already a value (line \(valueLine)), so '\(name)' cannot be under it",
                    "define each key once")
            }
            if let table = tables[parent], table.kind == .header {
                throw fail(
                    keyLine, "table [\(parentName)] is redefined; it was already defined by a header on line \(table.line)",
                    "put '\(path[n...].joined(separator: "."))' under that [\(parentName)] header")
            }
            tables[parent] = (.dotted, tables[parent]?.line ?? keyLine)
        }
        if let earlier = keys[path] {
            throw fail(keyLine, "duplicate key '\(name)' (first defined on line \(earlier))", "define each key once")
        }
        if let table = tables[path] {
            throw fail(
                keyLine, "duplicate key '\(name)': it is already a table (line \(table.line))", "define each key once")
        }
        if result[name] != nil {  // a quoted key containing dots clashing with a dotted one
            throw fail(keyLine, "duplicate key '\(name)'", "define each key once")
        }
        keys[path] = keyLine
        result[name] = value
    }

    /// After a value or header: optional spaces, an optional comment, then a line break or the end.
    private mutating func expectEndOfLine(after what: String) throws(HuzhuError) {
        skipSpaces()
        if peek() == "#" { skipComment() }
        if peek() == nil { return }
        guard isNewline() else {
            throw fail(
                line, "unexpected \(describePeek()) after \(what)",
                "put each key = value or [table] on its own line; comments start with #")
        }
        skipNewline()
    }

    // MARK: - Keys

    /// A dotted key: simple keys joined by `.`, with optional spaces around the dots.
    private mutating func parseKey() throws(HuzhuError) -> [String] {
        var parts: [String] = []
        while true {
            skipSpaces()
            parts.append(try parseSimpleKey())
            skipSpaces()
            guard peek() == "." else { return parts }
            advance()
        }
    }

    private mutating func parseSimpleKey() throws(HuzhuError) -> String {
        switch peek() {
        case "\"": return try parseBasicString()
        case "'": return try parseLiteralString()
        default:
            var key = String.UnicodeScalarView()
            while let c = peek(), Self.isBareKeyScalar(c) {
                key.append(c)
                advance()
            }
            guard !key.isEmpty else {
                throw fail(
                    line, "expected a key, found \(describePeek())",
                    "keys are letters, digits, '_' and '-', or quoted like \"my key\"")
            }
            return String(key)
        }
    }

    private static func isBareKeyScalar(_ c: Unicode.Scalar) -> Bool {
        switch c {
        case "A"..."Z", "a"..."z", "0"..."9", "_", "-": true
        default: false
        }
    }

    // MARK: - Values

    private mutating func parseValue() throws(HuzhuError) -> TOMLValue {
        switch peek() {
        case "\"":
            return .string(try startsWith("\"\"\"") ? parseMultilineString(quote: "\"") : parseBasicString())
        case "'":
            return .string(try startsWith("'''") ? parseMultilineString(quote: "'") : parseLiteralString())
        case "[":
            return try parseArray()
        case "{":
            throw fail(
                line, "inline tables ({ ... }) are not supported", "write the keys under a [table] header instead")
        default:
            let valueLine = line
            var token = ""
            while let c = peek(), !Self.endsBareValue(c) {
                token.unicodeScalars.append(c)
                advance()
            }
            guard !token.isEmpty else {
                throw fail(
                    valueLine, "a value is missing, found \(describePeek())",
                    "write a string in quotes (\"text\"), a number (42, 3.5), true or false, or an array ([1, 2])")
            }
            if token == "true" { return .boolean(true) }
            if token == "false" { return .boolean(false) }
            if let number = Self.number(token) { return number }
            throw fail(
                valueLine, "'\(token)' is not a valid value",
                "write a string in quotes (\"text\"), a number (42, 3.5), true or false, or an array ([1, 2])")
        }
    }

    /// Scalars that end an unquoted value (number or boolean).
    private static func endsBareValue(_ c: Unicode.Scalar) -> Bool {
        c == " " || c == "\t" || c == "\n" || c == "\r" || c == "," || c == "]" || c == "#"
    }

    private mutating func parseArray() throws(HuzhuError) -> TOMLValue {
        let startLine = line
        advance()  // [
        var items: [TOMLValue] = []
        while true {
            skipSpacesNewlinesAndComments()
            guard let c = peek() else {
                throw fail(startLine, "the array is not closed", "end it with ']'")
            }
            if c == "]" {
                advance()
                return .array(items)
            }
            items.append(try parseValue())
            skipSpacesNewlinesAndComments()
            switch peek() {
            case ",": advance()
            case "]":
                advance()
                return .array(items)
            case nil:
                throw fail(startLine, "the array is not closed", "end it with ']'")
            default:
                throw fail(line, "expected ',' or ']' in the array, found \(describePeek())", "separate items with commas: [1, 2, 3]")
            }
        }
    }

    // MARK: - Numbers

    /// An integer or float in TOML form, or nil.
    private static func number(_ token: String) -> TOMLValue? {
        switch token {
        case "inf", "+inf": return .float(.infinity)
        case "-inf": return .float(-.infinity)
        case "nan", "+nan", "-nan": return .float(.nan)
        default: break
        }
        for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] where token.hasPrefix(prefix) {
            let digits = token.dropFirst(2)
            guard isDigitRun(digits, radix: radix), let value = Int(digits.filter { $0 != "_" }, radix: radix) else {
                return nil
            }
            return .integer(value)
        }

        var body = Substring(token)
        if body.first == "+" || body.first == "-" { body = body.dropFirst() }
        let exponentStart = body.firstIndex(where: { $0 == "e" || $0 == "E" })
        let mantissa = body[..<(exponentStart ?? body.endIndex)]
        let dot = mantissa.firstIndex(of: ".")
        let whole = mantissa[..<(dot ?? mantissa.endIndex)]

        guard isDigitRun(whole, radix: 10), whole.count == 1 || whole.first != "0" else { return nil }
        if let dot, !isDigitRun(mantissa[mantissa.index(after: dot)...], radix: 10) { return nil }
        if let exponentStart {
            var exponent = body[body.index(after: exponentStart)...]
            if exponent.first == "+" || exponent.first == "-" { exponent = exponent.dropFirst() }
            guard isDigitRun(exponent, radix: 10) else { return nil }
        }

        let cleaned = token.filter { $0 != "_" }
        if dot == nil, exponentStart == nil {
            guard let value = Int(cleaned) else { return nil }  // out of range
            return .integer(value)
        }
        guard let value = Double(cleaned) else { return nil }
        return .float(value)
    }

    /// Digits of a radix, with single underscores allowed only between digits.
    private static func isDigitRun(_ s: Substring, radix: Int) -> Bool {
        guard let first = s.first, let last = s.last, first != "_", last != "_", !s.contains("__") else {
            return false
        }
        return s.allSatisfy { $0 == "_" || ($0.isASCII && $0.hexDigitValue.map { $0 < radix } == true) }
    }

    // MARK: - Strings

    /// `"..."` on one line, with escapes.
    private mutating func parseBasicString() throws(HuzhuError) -> String {
        let startLine = line
        advance()  // "
        var value = String.UnicodeScalarView()
        while true {
            guard let c = peek(), !isNewline() else { throw unterminated(startLine, quote: "\"") }
            switch c {
            case "\"":
                advance()
                return String(value)
            case "\\":
                value.append(try parseEscape())
            default:
                try checkNotControl(c)
                value.append(c)
                advance()
            }
        }
    }

    /// `'...'` on one line, taken as written.
    private mutating func parseLiteralString() throws(HuzhuError) -> String {
        let startLine = line
        advance()  // '
        var value = String.UnicodeScalarView()
        while true {
            guard let c = peek(), !isNewline() else { throw unterminated(startLine, quote: "'") }
            advance()
            if c == "'" { return String(value) }
            try checkNotControl(c)
            value.append(c)
        }
    }

    /// `"""..."""` (with escapes) or `'''...'''` (as written), spanning lines. A line break right after the
    /// opening quotes is dropped; in the basic form a `\` at the end of a line joins it to the next.
    private mutating func parseMultilineString(quote: Unicode.Scalar) throws(HuzhuError) -> String {
        let startLine = line
        advance(3)
        if isNewline() { skipNewline() }
        var value = String.UnicodeScalarView()
        while true {
            guard let c = peek() else { throw unterminated(startLine, quote: quote, multiline: true) }
            if c == quote {
                var run = 0
                while peek(run) == quote { run += 1 }
                advance(run)
                if run < 3 {
                    value.append(contentsOf: repeatElement(quote, count: run))
                    continue
                }
                guard run <= 5 else {
                    throw fail(
                        line, "too many quotes at the end of a multi-line string",
                        "a multi-line string may end with at most two quotes before its closing three")
                }
                value.append(contentsOf: repeatElement(quote, count: run - 3))
                return String(value)
            }
            if isNewline() {
                skipNewline()
                value.append("\n")
            } else if c == "\\", quote == "\"" {
                if backslashEndsLine() {
                    advance()
                    skipSpacesNewlinesAndComments(comments: false)
                } else {
                    value.append(try parseEscape())
                }
            } else {
                try checkNotControl(c)
                value.append(c)
                advance()
            }
        }
    }

    /// True when the `\` at the cursor is followed only by spaces up to the end of the line.
    private func backslashEndsLine() -> Bool {
        var k = 1
        while peek(k) == " " || peek(k) == "\t" { k += 1 }
        return peek(k) == "\n" || (peek(k) == "\r" && peek(k + 1) == "\n")
    }

    /// An escape sequence at the cursor (which is on the `\`).
    private mutating func parseEscape() throws(HuzhuError) -> Unicode.Scalar {
        let escapeLine = line
        advance()  // \
        let c = peek()
        advance()
        switch c {
        case "\"": return "\""
        case "\\": return "\\"
        case "n": return "\n"
        case "t": return "\t"
        case "r": return "\r"
        case "b": return "\u{08}"
        case "f": return "\u{0C}"
        case "e": return "\u{1B}"
        case "u", "U":
            let count = c == "u" ? 4 : 8
            var hex = ""
            for _ in 0..<count {
                guard let h = peek(), h.properties.isASCIIHexDigit else { break }
                hex.unicodeScalars.append(h)
                advance()
            }
            guard hex.count == count, let code = UInt32(hex, radix: 16), let scalar = Unicode.Scalar(code) else {
                throw fail(
                    escapeLine, "'\\\(c!)\(hex)' is not a valid Unicode escape",
                    "write \\u and 4 hex digits or \\U and 8, naming a Unicode scalar (e.g. \\u4E92)")
            }
            return scalar
        case nil, "\n", "\r":
            throw fail(
                escapeLine, "a string has a lone backslash at the end of the line",
                "write \\\\ for a backslash and close the string on the same line")
        default:
            let shown = c.map { isPrintable($0) ? String($0) : "U+\(String($0.value, radix: 16, uppercase: true))" } ?? ""
            throw fail(
                escapeLine, "'\\\(shown)' is not a valid escape in a string",
                "use \\\" \\\\ \\n \\t \\r \\uXXXX or \\UXXXXXXXX, or a literal 'string' for backslashes")
        }
    }

    private func checkNotControl(_ c: Unicode.Scalar) throws(HuzhuError) {
        if c != "\t", c.value < 0x20 || c.value == 0x7F {
            throw fail(
                line, "a string contains the control character U+\(String(c.value, radix: 16, uppercase: true))",
                "write it as an escape such as \\t or \\u0007")
        }
    }

    private func unterminated(_ startLine: Int, quote: Unicode.Scalar, multiline: Bool = false) -> HuzhuError {
        if multiline {
            let q = String(repeating: String(quote), count: 3)
            return fail(startLine, "the multi-line string starting here is not closed", "end it with \(q)")
        }
        return fail(
            startLine, "the string starting here is not closed before the end of the line",
            "end it with \(quote) on the same line, or use \(String(repeating: String(quote), count: 3)) for text spanning lines")
    }

    // MARK: - Cursor

    private func peek(_ offset: Int = 0) -> Unicode.Scalar? {
        pos + offset < text.count ? text[pos + offset] : nil
    }

    private func startsWith(_ s: String) -> Bool {
        s.unicodeScalars.enumerated().allSatisfy { peek($0.offset) == $0.element }
    }

    private mutating func advance(_ n: Int = 1) {
        for _ in 0..<n where pos < text.count {
            if text[pos] == "\n" { line += 1 }
            pos += 1
        }
    }

    private func isNewline() -> Bool {
        peek() == "\n" || (peek() == "\r" && peek(1) == "\n")
    }

    private mutating func skipNewline() {
        if peek() == "\r" { advance() }
        advance()
    }

    private mutating func skipSpaces() {
        while peek() == " " || peek() == "\t" { advance() }
    }

    /// Skips to the end of the line (not past it).
    private mutating func skipComment() {
        while peek() != nil, !isNewline() { advance() }
    }

    private mutating func skipSpacesNewlinesAndComments(comments: Bool = true) {
        while true {
            skipSpaces()
            if isNewline() {
                skipNewline()
            } else if comments, peek() == "#" {
                skipComment()
            } else {
                return
            }
        }
    }

    // MARK: - Errors

    private func describePeek() -> String {
        guard let c = peek() else { return "the end of the file" }
        if isNewline() { return "the end of the line" }
        return isPrintable(c) ? "'\(c)'" : "U+\(String(c.value, radix: 16, uppercase: true))"
    }

    private func isPrintable(_ c: Unicode.Scalar) -> Bool {
        c.value >= 0x20 && c.value != 0x7F
    }

    private func fail(_ line: Int, _ what: String, _ rightForm: String) -> HuzhuError {
        HuzhuError(.invalid, "config line \(line): \(what); \(rightForm)")
    }
}
