/// What the client needs to know about a line it sends: whether the server will answer it at all, and
/// whether the answer changes the session (format, tail, end of session).
public struct CommandInfo: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// `AUTH …`
        case auth
        /// `FORMAT …`; the requested format when it names one. Its answer may come in either format.
        case format(SessionFormat?)
        /// `QUIT`: answered `BYE`, then the server closes.
        case quit
        /// `BUS TAIL …`: event lines follow (between answers) once it succeeds.
        case tail
        /// `BUS UNTAIL`
        case untail
        /// Anything else.
        case other
    }

    public var kind: Kind
    /// Only spaces and tabs: the server ignores the line and sends no answer.
    public var isBlank: Bool
    /// The server closes the connection without an answer on lines like these (cross-protocol defence).
    public var looksLikeHTTP: Bool

    public init(kind: Kind, isBlank: Bool = false, looksLikeHTTP: Bool = false) {
        self.kind = kind
        self.isBlank = isBlank
        self.looksLikeHTTP = looksLikeHTTP
    }

    /// Classifies a line (without its line ending) the way the server will see it.
    public static func classify(_ line: String) -> CommandInfo {
        let words = leadingWords(line, count: 2)
        if words.isEmpty, line.unicodeScalars.allSatisfy({ $0 == " " || $0 == "\t" }) {
            return CommandInfo(kind: .other, isBlank: true)
        }
        let http = looksLikeHTTP(line)
        guard let first = words.first else { return CommandInfo(kind: .other, looksLikeHTTP: http) }
        // The server upper-cases with Swift's Unicode rules, so "quıt" is QUIT there too.
        let keyword = first.uppercased()
        let second = words.count > 1 ? words[1] : nil
        let kind: Kind
        switch keyword {
        case "AUTH": kind = .auth
        case "QUIT": kind = .quit
        case "FORMAT": kind = .format(second.flatMap { SessionFormat(rawValue: $0.lowercased()) })
        case "BUS" where second?.uppercased() == "TAIL": kind = .tail
        case "BUS" where second?.uppercased() == "UNTAIL": kind = .untail
        default: kind = .other
        }
        return CommandInfo(kind: kind, looksLikeHTTP: http)
    }

    /// Up to `count` leading plain words, as the server finds the command: a quoted word or a
    /// `key=value` ends them.
    static func leadingWords(_ line: String, count: Int) -> [String] {
        var words: [String] = []
        var scalars = line.unicodeScalars[...]
        while words.count < count {
            while let first = scalars.first, first == " " || first == "\t" { scalars.removeFirst() }
            guard let first = scalars.first, first != "\"" else { break }
            var token = String.UnicodeScalarView()
            while let c = scalars.first, c != " ", c != "\t" {
                token.append(c)
                scalars.removeFirst()
            }
            if let equals = token.firstIndex(of: "="), equals != token.startIndex,
               token[..<equals].allSatisfy(isKeyScalar) {
                break  // a named argument
            }
            words.append(String(token))
        }
        return words
    }

    private static func isKeyScalar(_ c: Unicode.Scalar) -> Bool {
        (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || (c >= "0" && c <= "9") || c == "_" || c == "-" || c == "."
    }

    /// The server's test, copied: such a line closes the connection at once.
    public static func looksLikeHTTP(_ line: String) -> Bool {
        for prefix in ["GET ", "POST ", "PUT ", "HEAD ", "DELETE ", "OPTIONS ", "CONNECT ", "PATCH "] where line.hasPrefix(prefix) {
            return true
        }
        return line.lowercased().hasPrefix("host:")
    }

    /// A word quoted for the console (`"…"` with `\"`, `\\`, `\n`, `\t`, `\uXXXX`), so any password survives.
    public static func quote(_ word: String) -> String {
        var out = "\""
        for scalar in word.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    let hex = String(scalar.value, radix: 16, uppercase: true)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    /// `AUTH "user" "password"`.
    public static func authLine(user: String, password: String) -> String {
        "AUTH \(quote(user)) \(quote(password))"
    }

    /// Lines kept out of the history file: logins, and anything that mentions a password.
    public static func isSensitive(_ line: String) -> Bool {
        if leadingWords(line, count: 1).first?.uppercased() == "AUTH" { return true }
        let lower = line.lowercased()
        return lower.contains("password") || lower.contains("passwd") || line.contains("密码")
    }
}
