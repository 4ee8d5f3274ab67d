import Foundation
import HuzhuCore
import HuzhuKit
import HuzhuTesting
import Testing

/// The console's protections: login time, idle time, caps on connections, failed-login throttling,
/// the Unix socket.
@Suite struct ConsoleLimitsTests {
    @Test func aSessionThatDoesNotLogInInTimeIsClosed() async throws {
        try await withTestDaemon(configure: { $0.consoleAuthenticationTimeout = .milliseconds(200) }) { daemon in
            let console = try await daemon.console(user: nil, json: false)
            #expect(try await console.readLine().hasPrefix("-AUTH "), "the server says why before closing")
            #expect(try await console.isClosedByServer())
        }
    }

    @Test func anIdleSessionIsClosed() async throws {
        try await withTestDaemon(configure: { $0.consoleIdleTimeout = .milliseconds(300) }) { daemon in
            // Not logged in (the login timeout is 10 s): with a login first, a loaded machine could take
            // longer than 300 ms between connecting and sending AUTH, and the test would race the timer.
            let console = try await daemon.console(user: nil, json: false)
            #expect(try await console.readLine().hasPrefix("-LIMIT "))
            #expect(try await console.isClosedByServer())
        }
    }

    @Test func unauthenticatedConnectionsAreCapped() async throws {
        try await withTestDaemon(configure: { $0.consoleMaxUnauthenticated = 2 }) { daemon in
            let first = try await daemon.console(user: nil, json: false)
            let second = try await daemon.console(user: nil, json: false)
            #expect(try await first.send("PING") == "+PONG")
            #expect(try await second.send("PING") == "+PONG")
            let third = try await daemon.console(user: nil, json: false)
            #expect(try await third.readLine().hasPrefix("-LIMIT "))
            #expect(try await third.isClosedByServer())
            // Logging in frees a place.
            #expect(try await first.send("AUTH admin \(daemon.adminPassword)").hasPrefix("+OK"))
            let fourth = try await daemon.console(user: nil, json: false)
            #expect(try await fourth.send("PING") == "+PONG")
        }
    }

    @Test func anAddressWithTooManyFailuresIsRefusedEvenWithTheRightPassword() async throws {
        try await withTestDaemon { daemon in
            // Five failures close a connection; the address's count goes on across connections.
            for _ in 0..<2 {
                let console = try await daemon.console(user: nil, json: false)
                for _ in 0..<5 { #expect(try await console.send("AUTH admin wrong-pass").hasPrefix("-AUTH ")) }
                #expect(try await console.isClosedByServer())
            }
            let console = try await daemon.console(user: nil, json: false)
            let answer = try await console.send("AUTH admin \(daemon.adminPassword)")
            #expect(answer.hasPrefix("-AUTH ") && answer.contains("秒后再试"), "\(answer)")
        }
    }

    @Test func theConsoleAlsoListensOnAUnixSocket() async throws {
        let path = "/tmp/huzhu-console-\(UUID().uuidString.prefix(8)).sock"
        try await withTestDaemon(configure: { $0.consoleSocket = path }) { daemon in
            let console = try await ConsoleClient.connect(unixSocket: path)
            #expect(try await console.send("PING") == "+PONG")
            #expect(try await console.send("AUTH admin \(daemon.adminPassword)").hasPrefix("+OK"))
        }
    }
}
