import Foundation
import HuzhuKit
import HuzhuStore
import HuzhuTesting
import Testing

/// The real `huzhud` binary, as an operator runs it: embedded cluster, demo data, accounts from the
/// command line while the daemon runs, a refused second daemon, recovery after `kill -9`, clean SIGTERM.
@Suite(.serialized) struct DaemonProcessTests {
    let huzhud = ChildProcess.productsFolder + "/huzhud"
    let environment = ["HUZHU_ADMIN_PASSWORD": "admin-process-test", "HUZHU_LOG_LEVEL": "info"]

    func folder() throws -> String {
        let path = "/tmp/huzhu-dp-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        return path
    }

    /// Starts `huzhud run` and returns it with its console port, read from the start-up line.
    func startDaemon(_ data: String, _ extra: [String] = [], transcript: inout [String]) async throws -> (ChildProcess, Int) {
        let daemon = try ChildProcess(huzhud, ["run", "--data-dir", data, "--console", "127.0.0.1:0"] + extra, environment: environment)
        let line = await daemon.waitForLine(containing: "listening: console", transcript: &transcript)
        let ready = try #require(line, "huzhud did not start:\n\(transcript.joined(separator: "\n"))")
        let port = try #require(ready.split(separator: "console 127.0.0.1:").last?.split(separator: ",").first.flatMap { Int($0) })
        return (daemon, port)
    }

    func run(_ arguments: [String], stdin: String? = nil) async throws -> (Int32, String) {
        let child = try ChildProcess(huzhud, arguments, environment: environment, stdin: stdin)
        let output = await child.remainingOutput().joined(separator: "\n")
        return (await child.exitStatus(), output)
    }

    func postmasterPID(_ data: String) -> Int32? {
        (try? String(contentsOfFile: data + "/pg/data/postmaster.pid", encoding: .utf8))?
            .split(separator: "\n").first.flatMap { Int32($0) }
    }

    @Test func lifecycleFromFirstStartToCleanShutdown() async throws {
        let root = try folder()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let data = root + "/data"

        // A fresh folder: migrate --status creates the cluster and lists the pending migration, then stops it.
        let (statusCode, status) = try await run(["migrate", "--status", "--data-dir", data])
        #expect(statusCode == 0, "\(status)")
        #expect(status.contains("pending  core/0001_directory"))
        #expect(postmasterPID(data) == nil, "a one-shot command stops the cluster it started")

        // The README's run command: the demo county in the embedded cluster.
        var transcript: [String] = []
        var (daemon, port) = try await startDaemon(data, ["--demo"], transcript: &transcript)
        #expect(!transcript.joined().contains("creating the embedded PostgreSQL cluster"), "the cluster from the first command is reused")
        let console = try await ConsoleClient.connect(port: port)
        #expect(try await console.send("AUTH admin admin-process-test").hasPrefix("+OK"))
        _ = try await console.send("FORMAT json")
        let found = try await console.json("MEMBER FIND 向")
        #expect(((found.data as? [Any])?.count ?? 0) > 0, "the demo county is loaded: \(found.raw)")

        // Accounts from the command line while the daemon runs.
        let (addCode, addOutput) = try await run(["user", "add", "clerk", "--role", "staff", "--password-stdin", "--data-dir", data],
                                                 stdin: "clerk-password\n")
        #expect(addCode == 0, "\(addOutput)")
        let clerk = try await ConsoleClient.connect(port: port)
        #expect(try await clerk.send("AUTH clerk clerk-password").hasPrefix("+OK logged in as clerk (staff)"))
        let (_, list) = try await run(["user", "list", "--data-dir", data])
        #expect(list.contains("admin\troles=admin") && list.contains("clerk\troles=staff"))
        #expect(postmasterPID(data) != nil, "a one-shot command leaves the daemon's cluster running")

        // A second daemon on the same folder is refused.
        let (secondCode, secondOutput) = try await run(["run", "--data-dir", data, "--console", "127.0.0.1:0"])
        #expect(secondCode == 3)
        #expect(secondOutput.contains("another huzhud"))

        // kill -9: the next start adopts the cluster the dead daemon left running.
        let survivingPID = try #require(postmasterPID(data))
        daemon.signal(SIGKILL)
        #expect(await daemon.exitStatus() == 128 + SIGKILL)
        transcript = []
        (daemon, port) = try await startDaemon(data, transcript: &transcript)
        #expect(transcript.contains { $0.contains("reusing the PostgreSQL cluster already running") })
        #expect(postmasterPID(data) == survivingPID)

        // SIGTERM: everything stops, the exit status is 0 and no postgres process is left.
        daemon.signal(SIGTERM)
        let rest = await daemon.remainingOutput()
        #expect(await daemon.exitStatus() == 0, "\(rest.joined(separator: "\n"))")
        #expect(rest.contains { $0.contains("huzhud stopped") })
        #expect(!EmbeddedCluster.isAlive(survivingPID), "the postmaster must be gone")
        #expect(postmasterPID(data) == nil)
    }

    /// As a normal user (the Docker image's and the systemd unit's way): the cluster runs as that user
    /// and the console accepts connections. Needs root to switch user; as a normal user it is that case.
    @Test func runsAsAnUnprivilegedUser() async throws {
        let root = try folder()
        defer { try? FileManager.default.removeItem(atPath: root) }
        var prefix: [String] = []
        if geteuid() == 0 {
            let nobody = try #require(getpwnam("nobody"))
            chown(root, nobody.pointee.pw_uid, nobody.pointee.pw_gid)
            prefix = ["/usr/bin/setpriv", "--reuid=\(nobody.pointee.pw_uid)", "--regid=\(nobody.pointee.pw_gid)", "--clear-groups", "--"]
        }
        let daemon = try ChildProcess(prefix.first ?? huzhud, Array(prefix.dropFirst()) + (prefix.isEmpty ? [] : [huzhud])
                                      + ["run", "--data-dir", root + "/data", "--console", "127.0.0.1:0"], environment: environment)
        var transcript: [String] = []
        let line = await daemon.waitForLine(containing: "listening: console", transcript: &transcript)
        let ready = try #require(line, "huzhud did not start:\n\(transcript.joined(separator: "\n"))")
        let port = try #require(ready.split(separator: "console 127.0.0.1:").last?.split(separator: ",").first.flatMap { Int($0) })
        let console = try await ConsoleClient.connect(port: port)
        #expect(try await console.send("PING") == "+PONG")
        #expect(try await console.send("AUTH admin admin-process-test").hasPrefix("+OK"))
        daemon.signal(SIGTERM)
        _ = await daemon.remainingOutput()
        #expect(await daemon.exitStatus() == 0)
    }

    @Test func missingPostgresProgramsGiveOneClearError() async throws {
        let root = try folder()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let (code, output) = try await run(["run", "--data-dir", root + "/data", "--pg-bin-dir", root])
        #expect(code == 1)
        #expect(output.contains("apt-get install postgresql"))
        #expect(output.split(separator: "\n").filter { $0.hasPrefix("huzhud:") }.count == 1)
    }

    @Test func badFlagsAreRefusedWithTheRightForm() async throws {
        let (code, output) = try await run(["run", "--console", "7700"])
        #expect(code != 0)
        #expect(output.contains("HOST:PORT"))
    }
}
