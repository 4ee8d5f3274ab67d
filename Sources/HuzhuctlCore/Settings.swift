/// Where huzhuctl connects.
public enum Endpoint: Sendable, Equatable, CustomStringConvertible {
    case tcp(host: String, port: Int)
    case unix(path: String)

    public var description: String {
        switch self {
        case .tcp(let host, let port): host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        case .unix(let path): path
        }
    }
}

/// Connection settings from one source (flags, environment, or config file); nil where it says nothing.
public struct SettingsLayer: Sendable, Equatable {
    public var host: String?
    public var port: String?
    public var socket: String?
    public var user: String?
    public var password: String?

    public init(host: String? = nil, port: String? = nil, socket: String? = nil, user: String? = nil, password: String? = nil) {
        self.host = host
        self.port = port
        self.socket = socket
        self.user = user
        self.password = password
    }

    /// `HUZHU_HOST`, `HUZHU_PORT`, `HUZHU_SOCKET`, `HUZHU_USER`, `HUZHU_PASSWORD` (empty counts as unset).
    public init(environment: [String: String]) {
        func value(_ name: String) -> String? {
            guard let text = environment[name], !text.isEmpty else { return nil }
            return text
        }
        self.init(host: value("HUZHU_HOST"), port: value("HUZHU_PORT"), socket: value("HUZHU_SOCKET"),
                  user: value("HUZHU_USER"), password: value("HUZHU_PASSWORD"))
    }

    var mentionsEndpoint: Bool { host != nil || port != nil || socket != nil }
}

public struct SettingsError: Error, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// The settings huzhuctl runs with.
public struct Settings: Sendable, Equatable {
    public static let defaultHost = "127.0.0.1"
    public static let defaultPort = 7700

    public var endpoint: Endpoint
    public var user: String?
    public var password: String?

    public init(endpoint: Endpoint, user: String?, password: String?) {
        self.endpoint = endpoint
        self.user = user
        self.password = password
    }

    /// Flags win over the environment, which wins over the config file. The first of those that names
    /// a socket, host or port decides between a Unix socket and TCP (a `--port` flag is not overruled by
    /// a `socket` in the config file); host and port are then each taken from the first that has them.
    public static func resolve(flags: SettingsLayer, environment: SettingsLayer, config: SettingsLayer) throws(SettingsError) -> Settings {
        let layers = [flags, environment, config]
        let endpoint: Endpoint
        if let deciding = layers.first(where: \.mentionsEndpoint), let socket = deciding.socket {
            endpoint = .unix(path: socket)
        } else {
            let host = layers.lazy.compactMap(\.host).first ?? defaultHost
            let portText = layers.lazy.compactMap(\.port).first
            let port = try portText.map { (text) throws(SettingsError) -> Int in
                guard let number = Int(text), (1...65535).contains(number) else {
                    throw SettingsError("port must be a number from 1 to 65535, not \"\(text)\"")
                }
                return number
            } ?? defaultPort
            endpoint = .tcp(host: host, port: port)
        }
        let user = layers.lazy.compactMap(\.user).first
        // A password from any source applies (user by flag, password in HUZHU_PASSWORD), except one
        // given in a source that names another user (the config file's password is for its own user).
        let password = layers.first { $0.password != nil && ($0.user == nil || $0.user == user) }?.password
        return Settings(endpoint: endpoint, user: user, password: password)
    }
}

/// The config file: `key = "value"` lines (`host`, `port`, `socket`, `user`, `password`), `#` comments,
/// blank lines. Values may be double-quoted (with `\"`, `\\`, `\n`, `\t`, `\uXXXX`), single-quoted (as
/// is) or bare (`port = 7700`). A `[section]` line is allowed and ignored.
public enum ConfigFile {
    public static let keys = ["host", "port", "socket", "user", "password"]

    public static func parse(_ text: String) throws(SettingsError) -> SettingsLayer {
        var layer = SettingsLayer()
        for (index, rawLine) in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }).enumerated() {
            let number = index + 1
            let line = rawLine.trimmingSpaces()
            if line.isEmpty || line.hasPrefix("#") || (line.hasPrefix("[") && line.hasSuffix("]")) { continue }
            guard let equals = line.firstIndex(of: "=") else {
                throw SettingsError("line \(number): expected key = \"value\"")
            }
            let key = line[..<equals].trimmingSpaces()
            guard keys.contains(key) else {
                throw SettingsError("line \(number): unknown key \"\(key)\" (known: \(keys.joined(separator: ", ")))")
            }
            let value = try parseValue(line[line.index(after: equals)...].trimmingSpaces(), line: number)
            switch key {
            case "host": layer.host = value
            case "port": layer.port = value
            case "socket": layer.socket = value
            case "user": layer.user = value
            default: layer.password = value
            }
        }
        return layer
    }

    static func parseValue(_ text: String, line: Int) throws(SettingsError) -> String {
        var scalars = text.unicodeScalars[...]
        guard let first = scalars.first else { throw SettingsError("line \(line): the value is missing") }
        var value = String.UnicodeScalarView()
        if first == "\"" || first == "'" {
            scalars.removeFirst()
            var closed = false
            while let c = scalars.popFirst() {
                if c == first { closed = true; break }
                if c == "\\", first == "\"" {
                    guard let escaped = scalars.popFirst() else { break }
                    switch escaped {
                    case "\"": value.append("\"")
                    case "\\": value.append("\\")
                    case "n": value.append("\n")
                    case "t": value.append("\t")
                    case "u":
                        let hex = String(String.UnicodeScalarView(scalars.prefix(4)))
                        guard hex.count == 4, let code = UInt32(hex, radix: 16), let scalar = Unicode.Scalar(code) else {
                            throw SettingsError("line \(line): \\u needs 4 hex digits")
                        }
                        scalars.removeFirst(4)
                        value.append(scalar)
                    default:
                        throw SettingsError("line \(line): unknown escape \\\(escaped)")
                    }
                    continue
                }
                value.append(c)
            }
            guard closed else { throw SettingsError("line \(line): the quote is not closed") }
            let rest = String(String.UnicodeScalarView(scalars)).trimmingSpaces()
            guard rest.isEmpty || rest.hasPrefix("#") else { throw SettingsError("line \(line): unexpected text after the value") }
            return String(value)
        }
        // Bare: up to a comment.
        let bare = String(String.UnicodeScalarView(scalars.prefix { $0 != "#" })).trimmingSpaces()
        guard !bare.isEmpty else { throw SettingsError("line \(line): the value is missing") }
        return bare
    }
}

extension StringProtocol {
    func trimmingSpaces() -> String {
        let scalars = unicodeScalars
        let isSpace: (Unicode.Scalar) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" }
        guard let start = scalars.firstIndex(where: { !isSpace($0) }) else { return "" }
        let end = scalars.lastIndex(where: { !isSpace($0) })!
        return String(String.UnicodeScalarView(scalars[start...end]))
    }
}
