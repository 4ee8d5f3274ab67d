import Foundation
import HuzhuDemo
import HuzhuKit
import Logging
import PostgresNIO

/// What happens on a fresh store: the first `admin` account, and the demo county when asked for.
enum FirstStart {
    /// Creates `admin` when no account exists. Its password comes from `HUZHU_ADMIN_PASSWORD`, or is
    /// random and printed once on standard output (never logged).
    static func ensureAdmin(_ accounts: StaffAccounts, password: String?, logger: Logger) async throws {
        guard try await accounts.isEmpty() else { return }
        let chosen = password ?? PasswordHasher.randomPassword()
        do {
            try await accounts.add(username: "admin", roles: [.admin], password: chosen, actor: .system)
        } catch let error as HuzhuError where error.code == .conflict {
            return  // another process created it at the same moment
        }
        if password == nil {
            // Written straight to the descriptor: print() is block-buffered when stdout is redirected.
            FileHandle.standardOutput.write(Data("""
                ┌──────────────────────────────────────────────────────────────┐
                  First start: created the console account 'admin'.
                  Password (shown only this once): \(chosen)
                  Change it with: huzhud user passwd admin --password-stdin
                └──────────────────────────────────────────────────────────────┘

                """.utf8))
        } else {
            logger.notice("created the console account 'admin' with the password from HUZHU_ADMIN_PASSWORD")
        }
    }

    /// Loads the demo county unless the directory already has villages.
    /// True when the store holds the demo county (so plugins add their demo data to it).
    static func hasDemoCounty(_ client: PostgresClient, logger: Logger) async throws -> Bool {
        let rows = try await client.query("SELECT EXISTS (SELECT 1 FROM member WHERE is_demo)", logger: logger)
        return try await rows.decode(Bool.self).firstElement() ?? false
    }

    static func loadDemoIfEmpty(_ client: PostgresClient, logger: Logger) async throws {
        let rows = try await client.query("SELECT count(*) FROM village", logger: logger)
        guard try await rows.decode(Int.self).first(where: { _ in true }) == 0 else {
            logger.info("--demo: the directory already has villages; not loading the demo county again")
            return
        }
        let summary = try await DemoCounty.load(into: client, logger: logger)
        logger.notice("loaded the demo county: \(summary.villages) villages, \(summary.households) households, \(summary.members) members in \(summary.seconds) s")
    }
}
