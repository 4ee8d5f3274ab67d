/// A console command, registered by the hub or by a plugin (`MEMBER FIND`, `LABOUR MATCH`).
public struct ConsoleCommand: Sendable {
    /// Upper-case words, `NOUN VERB` (`MEMBER FIND`) or one word (`PING`).
    public let name: String
    /// The argument grammar shown in help and in SYNTAX errors: `MEMBER FIND <text> [village=<id>]`.
    public let usage: String
    /// One line of help in both languages.
    public let summary: LocalizedText
    /// Who may run it.
    public let access: ConsoleAccess
    /// Runs the command. Throw `HuzhuError` for anything the caller did wrong.
    public let run: @Sendable (ConsoleRequest) async throws -> ConsoleReply

    public init(
        _ name: String, usage: String, summary: LocalizedText, access: ConsoleAccess,
        run: @escaping @Sendable (ConsoleRequest) async throws -> ConsoleReply
    ) {
        self.name = name.uppercased()
        self.usage = usage
        self.summary = summary
        self.access = access
        self.run = run
    }
}

/// Who may run a command. `admin` may run everything that needs a login.
public enum ConsoleAccess: Sendable, Equatable {
    /// Before login too (`PING`, `HELP`, `AUTH`, `QUIT`).
    case anyone
    /// Any logged-in account, `readonly` included.
    case authenticated
    /// Accounts holding one of these roles (or `admin`).
    case roles(Set<Role>)

    /// Whether a caller (nil before login) may run the command.
    public func allows(_ caller: ConsoleCaller?) -> Bool {
        switch self {
        case .anyone: return true
        case .authenticated: return caller != nil
        case .roles(let roles):
            guard let caller else { return false }
            return caller.roles.contains(.admin) || !caller.roles.isDisjoint(with: roles)
        }
    }
}

/// The logged-in account behind a console session.
public struct ConsoleCaller: Sendable, Equatable {
    public let username: String
    public let roles: Set<Role>
    /// The villages a scoped account may touch; empty means all villages.
    public let villages: [Int]

    public init(username: String, roles: Set<Role>, villages: [Int]) {
        self.username = username
        self.roles = roles
        self.villages = villages
    }

    /// True when the account is limited to some villages.
    public var isScoped: Bool { !villages.isEmpty && !roles.contains(.admin) }
}

/// One command line as a command sees it.
public struct ConsoleRequest: Sendable {
    /// The command's name (upper case).
    public let command: String
    /// The arguments after the name.
    public let arguments: ConsoleArguments
    /// The session's account, nil before login.
    public let caller: ConsoleCaller?
    /// The session's language for messages.
    public let language: Language

    public init(command: String, arguments: ConsoleArguments, caller: ConsoleCaller?, language: Language) {
        self.command = command
        self.arguments = arguments
        self.caller = caller
        self.language = language
    }

    /// The villages the caller may touch; empty means all. Pass it to every store query.
    public var scope: [Int] {
        guard let caller, caller.isScoped else { return [] }
        return caller.villages
    }

    /// The actor for writes: the logged-in account, acting for the member named by `on_behalf=<id>` if given.
    public func actor() throws(HuzhuError) -> Actor {
        let name = caller.map { "staff:\($0.username)" } ?? "anonymous"
        guard let text = arguments["on_behalf"] else { return Actor(name) }
        guard let member = Int64(text), member > 0 else {
            throw HuzhuError(.syntax, "on_behalf takes a member id, e.g. on_behalf=42", zh: "on_behalf 应为成员编号，如 on_behalf=42")
        }
        return Actor(name, onBehalfOf: member)
    }

    /// The text in the session's language.
    public func text(_ text: LocalizedText) -> String { text.text(in: language) }
}

/// Positional and `key=value` arguments.
public struct ConsoleArguments: Sendable, Equatable {
    public var positional: [String]
    public var named: [(String, String)]

    public init(positional: [String] = [], named: [(String, String)] = []) {
        self.positional = positional
        self.named = named
    }

    /// The value of a named argument (keys are case-insensitive).
    public subscript(key: String) -> String? {
        named.last { $0.0.lowercased() == key.lowercased() }?.1
    }

    /// The positional argument at `index`, or a SYNTAX error quoting the command's usage.
    public func required(_ index: Int, usage: String) throws(HuzhuError) -> String {
        guard index < positional.count else {
            throw HuzhuError(.syntax, "missing argument: usage: \(usage)", zh: "缺少参数。用法：\(usage)")
        }
        return positional[index]
    }

    /// Refuses named arguments not in `allowed` (typos should not be ignored silently).
    public func only(_ allowed: Set<String>, usage: String) throws(HuzhuError) {
        if let unknown = named.first(where: { !allowed.contains($0.0.lowercased()) }) {
            throw HuzhuError(.syntax, "unknown argument \(unknown.0)=: usage: \(usage)", zh: "不认识的参数 \(unknown.0)=。用法：\(usage)")
        }
    }

    public static func == (lhs: ConsoleArguments, rhs: ConsoleArguments) -> Bool {
        lhs.positional == rhs.positional && lhs.named.map { "\($0)=\($1)" } == rhs.named.map { "\($0)=\($1)" }
    }
}

/// A command's answer: the data (JSON mode) and the same content for people (text mode).
public struct ConsoleReply: Sendable, Equatable {
    public var data: JSONValue
    /// Lines for text mode; one line reads as `+line`, several as a block ended by `.`.
    public var text: [String]

    public init(data: JSONValue, text: [String]) {
        self.data = data
        self.text = text
    }

    /// A reply whose text is one line.
    public init(data: JSONValue, line: String) {
        self.init(data: data, text: [line])
    }
}
