import Foundation
import HuzhuCore
import HuzhuKit
import HuzhuTesting
import PostgresNIO
import Synchronization
import Testing

/// What the gateway end-to-end tests share: free ports, private folders, waiting on observable
/// conditions with a deadline, the scripts in scripts/sms, SQL look-ups, a plugin that queues
/// notifications, and the children to stop at the end.
enum Harness {
    /// The repository's root (this file is Tests/GatewayTests/GatewayHarness.swift).
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    static let relay = root + "/scripts/sms/huzhu-relay"
    static let gammuReceive = root + "/scripts/sms/huzhu-gammu-receive"

    /// How long a step may take before the test gives up (a bound against hanging, not a timing check).
    static let patience: Duration = .seconds(60)

    /// A loopback port nobody uses right now, taken from below the kernel's ephemeral range (32768–60999).
    ///
    /// Not a port-0 bind read back and released: the kernel hands that same port to the next `bind(0)`,
    /// and with every suite of this process binding port 0 for its daemons, a gateway restarted later in
    /// a test (smsbox after an outage) found its port taken ("bind failed"). Ports below the ephemeral
    /// range are never handed out that way; each process walks its own stretch of them.
    static func freePort() throws -> Int {
        for _ in 0..<500 {
            let port = 20_000 + nextPort.add(1, ordering: .relaxed).newValue % 12_000
            if canBind(port) { return port }
        }
        throw HuzhuError(.internal, "no free loopback port between 20000 and 31999")
    }

    private static let nextPort = Atomic<Int>(Int(getpid()) % 100 * 120)

    private static func canBind(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        } == 0
    }

    /// Whether something accepts connections on this loopback port.
    static func isListening(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        } == 0
    }

    /// A private folder for one test.
    static func temporaryFolder(_ name: String) throws -> String {
        let path = NSTemporaryDirectory() + "huzhu-\(name)-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Polls `condition` until it holds or `timeout` passes; returns whether it held.
    static func eventually(timeout: Duration = patience, interval: Duration = .milliseconds(100),
                           _ condition: () async throws -> Bool) async rethrows -> Bool {
        let deadline = ContinuousClock.now + timeout
        while true {
            if try await condition() { return true }
            if ContinuousClock.now >= deadline { return false }
            try? await Task.sleep(for: interval)
        }
    }

    /// Waits until a program listens on `port` (or has exited, or the deadline passed).
    static func waitForPort(_ port: Int, of child: ChildProcess, timeout: Duration = patience) async -> Bool {
        await eventually(timeout: timeout, interval: .milliseconds(50)) { child.exited == nil && isListening(port) }
    }

    /// Runs a program to its end and returns its exit status and output.
    static func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) async throws -> (Int32, [String]) {
        let child = try ChildProcess(executable, arguments, environment: environment)
        let output = await child.remainingOutput()
        return (await child.exitStatus(), output)
    }

    /// A gateway account with a password, for the scripts.
    static func gatewayAccount(_ daemon: TestDaemon, _ name: String) async throws -> String {
        let password = "pw-\(name)-\(UUID().uuidString.prefix(6))"
        try await daemon.hub.accounts.add(username: name, roles: [.gateway], villages: [], password: password, actor: .system)
        return password
    }

    /// The environment the scripts read the hub's console from.
    static func scriptEnvironment(_ daemon: TestDaemon, user: String, password: String) -> [String: String] {
        ["HUZHU_HOST": "127.0.0.1", "HUZHU_PORT": "\(daemon.consolePort)", "HUZHU_USER": user, "HUZHU_PASSWORD": password,
         "PYTHONUNBUFFERED": "1", "PYTHONDONTWRITEBYTECODE": "1"]
    }

    /// One text value from the test database.
    static func value(_ daemon: TestDaemon, _ sql: String) async throws -> String? {
        try await daemon.database.withClient { client in
            for try await value in try await client.query(PostgresQuery(unsafeSQL: sql), logger: TestLog.logger).decode(String?.self) {
                return value
            }
            return nil
        }
    }

    /// Rows of text columns from the test database.
    static func rows(_ daemon: TestDaemon, _ sql: String) async throws -> [[String?]] {
        try await daemon.database.withClient { client in
            var rows: [[String?]] = []
            for try await row in try await client.query(PostgresQuery(unsafeSQL: sql), logger: TestLog.logger) {
                var columns: [String?] = []
                for cell in row { columns.append(try cell.decode(String?.self)) }
                rows.append(columns)
            }
            return rows
        }
    }

    static func execute(_ daemon: TestDaemon, _ sql: String) async throws {
        try await daemon.database.withClient { client in
            _ = try await client.query(PostgresQuery(unsafeSQL: sql), logger: TestLog.logger)
        }
    }

    /// A village and two members: 张三 (13800138000, member 1) and 李四 (13900139000, member 2).
    static func directory(_ staff: ConsoleClient) async throws {
        #expect(try await staff.json("VILLAGE ADD 咸水村 township=古夫镇").ok)
        #expect(try await staff.json("MEMBER ADD 张三 village=1 phone=13800138000").ok)
        #expect(try await staff.json("MEMBER ADD 李四 village=1 phone=13900139000").ok)
    }

    /// Decodes Kannel's url-encoding into bytes: `%xx`, and `+` for a space byte (a `+` is `%2B`).
    static func urlDecodedBytes(_ text: String) -> [UInt8] {
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8).makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%"), let high = iterator.next(), let low = iterator.next(),
               let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16) {
                bytes.append(value)
            } else if byte == UInt8(ascii: "+") {
                bytes.append(0x20)
            } else {
                bytes.append(byte)
            }
        }
        return bytes
    }

    /// Kannel-style url-encoding of bytes (everything but letters and digits as `%xx`).
    static func urlEncoded(_ bytes: [UInt8]) -> String {
        bytes.map { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                ? String(UnicodeScalar(byte)) : String(format: "%%%02X", byte)
        }.joined()
    }

    static func utf16BE(_ text: String) -> [UInt8] {
        text.utf16.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
    }

    static func fromUTF16BE(_ bytes: [UInt8]) -> String? {
        guard bytes.count % 2 == 0 else { return nil }
        let units = stride(from: 0, to: bytes.count, by: 2).map { UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]) }
        return String(utf16CodeUnits: units, count: units.count)
    }
}

