import Foundation
import Testing

/// The gateway programs the end-to-end tests drive are installed (`.ci/run` installs them).
@Suite struct GatewayToolsTests {
    @Test(arguments: ["/usr/sbin/bearerbox", "/usr/sbin/smsbox", "/usr/lib/kannel/test/fakesmsc", "/usr/bin/gammu-smsd", "/usr/bin/gammu-smsd-inject"])
    func isInstalled(_ path: String) {
        #expect(FileManager.default.isExecutableFile(atPath: path), "\(path) is missing: run .ci/run or apt-get install kannel kannel-extras gammu gammu-smsd")
    }
}
