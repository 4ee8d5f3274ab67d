import HuzhuKit

/// One console line split into words and `key=value` arguments.
///
/// Words are separated by spaces or tabs. A double-quoted word may hold spaces and the escapes
/// `\" \\ \n \t \uXXXX`. `key=value` (key: letters, digits, `_`, `-`, `.`) is a named argument and its
/// value may be quoted. A quoted word is always positional, even if it contains `=`.
public struct ParsedLine: Sendable, Equatable {
    /// Unquoted leading words, used to find the command (`MEMBER`, `FIND`, …), with the rest.
    public var words: [Word]
    public var named: [(String, String)]

    public struct Word: Sendable, Equatable {
        public var text: String
        public var quoted: Bool
    }

    public static func == (lhs: ParsedLine, rhs: ParsedLine) -> Bool {
        lhs.words == rhs.words && lhs.named.map { "\($0)=\($1)" } == rhs.named.map { "\($0)=\($1)" }
    }
}

/// Parses console lines. Pure and allocation-light: it runs for every command.
public enum CommandLineParser {
    public static func parse(_ line: String) throws(HuzhuError) -> ParsedLine {
        var words: [ParsedLine.Word] = []
        var named: [(String, String)] = []
        var scalars = line.unicodeScalars[...]

        while true {
            while let first = scalars.first, first == " " || first == "\t" { scalars.removeFirst() }
            guard let first = scalars.first else { break }
            if first == "\"" {
                scalars.removeFirst()
                let text = try quoted(&scalars)
                try expectSeparator(scalars)
                words.append(.init(text: text, quoted: true))
                continue
            }
            var token = String.UnicodeScalarView()
            var key: String?
            while let c = scalars.first, c != " ", c != "\t" {
                if c == "=", key == nil, !token.isEmpty, token.allSatisfy(isKeyScalar) {
                    key = String(token)
                    scalars.removeFirst()
                    token = String.UnicodeScalarView()
                    if scalars.first == "\"" {
                        scalars.removeFirst()
                        token.append(contentsOf: try quoted(&scalars).unicodeScalars)
                        try expectSeparator(scalars)
                        break
                    }
                    continue
                }
                if c == "\"" {
                    throw HuzhuError(
                        .syntax, "a quote may only start a word or a value (key=\"…\"); to put a quote inside a word, quote the word and write \\\"",
                        zh: "引号只能出现在词或值的开头；词中的引号请整词加引号并写作 \\\"")
                }
                token.append(c)
                scalars.removeFirst()
            }
            if let key {
                named.append((key.lowercased(), String(token)))
            } else {
                words.append(.init(text: String(token), quoted: false))
            }
        }
        return ParsedLine(words: words, named: named)
    }

    private static func isKeyScalar(_ c: Unicode.Scalar) -> Bool {
        (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || (c >= "0" && c <= "9") || c == "_" || c == "-" || c == "."
    }

    private static func expectSeparator(_ rest: Substring.UnicodeScalarView) throws(HuzhuError) {
        if let next = rest.first, next != " ", next != "\t" {
            throw HuzhuError(
                .syntax, "a closing quote must be followed by a space or the end of the line",
                zh: "右引号后面应是空格或行尾")
        }
    }

    /// Reads a quoted string after its opening quote, consuming the closing quote.
    private static func quoted(_ scalars: inout Substring.UnicodeScalarView) throws(HuzhuError) -> String {
        var out = String.UnicodeScalarView()
        while let c = scalars.popFirst() {
            switch c {
            case "\"":
                return String(out)
            case "\\":
                guard let escaped = scalars.popFirst() else { break }
                switch escaped {
                case "\"": out.append("\"")
                case "\\": out.append("\\")
                case "n": out.append("\n")
                case "t": out.append("\t")
                case "u":
                    let hex = String(String.UnicodeScalarView(scalars.prefix(4)))
                    guard hex.count == 4, let value = UInt32(hex, radix: 16), let scalar = Unicode.Scalar(value) else {
                        throw HuzhuError(
                            .syntax, "\\u must be followed by 4 hex digits of a valid character, e.g. \\u5F20",
                            zh: "\\u 后应为 4 位十六进制字符编码，如 \\u5F20")
                    }
                    scalars.removeFirst(4)
                    out.append(scalar)
                default:
                    throw HuzhuError(
                        .syntax, "unknown escape \\\(Character(escaped)) in a quoted word: use \\\" \\\\ \\n \\t or \\uXXXX",
                        zh: "引号内不认识的转义 \\\(Character(escaped))：可用 \\\" \\\\ \\n \\t \\uXXXX")
                }
            default:
                out.append(c)
            }
        }
        throw HuzhuError(.syntax, "a quoted word is not closed: add the closing \"", zh: "引号没有闭合：请补上右引号 \"")
    }
}
