import Foundation
import HuzhuKit
import HuzhuTesting
import Testing

/// A private Gammu SMSD: the dummy driver (a folder stands for the phone), the files backend, and
/// huzhu-gammu-receive as RunOnReceive: the configuration docs/sms-gateways.md shows.
struct Gammu {
    static let smsd = "/usr/bin/gammu-smsd"
    static let gammu = "/usr/bin/gammu"

    let folder: String
    let configuration: String
    var phone: String { folder + "/phone" }
    var inbox: String { folder + "/inbox" }
    var outbox: String { folder + "/outbox" }
    var sent: String { folder + "/sent" }

    init(_ children: Children) throws {
        folder = try children.temporaryFolder("gammu")
        configuration = folder + "/gammu-smsdrc"
        for sub in ["phone", "inbox", "outbox", "sent", "error"] {
            try FileManager.default.createDirectory(atPath: folder + "/" + sub, withIntermediateDirectories: true)
        }
        let text = """
            [gammu]
            device = \(folder)/phone
            connection = none
            model = dummy

            [smsd]
            service = files
            inboxpath = \(folder)/inbox/
            outboxpath = \(folder)/outbox/
            sentsmspath = \(folder)/sent/
            errorsmspath = \(folder)/error/
            inboxformat = unicode
            outboxformat = detail
            transmitformat = auto
            runonreceive = \(Harness.gammuReceive) --smsd-config \(configuration)
            logfile = stderr
            debuglevel = 0
            checksecurity = 0
            checkbattery = 0
            checksignal = 0
            checknetwork = 0
            commtimeout = 1
            receivefrequency = 1
            statusfrequency = 0
            multiparttimeout = 5

            """
        try text.write(toFile: configuration, atomically: true, encoding: .utf8)
    }

    /// Puts a received message in the fake phone's inbox (`gammu savesms`), as the network would.
    func receive(from number: String, _ text: String) async throws {
        let (status, output) = try await Harness.run(Self.gammu, [
            "-c", configuration, "savesms", "TEXT", "-folder", "1", "-unread", "-sender", number,
            "-unicode", "-len", "\(text.utf16.count)", "-textutf8", text])
        try #require(status == 0, "gammu savesms failed: \(output)")
    }

    /// Starts gammu-smsd in the foreground, its RunOnReceive script talking to the hub as `user`.
    func start(_ children: Children, environment: [String: String]) async throws -> ChildProcess {
        let child = try children.start(Self.smsd, ["-c", configuration], environment: environment)
        let started = await child.waitForOutput(timeout: Harness.patience) { $0.contains { $0.contains("Starting phone communication") } }
        try #require(started, "gammu-smsd did not start: \(child.output.suffix(10))")
        return child
    }

    /// A message gammu-smsd sent: a Gammu backup file in the sent folder (one per message, each part a
    /// section with its UCS-2 text in hex).
    struct Sent: Equatable, CustomStringConvertible {
        let to: String
        let unicode: Bool
        let text: String
        var description: String { "→\(to) [\(unicode ? "UCS-2" : "GSM")] \(text)" }
    }

