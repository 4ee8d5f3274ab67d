import HuzhuKit

/// Checks a login. The hub's implementation verifies the password hash and throttles failures.
public protocol ConsoleAuthenticator: Sendable {
    /// Returns the caller for a correct user and password; throws `HuzhuError(.auth, …)` otherwise.
    func authenticate(username: String, password: String, remoteAddress: String) async throws -> ConsoleCaller
}

/// Where the console listens and the limits that protect it.
public struct ConsoleConfiguration: Sendable {
    /// Address to bind; loopback unless configured.
    public var host: String = "127.0.0.1"
    /// Port to bind; 0 picks a free one (tests).
    public var port: Int = 7700
    /// A Unix socket path to listen on as well, if any.
    public var unixSocketPath: String?
    /// Longest accepted line in bytes; longer lines get `LIMIT` and the session goes on.
    public var maximumLineBytes = 16 * 1024
    /// Open connections at most; more are refused with `LIMIT`.
    public var maximumConnections = 512
    /// Connections not yet logged in, at most (unauthenticated floods cost the server nothing more).
    public var maximumUnauthenticated = 32
    /// Time allowed to log in before the connection is closed.
    public var authenticationTimeout: Duration = .seconds(10)
    /// A session that sends nothing this long is closed.
    public var idleTimeout: Duration = .seconds(900)
    /// Failed logins on one connection before it is closed.
    public var maximumFailedLogins = 5
    /// Lines read ahead while a command runs, before the session stops reading (back-pressure).
    public var maximumQueuedLines = 1024
    /// The session language before `LANG`.
    public var defaultLanguage: Language = .zh

    public init() {}
}
