import Foundation
import Testing

/// The gateway programs the end-to-end tests drive are installed (`.ci/run` installs them).
@Suite struct GatewayToolsTests {
    @Test(arguments: ["/usr/sbin/bearerbox", "/usr/sbin/smsbox", "/usr/lib/kannel/test/fakesmsc", "/usr/bin/gammu-smsd",
                      "/usr/bin/gammu-smsd-inject", "/usr/bin/gammu"])
    func isInstalled(_ path: String) {
        #expect(FileManager.default.isExecutableFile(atPath: path), "\(path) is missing: run .ci/run or apt-get install kannel kannel-extras gammu gammu-smsd")
    }

    /// scripts/sms (the relay, the RunOnReceive script) are Python 3 with its standard library only.
    @Test func python3IsOnThePath() {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        let found = path.split(separator: ":").contains { FileManager.default.isExecutableFile(atPath: "\($0)/python3") }
        #expect(found, "python3 is missing: apt-get install python3-minimal (scripts/sms/huzhu-relay, huzhu-gammu-receive)")
    }

    @Test(arguments: ["huzhu-relay", "huzhu-gammu-receive"])
    func scriptIsExecutable(_ name: String) {
        #expect(FileManager.default.isExecutableFile(atPath: Harness.root + "/scripts/sms/" + name))
    }
}
