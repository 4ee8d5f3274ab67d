import HuzhuConsole
import HuzhuKit
import NIOConcurrencyHelpers

/// Refuses logins from an address that failed too often recently (per-address throttle; the console
/// also closes a connection after a few failures).
final class LoginThrottle: Sendable {
    private let maximumFailures: Int
    private let window: Duration
    private let failures = NIOLockedValueBox([String: [ContinuousClock.Instant]]())

    init(maximumFailures: Int = 10, window: Duration = .seconds(300)) {
        self.maximumFailures = maximumFailures
        self.window = window
    }

    /// Throws when `address` has used up its failures within the window.
    func check(_ address: String) throws(HuzhuError) {
        let now = ContinuousClock.now
        let blockedFor: Duration? = failures.withLockedValue { table in
            let recent = (table[address] ?? []).filter { now - $0 < window }
            table[address] = recent
            guard recent.count >= maximumFailures, let oldest = recent.first else { return nil }
            return window - (now - oldest)
        }
        if let blockedFor {
            let seconds = Int(blockedFor.components.seconds) + 1
            throw HuzhuError(.auth, "too many failed logins from your address: wait \(seconds) s and try again",
                             zh: "您的地址登录失败次数过多，请 \(seconds) 秒后再试")
        }
    }

    func recordFailure(_ address: String) {
        failures.withLockedValue { $0[address, default: []].append(.now) }
    }

    func recordSuccess(_ address: String) {
        failures.withLockedValue { $0[address] = nil }
    }
}

/// The console's authenticator: staff accounts plus the throttle.
struct StaffAuthenticator: ConsoleAuthenticator {
    let accounts: StaffAccounts
    let throttle: LoginThrottle

    func authenticate(username: String, password: String, remoteAddress: String) async throws -> ConsoleCaller {
        let address = Self.host(of: remoteAddress)
        try throttle.check(address)
        guard let caller = try await accounts.verify(username: username, password: password) else {
            throttle.recordFailure(address)
            throw HuzhuError(.auth, "wrong user or password", zh: "用户名或密码错误")
        }
        throttle.recordSuccess(address)
        return caller
    }

    /// The address without its port, so reconnecting does not reset the count.
    static func host(of address: String) -> String {
        // SocketAddress descriptions look like "[IPv4]127.0.0.1/127.0.0.1:54321".
        guard let colon = address.lastIndex(of: ":") else { return address }
        return String(address[..<colon])
    }
}
