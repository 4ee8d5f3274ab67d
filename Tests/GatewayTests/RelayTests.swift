import Foundation
import HuzhuKit
import HuzhuTesting
import Testing

/// The outbox relay against the daemon and a stand-in for Kannel's sendsms that answers what the test
/// tells it to; and the child processes the gateway tests rely on.
@Suite struct RelayTests {
    /// A sendsms stand-in: answers each request with the status in `statusFile` (202 or 503), and prints
    /// `REQ <status> <query as JSON>` for each.
    static let standIn = #"""
        import http.server, json, sys, urllib.parse
        status_file = sys.argv[1]

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                query = {k: v[0] for k, v in urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query).items()}
                with open(status_file) as handle:
                    status = int(handle.read().strip())
                print("REQ", status, json.dumps(query, ensure_ascii=False), flush=True)
                body = (b"0: Accepted for delivery" if status == 202 else b"Service temporarily unavailable")
                self.send_response(status)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
        print("LISTENING", server.server_address[1], flush=True)
        server.serve_forever()
        """#

    struct Request {
        let status: Int
        let query: [String: String]
    }

    static func requests(_ output: [String]) -> [Request] {
        output.compactMap { line in
            let parts = line.split(separator: " ", maxSplits: 2).map(String.init)
            guard parts.count == 3, parts[0] == "REQ", let status = Int(parts[1]),
                  let query = try? JSONSerialization.jsonObject(with: Data(parts[2].utf8)) as? [String: String] else { return nil }
            return Request(status: status, query: query)
        }
    }

    @Test func aRefusedSendIsReportedFailedRetriedAfterItsBackOffAndThenSent() async throws {
        try await withGatewayDaemon { daemon, staff in
            let password = try await Harness.gatewayAccount(daemon, "sms1")
            try await Children.with { children in
                let folder = try children.temporaryFolder("relay")
                let statusFile = folder + "/status"
                try "503".write(toFile: statusFile, atomically: true, encoding: .utf8)
                try Self.standIn.write(toFile: folder + "/sendsms.py", atomically: true, encoding: .utf8)
                let server = try children.start("/usr/bin/env", ["python3", folder + "/sendsms.py", statusFile])
                let listening = await server.waitForOutput(timeout: Harness.patience) { $0.contains { $0.hasPrefix("LISTENING ") } }
                try #require(listening, "the stand-in did not start: \(server.output)")
                let port = try #require(server.output.first { $0.hasPrefix("LISTENING ") }.flatMap { Int($0.dropFirst(10)) })

                let text = "明天8点插秧，请准时到"
                let answer = try await staff.json(#"NOTIFY 1 "\#(text)""#)
                let id = try #require(answer.data as? Int, "NOTIFY: \(answer.raw)")
                let relay = try children.start(Harness.relay, [
                    "--user", "sms1", "--interval", "0.2", "kannel", "--sendsms", "http://127.0.0.1:\(port)/cgi-bin/sendsms",
                    "--kannel-user", "huzhu", "--kannel-password", "kannel-secret"],
                    environment: Harness.scriptEnvironment(daemon, user: "sms1", password: password))

                // 503: the relay reports SMS FAIL; the hub queues the message again behind a back-off.
                let failed = try await Harness.eventually {
                    try await Harness.rows(daemon, "SELECT status, attempts::text, last_error FROM sms_outbox WHERE id = \(id)").first.map {
                        $0[0] == "queued" && $0[1] == "1" && ($0[2] ?? "").contains("503")
                    } ?? false
                }
                let outbox = try await Harness.rows(daemon, "SELECT status, attempts::text, last_error FROM sms_outbox")
                try #require(failed, "not reported failed: \(outbox); relay: \(relay.output.suffix(5))")
                #expect(try await Harness.value(daemon, "SELECT (not_before > now())::text FROM sms_outbox WHERE id = \(id)") == "true",
                        "the retry waits for its back-off")
                let first = Self.requests(server.output)
                #expect(first.count == 1)
                #expect(first.first?.query["text"] == text)
                #expect(first.first?.query["to"] == "+8613800138000")
                #expect(first.first?.query["charset"] == "UTF-8")
                #expect(first.first?.query["coding"] == "2")
                #expect(first.first?.query["username"] == "huzhu")
                #expect(relay.output.contains { $0.contains("failed \(id)") && $0.contains("503") })

                // Kannel is back and the back-off has run out (moved to now rather than waited for).
                try "202".write(toFile: statusFile, atomically: true, encoding: .utf8)
                try await Harness.execute(daemon, "UPDATE sms_outbox SET not_before = now() WHERE id = \(id)")
                let sent = try await Harness.eventually {
                    try await Harness.value(daemon, "SELECT status FROM sms_outbox WHERE id = \(id)") == "sent"
                }
                #expect(sent, "relay: \(relay.output.suffix(5))")
                let all = Self.requests(server.output)
                #expect(all.map(\.status) == [503, 202], "tried twice: refused, then accepted")
                #expect(all.last?.query["text"] == text)
                #expect(try await Harness.value(daemon, "SELECT attempts::text FROM sms_outbox WHERE id = \(id)") == "2")
            }
        }
    }

    @Test func aWrongPasswordStopsTheRelayWithAClearMessage() async throws {
        try await withGatewayDaemon { daemon, _ in
            _ = try await Harness.gatewayAccount(daemon, "sms1")
            var environment = Harness.scriptEnvironment(daemon, user: "sms1", password: "wrong")
            environment["HUZHU_PASSWORD"] = "wrong"
            let (status, output) = try await Harness.run(Harness.relay, ["--user", "sms1", "--once", "gammu"], environment: environment)
            #expect(status != 0)
            #expect(output.contains { $0.contains("login failed") }, "\(output)")
        }
    }

    /// Several children at once, started from several threads, each with its output read to the end:
    /// none inherits another's pipe (which kept output open and hung the readers before).
    @Test func manyChildrenAtOnceEachReachTheEndOfTheirOutput() async throws {
        let results = try await withThrowingTaskGroup(of: (Int, Int32, [String]).self) { group in
            for n in 0..<12 {
                group.addTask {
                    let child = try ChildProcess("/bin/sh", ["-c", "echo start \(n); read line; echo got $line; echo done \(n) >&2"],
                                                 stdin: "input-\(n)\n")
                    let output = await child.remainingOutput()
                    return (n, await child.exitStatus(), output)
                }
            }
            var all: [(Int, Int32, [String])] = []
            for try await result in group { all.append(result) }
            return all.sorted { $0.0 < $1.0 }
        }
        #expect(results.count == 12)
        for (n, status, output) in results {
            #expect(status == 0)
            #expect(output == ["start \(n)", "got input-\(n)", "done \(n)"])
        }
    }

    @Test func terminateEndsAChildThatIgnoresItsInputAndItsOwnChildren() async throws {
        let child = try ChildProcess("/bin/sh", ["-c", "sleep 300 & echo ready; wait"], keepStdinOpen: true)
        let ready = await child.waitForOutput(timeout: Harness.patience) { $0.contains("ready") }
        #expect(ready)
        let status = await child.terminate(grace: .seconds(5))
        #expect(status == 128 + SIGTERM)
        // The output ends once the group is gone (the sleep held the write end of the pipe too).
        let rest = await child.remainingOutput()
        #expect(rest.isEmpty || rest == ["ready"])
    }
}
