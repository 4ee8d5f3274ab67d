import HuzhuKit

/// The role loop every permission test shares: each command under each role, refused exactly when HELP
/// hides it from that role, and never run by a role that must never run it whatever HELP says (so the
/// check is not circular). Returns the problems found, one line each; an empty list is a pass.
public enum PermissionAudit {
    /// The command names a session's HELP lists.
    public static func helpNames(_ console: ConsoleClient) async throws -> [String] {
        let help = try await console.json("HELP")
        return (help.data as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
    }

    /// Runs each of `commands` bare (no arguments) under every role but `admin`, each role on its own
    /// account (`r_<role>`; the cadre scoped to `cadreVillages`), and reports:
    /// - a command HELP lists for the role but answered `DENIED`;
    /// - a command HELP hides from the role but not answered `DENIED`;
    /// - a command in `forbidden[role]` that HELP lists or that was not answered `DENIED`.
    public static func roleViolations(
        _ daemon: TestDaemon, commands: [String], forbidden: [Role: Set<String>], cadreVillages: [String] = ["1"]
    ) async throws -> [String] {
        var problems: [String] = []
        for role in Role.allCases where role != .admin {
            let console = try await daemon.console(as: "r_\(role.rawValue)", roles: [role], villages: role == .cadre ? cadreVillages : [])
            let visible = Set(try await helpNames(console))
            for name in commands {
                let answer = try await console.json(name)
                if visible.contains(name), answer.code == "DENIED" {
                    problems.append("\(role) may run \(name) (HELP lists it) but was denied: \(answer.raw)")
                }
                if !visible.contains(name), answer.code != "DENIED" {
                    problems.append("\(role) ran \(name), which HELP hides: \(answer.raw)")
                }
                if forbidden[role]?.contains(name) == true, visible.contains(name) || answer.code != "DENIED" {
                    problems.append("\(role) must never run \(name): \(answer.raw)")
                }
            }
            await console.close()
        }
        for (role, names) in forbidden {
            for name in names.subtracting(commands).sorted() {
                problems.append("forbidden[\(role)] names \(name), which is not among the commands checked (renamed?)")
            }
        }
        return problems
    }
}
