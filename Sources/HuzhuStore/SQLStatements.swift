/// Splits a migration file into single statements.
///
/// PostgresNIO speaks the extended query protocol, which refuses several commands in one query, so a
/// file is run statement by statement. The splitter knows enough SQL lexing to leave semicolons inside
/// string literals, quoted identifiers, dollar-quoted bodies and comments alone.
public enum SQLStatements {
    /// The statements of `sql`, trimmed, without their terminating semicolons; empty ones dropped.
    public static func split(_ sql: String) -> [String] {
        let chars = Array(sql.unicodeScalars)
        var statements: [String] = []
        var current = String.UnicodeScalarView()
        var hasCode = false  // true once the statement holds more than whitespace and comments
        var i = 0

        func flush() {
            let text = String(current).trimmingWhitespace()
            if hasCode, !text.isEmpty { statements.append(text) }
            current = String.UnicodeScalarView()
            hasCode = false
        }
        func copy(until end: Int) {
            current.append(contentsOf: chars[i..<min(end, chars.count)])
            i = min(end, chars.count)
        }

        while i < chars.count {
            let c = chars[i]
            let next: Unicode.Scalar? = i + 1 < chars.count ? chars[i + 1] : nil
            switch c {
            case ";":
                flush()
                i += 1
            case "-" where next == "-":
                var end = i
                while end < chars.count, chars[end] != "\n" { end += 1 }
                copy(until: end)
            case "/" where next == "*":
                var depth = 0
                var end = i
                while end < chars.count {
                    if chars[end] == "/", end + 1 < chars.count, chars[end + 1] == "*" {
                        depth += 1
                        end += 2
                    } else if chars[end] == "*", end + 1 < chars.count, chars[end + 1] == "/" {
                        depth -= 1
                        end += 2
                        if depth == 0 { break }
                    } else {
                        end += 1
                    }
                }
                copy(until: end)
            case "'", "\"":
                hasCode = true
                // E'...' only when the E stands alone, not at the end of a word such as ESCAPE'\'.
                let backslashEscapes = c == "'" && i > 0 && (chars[i - 1] == "E" || chars[i - 1] == "e")
                    && (i < 2 || !continuesIdentifier(chars[i - 2]))
                var end = i + 1
                while end < chars.count {
                    if backslashEscapes, chars[end] == "\\" {
                        end += 2
                        continue
                    }
                    if chars[end] == c {
                        if end + 1 < chars.count, chars[end + 1] == c {
                            end += 2  // doubled quote inside the literal
                            continue
                        }
                        end += 1
                        break
                    }
                    end += 1
                }
                copy(until: end)
            case "$":
                hasCode = true
                // A $ inside an identifier (a$b$c) does not open a dollar quote.
                if i == 0 || !continuesIdentifier(chars[i - 1]), let tagEnd = dollarTagEnd(chars, from: i) {
                    let tag = Array(chars[i...tagEnd])
                    var end = tagEnd + 1
                    while end < chars.count {
                        if chars[end] == "$", end + tag.count <= chars.count, Array(chars[end..<(end + tag.count)]) == tag {
                            end += tag.count
                            break
                        }
                        end += 1
                    }
                    copy(until: end)
                } else {
                    copy(until: i + 1)
                }
            default:
                if !c.properties.isWhitespace { hasCode = true }
                copy(until: i + 1)
            }
        }
        flush()
        return statements
    }

    /// True for scalars that may continue an unquoted identifier: letters, digits, `_` and `$`.
    private static func continuesIdentifier(_ c: Unicode.Scalar) -> Bool {
        c == "_" || c == "$" || c.properties.isAlphabetic || ("0"..."9").contains(c)
    }

    /// The index of the closing `$` of a dollar-quote tag starting at `start` (`$$` or `$tag$`), if any.
    private static func dollarTagEnd(_ chars: [Unicode.Scalar], from start: Int) -> Int? {
        var j = start + 1
        while j < chars.count {
            let c = chars[j]
            if c == "$" { return j }
            guard c == "_" || c.properties.isAlphabetic || (j > start + 1 && ("0"..."9").contains(c)) else {
                return nil
            }
            j += 1
        }
        return nil
    }
}

extension String {
    func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
        return String(scalars[first...last])
    }
}
