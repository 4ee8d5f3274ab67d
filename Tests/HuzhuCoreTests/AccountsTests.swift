import Foundation
import HuzhuCore
import HuzhuKit
import HuzhuTesting
import PostgresNIO
import Testing

@Suite struct AccountsTests {
    @Test func hashesAreSaltedAndVerifyOnlyTheRightPassword() throws {
        let hasher = PasswordHasher(rounds: 1_000)
        let first = try hasher.hash("correct horse")
        let second = try hasher.hash("correct horse")
        #expect(first != second, "the same password must hash differently (salt)")
        #expect(first.hasPrefix("pbkdf2-sha256$1000$"))
        #expect(hasher.verify("correct horse", against: first))
        #expect(hasher.verify("correct horse", against: second))
        #expect(!hasher.verify("correct hors", against: first))
        #expect(!hasher.verify("correct horse", against: "pbkdf2-sha256$x$y$z"))
        #expect(PasswordHasher.defaultRounds >= 600_000)
    }

    @Test func accountsLifecycleIsAuditedWithoutSecrets() async throws {
        try await withTestStore { store, client in
            let logger = TestLog.logger
            let directory = Directory(store: store)
            let township = try await directory.addTownship(name: "昭君镇", actor: .system)
            let village = try await directory.addVillage(townshipID: township, name: "昭君村", latitude: nil, longitude: nil, actor: .system)
            let accounts = StaffAccounts(store: store, hasher: PasswordHasher(rounds: 1_000))

            try await accounts.add(username: "cadre1", roles: [.cadre], villages: ["昭君村"], password: "first-pass", actor: .staff("admin"))
            let caller = try #require(try await accounts.verify(username: "cadre1", password: "first-pass"))
            #expect(caller.roles == [.cadre])
            #expect(caller.villages == [village])
            #expect(caller.isScoped)
            let wrong = try await accounts.verify(username: "cadre1", password: "wrong-pass")
            #expect(wrong == nil)
            let unknown = try await accounts.verify(username: "nobody", password: "first-pass")
            #expect(unknown == nil)

            try await accounts.setPassword(username: "cadre1", password: "second-pass", actor: .staff("admin"))
            let old = try await accounts.verify(username: "cadre1", password: "first-pass")
            #expect(old == nil)
            let new = try await accounts.verify(username: "cadre1", password: "second-pass")
            #expect(new != nil)

            let duplicate = await #expect(throws: HuzhuError.self) {
                try await accounts.add(username: "cadre1", roles: [.staff], password: "another-pass", actor: .staff("admin"))
            }
            #expect(duplicate?.code == .conflict)
            let short = await #expect(throws: HuzhuError.self) {
                try await accounts.add(username: "x", roles: [.staff], password: "short", actor: .staff("admin"))
            }
            #expect(short?.code == .invalid)
            let badVillage = await #expect(throws: HuzhuError.self) {
                try await accounts.add(username: "y", roles: [.cadre], villages: ["没有这个村"], password: "long-enough", actor: .staff("admin"))
            }
            #expect(badVillage?.code == .notFound)

            let rows = try await client.query(
                "SELECT action, coalesce(after::text, '') FROM audit_log WHERE target LIKE 'account:%' ORDER BY id", logger: logger)
            var actions: [String] = []
            for try await (action, after) in rows.decode((String, String).self) {
                actions.append(action)
                #expect(!after.contains("pbkdf2"), "hashes never go into the audit log")
            }
            #expect(actions == ["account.add", "account.passwd"])
        }
    }
}
