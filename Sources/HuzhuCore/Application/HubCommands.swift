import Foundation
import HuzhuDemo
import HuzhuKit
import HuzhuStore
import Logging

extension Actor {
    /// A command-line tool run by an operating-system user.
    public static var cli: Actor {
        // The effective user, from the user database: USER may be unset (containers) or stale (su).
        let name = getpwuid(geteuid()).map { String(cString: $0.pointee.pw_name) } ?? "uid\(geteuid())"
        let sudo = ProcessInfo.processInfo.environment["SUDO_USER"].map { " (sudo by \($0))" } ?? ""
        return Actor("cli:\(name)\(sudo)")
    }
}

/// The work behind `huzhud`'s one-shot subcommands, kept here so tests can call it too.
public enum HubCommands {
    /// Accounts with the configured hashing cost.
    public static func accounts(_ store: HubStore, _ configuration: HuzhuConfiguration, _ logger: Logger) -> StaffAccounts {
        StaffAccounts(store: store.handle, hasher: PasswordHasher(rounds: configuration.passwordRounds))
    }

    /// Lines for `huzhud migrate --status`.
    public static func migrationStatus(_ store: HubStore, plugins: [any HuzhuPlugin.Type], logger: Logger) async throws -> [String] {
        let (migrations, _) = HubStore.migrations(plugins: plugins)
        let rows = try await Migrator(client: store.client, logger: logger).status(migrations)
        let formatter = ISO8601DateFormatter()
        return rows.map { row in
            let applied = row.appliedAt.map { formatter.string(from: $0) } ?? ""
            return "\(row.state.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)) \(row.module)/\(String(format: "%04d", row.version))_\(row.name) \(applied)"
        }
    }

    /// Applies pending migrations; returns their labels (`core/0001_directory`).
    public static func migrate(_ store: HubStore, plugins: [any HuzhuPlugin.Type], logger: Logger) async throws -> [String] {
        try await store.migrate(plugins: plugins, logger: logger).map(\.label)
    }

    /// Loads the demo county and describes what was loaded.
    public static func loadDemo(_ store: HubStore, logger: Logger) async throws -> String {
        let summary = try await DemoCounty.load(into: store.client, logger: logger)
        return "loaded the demo county in \(String(format: "%.1f", summary.seconds)) s: \(summary.townships) townships, "
            + "\(summary.villages) villages, \(summary.groups) groups, \(summary.households) households, \(summary.members) members"
    }
}
