import Foundation
import HuzhuCore
import HuzhuCulture
import HuzhuKit
import HuzhuLabour
import HuzhuMarket
import HuzhuNotice
import HuzhuTesting
import Testing

/// Every command refuses the roles it does not name, checked in one place; every error code is reachable.
@Suite struct PermissionsTests {
    /// Over the whole registry: the core's commands and every built-in plugin's.
    @Test func everyCommandRefusesRolesBelowItsOwn() async throws {
        try await withTestDaemon(plugins: [LabourPlugin.self, CulturePlugin.self, MarketPlugin.self, NoticePlugin.self]) { daemon in
            #expect(try await daemon.console().json("VILLAGE ADD 咸水村 township=古夫镇").ok)
            let names = try await PermissionAudit.helpNames(daemon.console()).filter { !["QUIT", "AUTH"].contains($0) }
            #expect(names.count > 120, "the core's and the plugins' commands: \(names.count)")
            // What a role must never be allowed, whatever HELP says (so the check is not circular).
            let forbidden: [Role: Set<String>] = [
                .gateway: ["MEMBER FIND", "MEMBER ADD", "USER ADD", "AUDIT LIST", "NOTICE POST", "BUS TAIL",
                           "LABOUR REQUEST ADD", "LABOUR ASSIGN", "CULTURE EVENT ADD", "MARKET DEAL ADD", "MARKET PRICE ADD", "SMS SEND"],
                .readonly: ["MEMBER ADD", "MEMBER EDIT", "HOUSEHOLD ADD", "USER ADD", "VILLAGE ADD", "NOTICE POST",
                            "LABOUR WORKER ADD", "LABOUR ASSIGN", "CULTURE RULE EDIT", "CULTURE EVENT ADD", "MARKET DEAL SETTLE", "SMS SEND", "SMS WORD ADD"],
                .cadre: ["USER ADD", "USER LIST", "VILLAGE ADD", "BUS STATS", "LABOUR EXPIRE", "CULTURE REMIND", "MARKET ALERT RUN"],
                .labour: ["USER ADD", "MEMBER ADD", "VILLAGE EDIT", "CULTURE RULE EDIT", "MARKET DEAL SETTLE"],
                .culture: ["USER ADD", "LABOUR ASSIGN", "MARKET DEAL SETTLE"],
                .market: ["USER ADD", "LABOUR ASSIGN", "CULTURE RULE EDIT"],
                .staff: ["USER ADD", "USER LIST", "USER TOKEN", "USER PASSWD"],
            ]
            for problem in try await PermissionAudit.roleViolations(daemon, commands: names, forbidden: forbidden) {
                Issue.record(Comment(rawValue: problem))
            }
        }
    }

    @Test func aCadreSeesAndChangesOnlyItsVillages() async throws {
        try await withTestDaemon { daemon in
            let admin = try await daemon.console()
            for name in ["咸水村", "青草村"] {
                #expect(try await admin.json("VILLAGE ADD \(name) township=古夫镇").ok)
            }
            let mine = try await admin.json("HOUSEHOLD ADD village=1 address=一组")
            let theirs = try await admin.json("HOUSEHOLD ADD village=2 address=二组")
            let theirID = (theirs.data as? [String: Any])?["id"] as? Int
            #expect(mine.ok && theirID != nil)
            let cadre = try await daemon.console(as: "xianshui", roles: [.cadre], villages: ["咸水村"])
            #expect(try await cadre.json("HOUSEHOLD SHOW \(theirID!)").code == "NOT_FOUND")
            #expect(try await cadre.json("HOUSEHOLD ADD village=2").code == "DENIED")
            #expect(try await cadre.json("HOUSEHOLD FIND village=2").code == "DENIED")
            #expect(try await cadre.json("HOUSEHOLD ADD village=1 no_labour=yes").ok)
            #expect((try await cadre.json("HOUSEHOLD FIND village=1").data as? [Any])?.count == 2)
            #expect((try await cadre.json("HOUSEHOLD FIND village=1 flag=no_labour").data as? [Any])?.count == 1)
            #expect(try await cadre.json("HOUSEHOLD FIND village=1 flag=rich").code == "SYNTAX")
            #expect(try await cadre.json("MEMBER ADD 张大爷 village=2").code == "DENIED")
            let added = try await cadre.json("MEMBER ADD 张大爷 village=1 phone=13900001111")
            #expect(added.ok)
            let found = try await admin.json("MEMBER ADD 李四 village=2 phone=13900002222")
            let theirMember = (found.data as? [String: Any])?["id"] as? Int
            #expect(try await cadre.json("MEMBER EDIT \(theirMember!) name=改名").code == "NOT_FOUND")
            #expect(((try await cadre.json("MEMBER FIND 13900002222").data as? [Any])?.count) == 0)
        }
    }

    @Test func everyErrorCodeIsReachable() async throws {
        try await withTestDaemon(plugins: [GoodPlugin.self]) { daemon in
            let anonymous = try await daemon.console(user: nil, json: false)
            #expect(try await anonymous.send("MEMBER FIND x").hasPrefix("-AUTH "))
            let console = try await daemon.console()
            var seen = Set<String>()
            func check(_ line: String, _ code: String) async throws {
                let answer = try await console.json(line)
                #expect(answer.code == code, "\(line) → \(answer.raw)")
                #expect((answer.message ?? "").count > 10, "the message says what to do: \(answer.raw)")
                seen.insert(answer.code ?? "")
            }
            try await check(#"MEMBER FIND "open"#, "SYNTAX")
            try await check("FROB", "UNKNOWN_COMMAND")
            try await check("MEMBER SHOW 999999", "NOT_FOUND")
            #expect(try await console.json("VILLAGE ADD 咸水村 township=古夫镇").ok)
            try await check("VILLAGE ADD 咸水村 township=古夫镇", "CONFLICT")
            try await check("MEMBER ADD 张三 village=1 phone=12345", "INVALID")
            try await check("GOOD CRASH", "INTERNAL")
            try await console.sendLines([String(repeating: "长", count: 6_000)])
            let limit = try ConsoleAnswerCheck.parse(try await console.readLine())
            #expect(limit.code == "LIMIT")
            seen.insert("LIMIT")
            let reader = try await daemon.console(as: "reader", roles: [.readonly])
            #expect(try await reader.json("MEMBER ADD 王五 village=1").code == "DENIED")
            seen.formUnion(["AUTH", "DENIED"])

            // The database goes away: answers say UNAVAILABLE, and service resumes by itself when it returns.
            try await daemon.database.setConnections(allowed: false)
            let unavailable = try await console.json("MEMBER FIND 张")
            #expect(unavailable.code == "UNAVAILABLE", "\(unavailable.raw)")
            seen.insert(unavailable.code ?? "")
            try await daemon.database.setConnections(allowed: true)
            // The pool reconnects with its own backoff: a client told UNAVAILABLE retries, as a gateway
            // would; each attempt waits up to the 5 s bound for a connection, so this is no sleep.
            var resumed = try await console.json("MEMBER FIND 张")
            for _ in 0..<5 where resumed.code == "UNAVAILABLE" { resumed = try await console.json("MEMBER FIND 张") }
            #expect(resumed.ok, "the pool reconnects by itself: \(resumed.raw)")

            #expect(seen == Set(HuzhuError.Code.allCases.map(\.rawValue)))
        }
    }
}
