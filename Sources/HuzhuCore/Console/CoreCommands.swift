import HuzhuConsole
import HuzhuKit

/// The hub's own console commands, gathered into a registry that plugins then add to.
enum CoreCommands {
    static func registry(hub: Hub) throws -> ConsoleRegistry {
        var registry = ConsoleRegistry()
        for command in systemCommands(hub) + userCommands(hub) + villageCommands(hub) + householdCommands(hub) + memberCommands(hub)
            + smsOutboxCommands(hub) + smsIntakeCommands(hub) + smsWordCommands(hub) + smsStaffCommands(hub) {
            try registry.register(command, owner: "core")
        }
        return registry
    }

    /// Who may read the directory: staff of every association, cadres (scoped) and read-only accounts.
    static let directoryReaders: ConsoleAccess = .roles([.staff, .cadre, .labour, .culture, .market, .readonly])
    /// Who may change households and members: the centre's staff and cadres (scoped).
    static let directoryWriters: ConsoleAccess = .roles([.staff, .cadre])
    static let adminOnly: ConsoleAccess = .roles([])
}

extension LocalizedText {
    /// Shorthand for command summaries.
    static func summary(_ en: String, _ zh: String) -> LocalizedText { LocalizedText(en: en, zh: zh) }
}
