import Foundation
import HuzhuKit
import HuzhuTesting
import Testing

/// A private Kannel: one configuration file (the one docs/sms-gateways.md shows, on free ports),
/// bearerbox with a fake SMSC, smsbox with the hub's sms-service and a sendsms user, and fakesmsc as
/// the phone network.
struct Kannel {
    static let bearerbox = "/usr/sbin/bearerbox"
    static let smsbox = "/usr/sbin/smsbox"
    static let fakesmsc = "/usr/lib/kannel/test/fakesmsc"

    let folder: String
    let adminPort: Int
    let boxPort: Int
    let smscPort: Int
    let sendsmsPort: Int
    let configuration: String
    let sendsmsUser = "huzhu"
    let sendsmsPassword = "kannel-secret"
    /// The number farmers text (the reply's sender).
    let serviceNumber = "10690000"

    /// Writes kannel.conf for a hub whose HTTP side door listens on `httpPort`, with a gateway token.
    init(httpPort: Int, token: String, _ children: Children) throws {
        folder = try children.temporaryFolder("kannel")
        adminPort = try Harness.freePort()
        boxPort = try Harness.freePort()
        smscPort = try Harness.freePort()
        sendsmsPort = try Harness.freePort()
        configuration = folder + "/kannel.conf"
        let text = """
            group = core
            admin-port = \(adminPort)
            admin-password = kannel-admin
            smsbox-port = \(boxPort)
            box-allow-ip = 127.0.0.1
            log-level = 1
            dlr-storage = internal
            store-type = file
            store-location = "\(folder)/bearerbox.store"

            group = smsc
            smsc = fake
            smsc-id = fake
            port = \(smscPort)
            connect-allow-ip = 127.0.0.1

            group = smsbox
            bearerbox-host = 127.0.0.1
            bearerbox-port = \(boxPort)
            sendsms-port = \(sendsmsPort)
            sendsms-interface = 127.0.0.1
            mo-recode = true
            reply-couldnotfetch = ""
            reply-couldnotrepresent = ""
            reply-requestfailed = ""
            http-request-retry = 3
            http-queue-delay = 2
            log-level = 1

            group = sendsms-user
            username = \(sendsmsUser)
            password = \(sendsmsPassword)
            default-sender = \(serviceNumber)
            concatenation = true
            max-messages = 10

            group = sms-service
            keyword = default
            get-url = "http://127.0.0.1:\(httpPort)/gateway/kannel?token=\(token)&from=%p&text=%a&id=%I"
            catch-all = true
            omit-empty = true
            max-messages = 1
            concatenation = true
            accept-x-kannel-headers = true

            """
        try text.write(toFile: configuration, atomically: true, encoding: .utf8)
    }

    /// Starts bearerbox and waits until it listens for boxes and for the fake SMSC's client.
    func startBearerbox(_ children: Children) async throws -> ChildProcess {
        let child = try children.start(Self.bearerbox, ["-v", "1", configuration])
        let up = await Harness.waitForPort(boxPort, of: child)
        try #require(up, "bearerbox did not start: \(child.output.suffix(20).joined(separator: "\n"))")
        try #require(await Harness.waitForPort(smscPort, of: child), "the fake SMSC did not listen")
        return child
    }

    /// Starts smsbox and waits until it is connected to bearerbox and its sendsms port listens.
    func startSmsbox(_ children: Children) async throws -> ChildProcess {
        let child = try children.start(Self.smsbox, ["-v", "1", configuration])
        let connected = await child.waitForOutput(timeout: Harness.patience) { lines in
            lines.contains { $0.contains("Connected to bearerbox") }
        }
        try #require(connected, "smsbox did not connect: \(child.output.suffix(20).joined(separator: "\n"))")
        try #require(await Harness.waitForPort(sendsmsPort, of: child), "smsbox's sendsms port did not listen")
        return child
    }

    /// The phone network: fakesmsc connected to the fake SMSC, sending `messages` (fakesmsc's line
    /// format, e.g. "13800138000 10690000 ucs2 %xx…"), then printing what it receives.
    func startPhones(_ children: Children, sending messages: [String] = []) throws -> ChildProcess {
        // -m 0 with a placeholder: send nothing, only receive. fakesmsc picks at random among several
        // messages, so each phone sends one message (or none).
        precondition(messages.count <= 1, "one message per fakesmsc")
        let arguments = messages.isEmpty ? ["-m", "0", "0 0 text unused"] : ["-m", "1"] + messages
        return try children.start(Self.fakesmsc, ["-H", "127.0.0.1", "-r", "\(smscPort)"] + arguments)
    }

    /// A message as fakesmsc's line format carries it to the SMSC: UCS-2, url-encoded.
    static func ucs2Line(from phone: String, to number: String, _ text: String) -> String {
        "\(phone) \(number) ucs2 \(Harness.urlEncoded(Harness.utf16BE(text)))"
    }

    /// A message fakesmsc received from the SMSC.
    struct Received: Equatable, CustomStringConvertible {
        let from: String
        let to: String
        /// "ucs-2", "text" or "data"
        let coding: String
        let text: String

        var description: String { "\(from)→\(to) [\(coding)] \(text)" }
    }

    /// The messages fakesmsc printed ("Got message N: <from to ucs-2 %xx…>"), decoded.
    static func received(_ output: [String]) -> [Received] {
        output.compactMap { line -> Received? in
            guard let start = line.range(of: "Got message "), let open = line[start.upperBound...].firstIndex(of: "<"),
                  line.hasSuffix(">") else { return nil }
            let body = line[line.index(after: open)..<line.index(before: line.endIndex)]
            let fields = body.split(separator: " ", maxSplits: 3, omittingEmptySubsequences: false).map(String.init)
            guard fields.count == 4 else { return nil }
            let text: String
            switch fields[2] {
            case "ucs-2", "ucs2": text = Harness.fromUTF16BE(Harness.urlDecodedBytes(fields[3])) ?? "<odd UCS-2>"
            case "data": text = String(decoding: Harness.urlDecodedBytes(fields[3]), as: UTF8.self)
            default: text = fields[3]
            }
            return Received(from: fields[0], to: fields[1], coding: fields[2], text: text)
        }
    }
}
