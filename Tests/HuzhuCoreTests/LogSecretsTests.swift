import Foundation
import HuzhuCore
import HuzhuKit
import HuzhuNotice
import HuzhuTesting
import Logging
import Testing

/// Passwords, machine tokens and farmers' phone numbers never reach the log, even at debug level, whatever
/// the commands do (including failing ones).
@Suite struct LogSecretsTests {
    @Test(arguments: [Logger.Level.info, .debug])
    func secretsNeverReachTheLog(level: Logger.Level) async throws {
        let log = CapturedLog()
        let password = "Sekr1t-\(UUID().uuidString.prefix(8))"
        let phone = "13912345678"
        var token = ""
        try await withTestDaemon(plugins: [NoticePlugin.self], configure: { $0.quietHours = (0, 0) }, logger: log.logger(level: level)) { daemon in
            let admin = try await daemon.console()
            #expect(try await admin.json("VILLAGE ADD 咸水村 township=古夫镇").ok)
            #expect(try await admin.json("USER ADD gw1 role=gateway password=\(password)").ok)
            let issued = try await admin.json("USER TOKEN gw1")
            token = (issued.data as? [String: Any])?["token"] as? String ?? ""
            #expect(!token.isEmpty, "\(issued.raw)")
            let wrong = try await daemon.console(user: nil)
            _ = try await wrong.send("AUTH gw1 \(password)x")
            let gateway = try await daemon.console(user: "gw1", password: password)
            #expect(try await gateway.json(#"SMS IN \#(phone) "注册 张三 咸水村""#).ok)
            _ = try await gateway.json(#"SMS IN \#(phone) "找人 插秧""#)
            _ = try await admin.json("MEMBER ADD 李四 village=1 phone=\(phone)")  // a conflict, logged or not
            _ = try await admin.json("USER PASSWD gw1 \(password)2")
        }
        let text = log.text
        #expect(!text.isEmpty, "the daemon logged something at \(level)")
        #expect(!text.contains(password), "a password reached the log")
        #expect(!text.contains(token), "a machine token reached the log")
        #expect(!text.contains(phone) && !text.contains("+86\(phone)"), "a phone number reached the log")
    }
}
