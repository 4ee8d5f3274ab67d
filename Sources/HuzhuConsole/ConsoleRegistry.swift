import HuzhuKit

/// All console commands by name. Built once at start; duplicates are refused there.
public struct ConsoleRegistry: Sendable {
    private(set) var commands: [String: ConsoleCommand] = [:]
    /// The most words any command name has, to bound the lookup.
    private var longestName = 1

    public init() {}

    /// Adds a command; fails if its name is taken (by the hub or another plugin).
    public mutating func register(_ command: ConsoleCommand, owner: String) throws(HuzhuError) {
        if commands[command.name] != nil {
            throw HuzhuError(.conflict, "console command \(command.name) of \(owner) is already registered by another module")
        }
        commands[command.name] = command
        longestName = max(longestName, command.name.split(separator: " ").count)
    }

    /// The command named by the leading unquoted words (longest match), with how many words it used.
    public func resolve(_ words: [ParsedLine.Word]) -> (ConsoleCommand, Int)? {
        var count = min(longestName, words.count)
        while count > 0 {
            let head = words.prefix(count)
            if head.allSatisfy({ !$0.quoted }) {
                let name = head.map { $0.text.uppercased() }.joined(separator: " ")
                if let command = commands[name] { return (command, count) }
            }
            count -= 1
        }
        return nil
    }

    /// Commands a caller may run, sorted by name.
    public func visible(to caller: ConsoleCaller?) -> [ConsoleCommand] {
        commands.values.filter { $0.access.allows(caller) }.sorted { $0.name < $1.name }
    }

    /// Every command, sorted by name.
    public var all: [ConsoleCommand] { commands.values.sorted { $0.name < $1.name } }

    /// A command by exact name.
    public func command(named name: String) -> ConsoleCommand? { commands[name.uppercased()] }

    /// Names that start with `word` (for "did you mean" in UNKNOWN_COMMAND).
    public func names(startingWith word: String) -> [String] {
        let prefix = word.uppercased() + " "
        return commands.keys.filter { $0.hasPrefix(prefix) }.sorted()
    }
}
