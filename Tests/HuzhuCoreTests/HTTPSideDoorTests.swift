import Foundation
import HuzhuCore
import HuzhuKit
import HuzhuTesting
import NIOCore
import NIOPosix
import Testing

/// The HTTP side door over real sockets: health, readiness, metrics, a plugin route behind tokens.
@Suite struct HTTPSideDoorTests {
    /// A minimal HTTP/1.1 GET over a raw socket (the tests need no HTTP client library).
    func get(_ port: Int, _ path: String, token: String? = nil) async throws -> (status: Int, body: String) {
        let client = try await ConsoleClient.connect(port: port)
        var request = "GET \(path) HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
        if let token { request += "Authorization: Bearer \(token)\r\n" }
        try await client.sendRaw(Array((request + "\r\n").utf8))
        var lines: [String] = []
        while let line = try? await client.readLine() { lines.append(line) }
        let status = Int(lines.first?.split(separator: " ").dropFirst().first ?? "") ?? 0
        let body = lines.drop { $0 != "\r" }.dropFirst().joined(separator: "\n")
        return (status, body)
    }

    @Test func healthReadinessMetricsAndTokenRoutes() async throws {
        try await withTestDaemon(plugins: [GoodPlugin.self]) { daemon in
            #expect(try await get(daemon.httpPort, "/healthz") == (200, "ok"))
            let ready = try await get(daemon.httpPort, "/readyz")
            #expect(ready.status == 200, "\(ready.body)")
            #expect(ready.body.contains(#""ready":true"#) && ready.body.contains(#""check":"migrations""#))
            _ = try await daemon.console().json("MEMBER FIND 张")
            let metrics = try await get(daemon.httpPort, "/metrics")
            #expect(metrics.status == 200)
            #expect(metrics.body.contains(#"huzhu_console_commands_total{command="MEMBER FIND"}"#), "\(metrics.body.prefix(300))")

            #expect(try await get(daemon.httpPort, "/good/echo?text=hi").status == 401, "no token")
            #expect(try await get(daemon.httpPort, "/good/echo?text=hi", token: "hz_forged").status == 401)
            let admin = try await daemon.console()
            #expect(try await admin.json("USER ADD sms1 role=gateway password=gateway-pass").ok)
            #expect(try await admin.json("USER ADD clerk role=staff password=clerk-pass1").ok)
            let token = try #require((try await admin.json("USER TOKEN sms1 label=kannel").data as? [String: Any])?["token"] as? String)
            let clerkToken = try #require((try await admin.json("USER TOKEN clerk").data as? [String: Any])?["token"] as? String)
            let echoed = try await get(daemon.httpPort, "/good/echo?text=hi", token: token)
            #expect(echoed.status == 200 && echoed.body == "sms1: hi", "\(echoed)")
            #expect(try await get(daemon.httpPort, "/good/echo?token=\(token)&text=q").body == "sms1: q", "token as a query item")
            #expect(try await get(daemon.httpPort, "/good/echo", token: clerkToken).status == 403, "staff is not a gateway")
            #expect(try await admin.json("USER DISABLE sms1").ok)
            #expect(try await get(daemon.httpPort, "/good/echo", token: token).status == 401, "a disabled account's token stops working")
        }
    }

    @Test func readinessFailsWhileTheDatabaseIsAway() async throws {
        try await withTestDaemon { daemon in
            try await daemon.database.setConnections(allowed: false)
            let ready = try await get(daemon.httpPort, "/readyz")
            #expect(ready.status == 503)
            #expect(try await get(daemon.httpPort, "/healthz").status == 200, "the process itself is up")
            try await daemon.database.setConnections(allowed: true)
        }
    }
}
