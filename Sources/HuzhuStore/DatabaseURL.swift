import Foundation
import HuzhuKit
import NIOSSL
import PostgresNIO

/// A `postgres://user:password@host:port/database?sslmode=…` URL turned into PostgresNIO's configuration.
///
/// `host=/path/to/socket/dir` as a query item selects a Unix socket, as libpq does. `sslmode` takes
/// libpq's values: `disable`, `prefer` (the default; TLS when the server offers it, unverified),
/// `require` (TLS, unverified) and `verify-full` (TLS with certificate and host name checks).
public struct DatabaseURL: Sendable, CustomStringConvertible {
    /// The PostgresNIO client configuration.
    public let configuration: PostgresClient.Configuration
    /// The URL with its password hidden, for logs.
    public let redacted: String

    public init(_ text: String) throws(HuzhuError) {
        guard let components = URLComponents(string: text),
            components.scheme == "postgres" || components.scheme == "postgresql"
        else {
            throw HuzhuError(
                .invalid,
                "database URL '\(Self.redact(text))' is not a PostgreSQL URL: write postgres://user:password@host:5432/huzhu",
                zh: "数据库地址格式不对：应为 postgres://用户:密码@主机:5432/huzhu")
        }
        let query = Dictionary(
            (components.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { $1 })
        let username = components.percentEncodedUser.flatMap { $0.removingPercentEncoding } ?? "postgres"
        let password = components.percentEncodedPassword.flatMap { $0.removingPercentEncoding }
        var database = String(components.path.drop(while: { $0 == "/" }))
        if database.isEmpty { database = username }

        var configuration: PostgresClient.Configuration
        if let socketDirectory = query["host"], socketDirectory.hasPrefix("/") {
            let port = components.port ?? 5432
            configuration = .init(
                unixSocketPath: "\(socketDirectory)/.s.PGSQL.\(port)", username: username, password: password,
                database: database)
        } else {
            guard let host = components.host, !host.isEmpty else {
                throw HuzhuError(.invalid, "database URL has no host: write postgres://user:password@host:5432/huzhu")
            }
            let tls = try Self.tls(mode: query["sslmode"] ?? "prefer")
            configuration = .init(
                host: host, port: components.port ?? 5432, username: username, password: password,
                database: database, tls: tls)
        }
        self.configuration = configuration
        self.redacted = Self.redact(text)
    }

    private static func tls(mode: String) throws(HuzhuError) -> PostgresClient.Configuration.TLS {
        var unverified = TLSConfiguration.makeClientConfiguration()
        unverified.certificateVerification = .none
        switch mode {
        case "disable": return .disable
        case "prefer", "allow": return .prefer(unverified)
        case "require": return .require(unverified)
        case "verify-full", "verify-ca": return .require(.makeClientConfiguration())
        default:
            throw HuzhuError(.invalid, "sslmode '\(mode)' is not known: use disable, prefer, require or verify-full")
        }
    }

    /// The URL with any password replaced by `***`.
    public static func redact(_ text: String) -> String {
        guard var components = URLComponents(string: text), components.password != nil else { return text }
        components.password = "***"
        return components.string ?? "postgres://***"
    }

    public var description: String { redacted }
}