/// Ends every child a test started, whatever happened in the test.
final class Children: Sendable {
    private let started = SendableBox<[ChildProcess]>([])
    private let folders = SendableBox<[String]>([])

    /// A private folder, removed when the children have stopped.
    func temporaryFolder(_ name: String) throws -> String {
        let path = try Harness.temporaryFolder(name)
        folders.mutate { $0.append(path) }
        return path
    }

    func start(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws -> ChildProcess {
        let child = try ChildProcess(executable, arguments, environment: environment)
        started.mutate { $0.append(child) }
        return child
    }

    func stopAll() async {
        for child in started.mutate({ list in defer { list = [] }; return list }).reversed() {
            await child.terminate()
        }
        for folder in folders.mutate({ list in defer { list = [] }; return list }) {
            try? FileManager.default.removeItem(atPath: folder)
        }
    }

    /// Runs `body` with a fresh set of children and stops them all afterwards.
    static func with<T>(_ body: (Children) async throws -> T) async throws -> T {
        let children = Children()
        do {
            let result = try await body(children)
            await children.stopAll()
            return result
        } catch {
            await children.stopAll()
            throw error
        }
    }
}

/// A lock-protected value.
final class SendableBox<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>

    init(_ value: Value) { self.mutex = Mutex(value) }

    func mutate<T>(_ body: (inout Value) -> T) -> T {
        mutex.withLock { body(&$0) }
    }
}

/// `NOTIFY <member> "<text>" [urgent=yes]`: queues an SMS notification the way plugins do
/// (`tx.notify` inside `context.store.write`).
struct GatewayNotifierPlugin: HuzhuPlugin {
    static let identity = PluginIdentity(id: "gwnotifier", version: "1.0", summary: "queues notifications for the gateway tests")
    func register(_ registrar: inout PluginRegistrar, context: PluginContext) throws {
        let usage = "NOTIFY <member> <text> [urgent=yes]"
        registrar.command(ConsoleCommand("NOTIFY", usage: usage, summary: "queue an SMS", access: .roles([.staff])) { request in
            let member = try request.arguments.requiredID(0, usage: usage)
            let text = try request.arguments.required(1, usage: usage)
            let urgent = try request.arguments.bool("urgent", usage: usage) ?? false
            let id = try await context.store.write(as: try request.actor()) { tx in
                try await tx.notify(member: member, LocalizedText(en: text, zh: text), urgent: urgent)
            }
            return ConsoleReply(data: id.map { .int(Int($0)) } ?? .null, line: "queued")
        })
    }
}

/// A daemon for the gateway tests: quiet hours off, the notifier plugin, the directory filled in.
func withGatewayDaemon(_ body: (TestDaemon, ConsoleClient) async throws -> Void) async throws {
    try await withTestDaemon(plugins: [GatewayNotifierPlugin.self], configure: { $0.quietHours = (0, 0) }) { daemon in
        let staff = try await daemon.console()
        try await Harness.directory(staff)
        try await body(daemon, staff)
        await staff.close()
    }
}