    func sentMessages(in folder: String? = nil) -> [Sent] {
        let folder = folder ?? sent
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted()
        return files.compactMap { name -> Sent? in
            // Gammu wraps its comment lines by bytes, splitting UTF-8 characters: read leniently.
            guard let data = FileManager.default.contents(atPath: folder + "/" + name) else { return nil }
            let content = String(decoding: data, as: UTF8.self)
            var to = "", hex = "", unicode = true, sections: Set<String> = []
            for raw in content.split(whereSeparator: \.isNewline) {
                let line = raw.trimmingCharacters(in: .whitespaces)
                if line.hasPrefix("[") {
                    // The sent folder's file holds the backup twice (as queued, then as sent): read the first.
                    if sections.contains(line) { break }
                    sections.insert(line)
                    continue
                }
                guard let equals = line.firstIndex(of: "="), !line.hasPrefix(";") else { continue }
                let key = line[..<equals].trimmingCharacters(in: .whitespaces)
                let value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
                if key == "Number", to.isEmpty { to = value.trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
                if key.hasPrefix("Text"), key.dropFirst(4).allSatisfy(\.isNumber) { hex += value }
                if key == "Coding" { unicode = unicode && value.hasPrefix("Unicode") }
            }
            var bytes: [UInt8] = []
            var index = hex.startIndex
            while let next = hex.index(index, offsetBy: 2, limitedBy: hex.endIndex), index < hex.endIndex {
                bytes.append(UInt8(hex[index..<next], radix: 16) ?? 0x3F)
                index = next
            }
            return Sent(to: to, unicode: unicode, text: Harness.fromUTF16BE(bytes) ?? "<odd UCS-2>")
        }
    }
}

/// Gammu SMSD end to end: the fake phone → gammu-smsd → huzhu-gammu-receive → the hub → the reply
/// injected → the files backend's outbox → sent; and the outbox relay through gammu-smsd-inject.
@Suite struct GammuGatewayTests {
    @Test func farmersMessagesReachTheHubAndTheRepliesGoOutAsUCS2() async throws {
        try await withGatewayDaemon { daemon, staff in
            let password = try await Harness.gatewayAccount(daemon, "gammu")
            try await Children.with { children in
                let gammu = try Gammu(children)
                // A registration from an unknown number, and a long message (two parts) from 张三.
                let registration = "注册 王五 咸水村"
                let long = "我是张三，" + String(repeating: "明天想找人帮忙插秧，", count: 9) + "谢谢！"
                #expect(long.utf16.count > 70, "a long message: two SMS parts")
                try await gammu.receive(from: "+8613700137000", registration)
                try await gammu.receive(from: "+8613800138000", long)
                let smsd = try await gammu.start(children, environment: Harness.scriptEnvironment(daemon, user: "gammu", password: password))

                let answered = try await Harness.eventually {
                    try await Harness.value(daemon, "SELECT count(*)::text FROM sms_inbound WHERE answered") == "2"
                }
                try #require(answered, "the hub did not get both messages: \(smsd.output.suffix(15))")
                let rows = try await Harness.rows(daemon, "SELECT phone, text, gateway, gateway_id, reply FROM sms_inbound ORDER BY phone")
                #expect(rows.map { $0[0] } == ["+8613700137000", "+8613800138000"])
                #expect(rows.map { $0[1] } == [registration, long], "texts read from the inbox files, parts joined, nothing cut short")
                #expect(rows.allSatisfy { $0[2] == "gammu" && ($0[3] ?? "").hasPrefix("IN") }, "\(rows.map { [$0[2], $0[3]] })")
                #expect(rows[0][4]?.hasPrefix("已登记：王五，咸水村") == true, "\(rows[0][4] ?? "")")

                let replied = await Harness.eventually { gammu.sentMessages().count >= 2 }
                try #require(replied, "the replies were not sent: \(gammu.sentMessages()); smsd: \(smsd.output.suffix(15))")
                let sent = gammu.sentMessages().sorted { $0.to < $1.to }
                #expect(sent == [Gammu.Sent(to: "+8613700137000", unicode: true, text: rows[0][4] ?? ""),
                                 Gammu.Sent(to: "+8613800138000", unicode: true, text: rows[1][4] ?? "")],
                        "the hub's replies, intact as UCS-2: \(sent)")
                #expect(try await Harness.value(daemon, "SELECT name FROM member WHERE phone = '+8613700137000'") == "王五")
            }
        }
    }

    @Test func aNotificationGoesOutThroughTheRelayAndGammuSmsdInject() async throws {
        try await withGatewayDaemon { daemon, staff in
            let password = try await Harness.gatewayAccount(daemon, "gammu")
            try await Children.with { children in
                let gammu = try Gammu(children)
                let environment = Harness.scriptEnvironment(daemon, user: "gammu", password: password)
                _ = try await gammu.start(children, environment: environment)
                let text = "李四：化肥已到村委会 (2+1袋)，请明天上午来领取。"
                let answer = try await staff.json(#"NOTIFY 2 "\#(text)""#)
                let id = try #require(answer.data as? Int, "NOTIFY: \(answer.raw)")
                let relay = try children.start(Harness.relay, ["--user", "gammu", "--interval", "0.2", "--via", "gammu",
                                                               "--inject", "/usr/bin/gammu-smsd-inject", "--smsd-config", gammu.configuration],
                                               environment: environment)
                let sent = await Harness.eventually { !gammu.sentMessages().isEmpty }
                try #require(sent, "nothing sent; relay: \(relay.output.suffix(5))")
                #expect(gammu.sentMessages() == [Gammu.Sent(to: "+8613900139000", unicode: true, text: text)])
                let confirmed = try await Harness.eventually {
                    try await Harness.value(daemon, "SELECT status FROM sms_outbox WHERE id = \(id)") == "sent"
                }
                #expect(confirmed, "the relay confirmed it with SMS ACK")
            }
        }
    }

    /// gammu-smsd down while the hub queues notifications: the relay hands them to the files backend's
    /// outbox folder; gammu-smsd started later sends each once.
    @Test func gammuSmsdThatWasDownCatchesUpWithoutLossOrDuplicates() async throws {
        try await withGatewayDaemon { daemon, staff in
            let password = try await Harness.gatewayAccount(daemon, "gammu")
            try await Children.with { children in
                let gammu = try Gammu(children)
                let environment = Harness.scriptEnvironment(daemon, user: "gammu", password: password)
                let relay = try children.start(Harness.relay, ["--user", "gammu", "--interval", "0.2", "gammu",
                                                               "--inject", "/usr/bin/gammu-smsd-inject", "--smsd-config", gammu.configuration],
                                               environment: environment)
                let texts = ["第一条：周五停水", "第二条：明早8点开会", "第三条：化肥到了"]
                for (n, text) in texts.enumerated() {
                    #expect(try await staff.json(#"NOTIFY \#(n % 2 + 1) "\#(text)""#).ok)
                }
                let handed = try await Harness.eventually {
                    try await Harness.value(daemon, "SELECT count(*)::text FROM sms_outbox WHERE status = 'sent'") == "3"
                }
                try #require(handed, "relay: \(relay.output.suffix(5))")
                #expect(gammu.sentMessages(in: gammu.outbox).count == 3, "waiting in gammu-smsd's outbox folder")
                #expect(gammu.sentMessages().isEmpty)

                _ = try await gammu.start(children, environment: environment)
                let sent = await Harness.eventually { gammu.sentMessages().count >= 3 && gammu.sentMessages(in: gammu.outbox).isEmpty }
                try #require(sent, "\(gammu.sentMessages())")
                // A last message marks the end: whatever was to go out before it has gone.
                #expect(try await staff.json(#"NOTIFY 1 "第四条：完""#).ok)
                let ended = await Harness.eventually { gammu.sentMessages().contains { $0.text == "第四条：完" } }
                try #require(ended)
                let all = gammu.sentMessages()
                #expect(all.map(\.text).sorted() == (texts + ["第四条：完"]).sorted(), "each exactly once: \(all)")
                #expect(all.allSatisfy { $0.unicode })
                #expect(all.filter { $0.to == "+8613900139000" }.map(\.text) == ["第二条：明早8点开会"])
            }
        }
    }

    /// The RunOnReceive script on its own, as gammu-smsd would run it (again).
    @Test func runningTheScriptAgainForTheSameMessageHandlesItOnceAndRepliesTheSame() async throws {
        try await withGatewayDaemon { daemon, _ in try await Children.with { children in
            let password = try await Harness.gatewayAccount(daemon, "gammu")
            let gammu = try Gammu(children)
            // A two-part message as the files backend stores it (inboxformat = unicode): a byte-order
            // mark, UTF-16BE, then NUL padding.
            let parts = ["我是张三，明天想找人帮忙插秧五亩，", #"三个人，工钱一天"一百五"\元，谢谢"#]
            let names = parts.indices.map { "IN20261129_080000_00_+8613800138000_0\($0).txt" }
            for (name, part) in zip(names, parts) {
                let bytes: [UInt8] = [0xFE, 0xFF] + Harness.utf16BE(part) + [UInt8](repeating: 0, count: 40)
                #expect(FileManager.default.createFile(atPath: gammu.inbox + "/" + name, contents: Data(bytes)))
            }
            let environment = Harness.scriptEnvironment(daemon, user: "gammu", password: password)
                .merging(["GAMMU_SMSD_INJECT": "/usr/bin/gammu-smsd-inject"]) { $1 }
            let first = try await Harness.run(Harness.gammuReceive, ["--smsd-config", gammu.configuration] + names, environment: environment)
            let again = try await Harness.run(Harness.gammuReceive, ["--smsd-config", gammu.configuration] + names, environment: environment)
            #expect(first.0 == 0, "\(first.1)")
            #expect(again.0 == 0, "\(again.1)")
            let rows = try await Harness.rows(daemon, "SELECT text, gateway_id, reply FROM sms_inbound")
            #expect(rows.count == 1, "handled once: \(rows)")
            #expect(rows.first?[0] == parts.joined())
            #expect(rows.first?[1] == "IN20261129_080000_00_+8613800138000")
            let queued = gammu.sentMessages(in: gammu.outbox)
            #expect(queued.count == 2)
            #expect(queued.allSatisfy { $0 == Gammu.Sent(to: "+8613800138000", unicode: true, text: rows.first?[2] ?? "") }, "\(queued)")
        } }
    }

    /// A message that is not a file of the files backend (another backend): the script falls back to
    /// what gammu-smsd put in the environment.
    @Test func withoutTheMessageInTheInboxFolderTheEnvironmentIsUsed() async throws {
        try await withGatewayDaemon { daemon, _ in try await Children.with { children in
            let password = try await Harness.gatewayAccount(daemon, "gammu")
            let gammu = try Gammu(children)
            let environment = Harness.scriptEnvironment(daemon, user: "gammu", password: password).merging([
                "GAMMU_SMSD_INJECT": "/usr/bin/gammu-smsd-inject",
                "SMS_MESSAGES": "1", "SMS_1_NUMBER": "+8613900139000", "SMS_1_TEXT": "帮助", "DECODED_PARTS": "0",
            ]) { $1 }
            let (status, output) = try await Harness.run(Harness.gammuReceive, ["--smsd-config", gammu.configuration, "42"], environment: environment)
            #expect(status == 0, "\(output)")
            #expect(output.contains { $0.contains("using the environment") })
            let rows = try await Harness.rows(daemon, "SELECT phone, text, gateway_id FROM sms_inbound")
            #expect(rows.map { $0 } == [["+8613900139000", "帮助", "42"]])
            #expect(gammu.sentMessages(in: gammu.outbox).map(\.to) == ["+8613900139000"])
        } }
    }
}
