import ArgumentParser
import Foundation
import HuzhuCore
import HuzhuKit

extension Huzhud {
    struct User: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Console accounts; works whether the daemon runs or not.", subcommands: [Add.self, Passwd.self, List.self])

        struct Add: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Create a console account.")
            @OptionGroup var store: StoreOptions
            @Argument(help: "Account name") var name: String
            @Option(help: "Role (repeatable): \(Role.allCases.map(\.rawValue).joined(separator: ", "))") var role: [String] = []
            @Option(help: "Village id or name the account is limited to (repeatable; none: all villages)") var village: [String] = []
            @Flag(help: "Read the password from standard input (first line)") var passwordStdin = false

            func run() async throws {
                let roles = try role.map { text in
                    do { return try Role.parse(text) } catch let error as HuzhuError { throw ValidationError(error.message.en) }
                }
                guard !roles.isEmpty else { throw ValidationError("give at least one --role (\(Role.allCases.map(\.rawValue).joined(separator: ", ")))") }
                let password = try PasswordInput.read(fromStdin: passwordStdin)
                let configuration = try store.resolve()
                let logger = store.logger(configuration)
                let (name, village) = (self.name, self.village)
                try await CLIErrors.reporting {
                    try await HubStore.withStore(configuration, logger: logger) { hub in
                        try await hub.migrate(plugins: enabledPlugins(configuration), logger: logger)
                        let id = try await HubCommands.accounts(hub, configuration, logger).add(
                            username: name, roles: roles, villages: village, password: password, actor: .cli)
                        print("created account \(name) (id \(id))")
                    }
                }
            }
        }

        struct Passwd: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Set an account's password.")
            @OptionGroup var store: StoreOptions
            @Argument(help: "Account name") var name: String
            @Flag(help: "Read the password from standard input (first line)") var passwordStdin = false

            func run() async throws {
                let password = try PasswordInput.read(fromStdin: passwordStdin)
                let configuration = try store.resolve()
                let logger = store.logger(configuration)
                let name = self.name
                try await CLIErrors.reporting {
                    try await HubStore.withStore(configuration, logger: logger) { hub in
                        try await hub.migrate(plugins: enabledPlugins(configuration), logger: logger)
                        try await HubCommands.accounts(hub, configuration, logger).setPassword(username: name, password: password, actor: .cli)
                        print("password changed for \(name)")
                    }
                }
            }
        }

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List console accounts.")
            @OptionGroup var store: StoreOptions

            func run() async throws {
                let configuration = try store.resolve()
                let logger = store.logger(configuration)
                try await CLIErrors.reporting {
                    try await HubStore.withStore(configuration, logger: logger) { hub in
                        try await hub.migrate(plugins: enabledPlugins(configuration), logger: logger)
                        for account in try await HubCommands.accounts(hub, configuration, logger).list() {
                            let villages = account.villages.isEmpty ? "all" : account.villages.map(String.init).joined(separator: ",")
                            print("\(account.username)\troles=\(account.roles.map(\.rawValue).joined(separator: ","))\tvillages=\(villages)\(account.disabled ? "\tdisabled" : "")")
                        }
                    }
                }
            }
        }
    }
}

/// Reads a password without putting it on the command line (where `ps` would show it).
enum PasswordInput {
    static func read(fromStdin: Bool) throws -> String {
        guard fromStdin else {
            throw ValidationError("pass the password on standard input with --password-stdin, e.g. echo 'secret-pass' | huzhud user add NAME --role staff --password-stdin")
        }
        guard let line = readLine(strippingNewline: true), !line.isEmpty else {
            throw ValidationError("no password on standard input: send one line holding the password")
        }
        return line
    }
}

/// Prints hub errors as one clear line and exits non-zero instead of a stack of Swift error text.
enum CLIErrors {
    static func reporting(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let error as HuzhuError {
            FileHandle.standardError.write(Data("huzhud: \(error.message.en)\n".utf8))
            throw ExitCode(error.code == .conflict ? 3 : 1)
        }
    }
}
