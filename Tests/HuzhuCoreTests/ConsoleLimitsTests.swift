import Foundation
import HuzhuCore
import HuzhuKit
import HuzhuTesting
import Synchronization
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The console's protections: login time, idle time, caps on connections, failed-login throttling,
/// the Unix socket, clients that do not read their answers.
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

    /// A client that sends requests but reads no answers is answered only as fast as it reads: what the
    /// server holds for it stays bounded, for answers made on the event loop (HELP) and by tasks (commands)
    /// alike. Once it reads, every answer comes, in order. Each client asks for 4 MiB more than the
    /// kernel's socket buffers can take (tcp_wmem's maximum), so only the server can hold the rest. (Before
    /// the fix the server made every answer asked for whether or not the client read, and kept them.)
    @Test func aClientThatDoesNotReadIsAnsweredNoFasterThanItReads() async throws {
        try await withTestDaemon(plugins: [BigAnswerPlugin.self]) { daemon in
            let calls = { BigAnswerPlugin.calls.load(ordering: .relaxed) }
            let start = calls()
            let beyondKernel = SlowReader.largestSendBuffer() + 4 << 20
            // HELP, answered on the event loop, then one command that runs as a task: it must not run
            // while the HELPs before it wait for the client to read.
            let helps = try SlowReader(port: daemon.consolePort, password: daemon.adminPassword)
            try helps.write("HELP\n")
            let helpCount = beyondKernel / (try helps.readLine().utf8.count + 1) + 1
            try helps.write(String(repeating: "HELP\n", count: helpCount) + "BIG ANSWER\n")
            for _ in 0..<50 where calls() == start { try await Task.sleep(for: .milliseconds(100)) }
            #expect(calls() == start, "\(helpCount) HELPs were answered for a client that read none")
            // Commands with 32 KiB answers: a few may be made (the kernel's buffers take them), not all.
            let bigCount = 2 * beyondKernel / (32 << 10)
            let bigs = try SlowReader(port: daemon.consolePort, password: daemon.adminPassword)
            try bigs.write(String(repeating: "BIG ANSWER\n", count: bigCount))
            var ran = 0
            for _ in 0..<50 {  // until the count stays put for half a second, at most 5 s
                try await Task.sleep(for: .milliseconds(500))
                if calls() - start == ran { break }
                ran = calls() - start
            }
            #expect(ran < bigCount / 2, "\(ran) of \(bigCount) answers of 32 KiB made for a client that read none")
            // Reading now: everything, in order.
            var wrong = 0
            for _ in 0..<bigCount {
                if try !bigs.readLine().hasPrefix(#"{"ok":true,"data":"xxxx"#) { wrong += 1 }
            }
            for _ in 0..<helpCount {
                if try !helps.readLine().hasPrefix(#"{"ok":true,"data":[{"#) { wrong += 1 }
            }
            #expect(try helps.readLine().hasPrefix(#"{"ok":true,"data":"xxxx"#))
            #expect(wrong == 0)
            #expect(calls() - start == bigCount + 1)
        }
    }
}

/// `BIG ANSWER`: a 32 KiB answer, counting its calls (the slow-reader test).
struct BigAnswerPlugin: HuzhuPlugin {
    static let identity = PluginIdentity(id: "big_answer", version: "1.0", summary: "answers 32 KiB")
    static let calls = Atomic<Int>(0)
    func register(_ registrar: inout PluginRegistrar, context: PluginContext) throws {
        let text = String(repeating: "x", count: 32 * 1024)
        registrar.command(ConsoleCommand("BIG ANSWER", usage: "BIG ANSWER", summary: "32 KiB", access: .authenticated) { _ in
            Self.calls.add(1, ordering: .relaxed)
            return ConsoleReply(data: .string(text), line: "big")
        })
    }
}

/// A console client on a plain blocking socket with a 4 KiB receive buffer, logged in and in JSON mode,
/// that reads only when asked (a client on a slow link, or one that stopped reading).
private final class SlowReader {
    private let fd: Int32
    private var buffer: [UInt8] = []

    init(port: Int, password: String) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var size: Int32 = 4096
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        var limit = timeval(tv_sec: 30, tv_usec: 0)  // a missing answer fails the test instead of hanging it
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw HuzhuError(.unavailable, "connect: \(String(cString: strerror(errno)))") }
        try write("AUTH admin \(password)\nFORMAT json\n")
        guard try readLine().hasPrefix("+OK"), try readLine().hasPrefix(#"{"ok":true"#) else { throw HuzhuError(.auth, "login failed") }
    }

    deinit { close(fd) }

    /// The most a TCP socket's send buffer may grow to (the last field of tcp_wmem; 4 MiB if unknown).
    static func largestSendBuffer() -> Int {
        let text = (try? String(contentsOfFile: "/proc/sys/net/ipv4/tcp_wmem", encoding: .utf8)) ?? ""
        return text.split(whereSeparator: \.isWhitespace).last.flatMap { Int($0) } ?? 4 << 20
    }

    func write(_ text: String) throws {
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw HuzhuError(.unavailable, "send: \(String(cString: strerror(errno)))") }
            offset += n
        }
    }

    func readLine() throws -> String {
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffer[..<newline], as: UTF8.self)
                buffer.removeSubrange(...newline)
                return line
            }
            var chunk = [UInt8](repeating: 0, count: 65_536)
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress!, $0.count, 0) }
            guard n > 0 else { throw HuzhuError(.unavailable, n == 0 ? "closed by the server" : "recv: \(String(cString: strerror(errno)))") }
            buffer.append(contentsOf: chunk[..<n])
        }
    }
}
