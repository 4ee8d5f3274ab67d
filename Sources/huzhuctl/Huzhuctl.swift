import ArgumentParser
import HuzhuctlCore

@main
struct Huzhuctl: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "huzhuctl",
        abstract: "The Huzhu admin console client.",
        discussion: """
            Interactive (stdin is a terminal, no -c): a huzhu> prompt with line editing and history \
            (~/.huzhuctl_history). QUIT, exit or Ctrl-D leaves.

            One-shot (-c, repeatable) and stdin mode (commands piped in, one per line): runs the commands \
            in order and prints each answer. Exit status: 0 when every answer was ok, 1 when any failed, \
            2 when the connection or the login failed. If a BUS TAIL is still on after the last command, \
            its events are shown until Ctrl-C.

            Settings: flags, then HUZHU_HOST, HUZHU_PORT, HUZHU_SOCKET, HUZHU_USER, HUZHU_PASSWORD, then \
            the --config file (key = "value" lines: host, port, socket, user, password).
            """)

    @Option(help: "The console's host (default 127.0.0.1).")
    var host: String?

    @Option(help: "The console's TCP port (default 7700).")
    var port: Int?

    @Option(help: ArgumentHelp("Connect to the console's Unix socket instead of TCP.", valueName: "path"))
    var socket: String?

    @Option(help: "Log in as this account (AUTH).")
    var user: String?

    @Flag(name: .customLong("password-stdin"), help: "Read the password from the first line of standard input (in stdin mode, the commands follow it).")
    var passwordStdin = false

    @Flag(help: "Print answers as the server's raw JSON lines (the session runs in FORMAT json).")
    var json = false

    @Option(name: [.customShort("c"), .customLong("command")], help: ArgumentHelp("Run this command (repeatable; in order), then exit.", valueName: "command"))
    var commands: [String] = []

    @Option(help: ArgumentHelp("Read settings from this file.", valueName: "file"))
    var config: String?

    func validate() throws {
        if socket != nil, host != nil || port != nil {
            throw ValidationError("use either --socket or --host/--port")
        }
    }

    func run() throws {
        let code = Client(options: self).run()
        if code != 0 { throw ExitCode(code) }
    }
}

/// What huzhuctl does once the arguments are read.
struct Client {
    let options: Huzhuctl

    func run() -> Int32 {
        Signals.install()
        let settings: Settings
        do {
            settings = try resolveSettings()
        } catch {
            return fatal(error.message)
        }
        let input = InputReader(fd: 0)
        let interactive = options.commands.isEmpty && Terminal.isTTY(0)

        var password = settings.password
        if options.passwordStdin {
            let line = Terminal.isTTY(0) ? Terminal.readSecret(prompt: "password: ", from: input)
                : input.readLineBlocking().map { String(decoding: $0, as: UTF8.self) }
            guard let line else { return fatal("--password-stdin: no password on standard input") }
            password = line
        }
        var user = settings.user
        if interactive, user == nil {
            guard let name = Terminal.readLine(prompt: "user (empty: do not log in): ", from: input) else { return fatal("interrupted") }
            user = name.trimmingCharacters(" \t").isEmpty ? nil : name.trimmingCharacters(" \t")
        }
        if options.passwordStdin, user == nil {
            return fatal("--password-stdin: no user to log in as (--user, HUZHU_USER or the config file)")
        }
        if let user, password == nil {
            guard Terminal.isTTY(0) else {
                return fatal("no password for \(user): set HUZHU_PASSWORD, use --password-stdin, or put it in the --config file")
            }
            guard let secret = Terminal.readSecret(prompt: "password for \(user): ", from: input) else { return fatal("interrupted") }
            password = secret
        }

        let connection: Connection
        do {
            connection = try Connection.open(settings.endpoint)
        } catch {
            return fatal(error.message)
        }
        let session = Session(connection: connection)
        let wantedFormat: SessionFormat = interactive && !options.json ? .text : .json
        if let user {
            guard let answer = login(session, user: user, password: password ?? "") else {
                return fatal(session.isClosed ? session.closeReason : "interrupted")
            }
            guard answer.ok else {
                var message = "login failed"
                if case .error(let code, let text) = answer.body { message += ": \(code == "AUTH" ? "" : code + " ")\(text)" }
                return fatal(message)
            }
            if interactive, case .line(let text) = answer.body { Terminal.out(text) }
            if wantedFormat == .json {
                session.send("FORMAT json", expecting: Expectation(kind: .format(.json), isInternal: true))
            }
        }

        if interactive {
            let home = Terminal.homeDirectory
            guard let editor = LineEditor(historyPath: home.map { $0 + "/.huzhuctl_history" }) else {
                return fatal("cannot start the line editor (libedit)")
            }
            return InteractiveRunner(session: session, input: input, editor: editor, wantedFormat: wantedFormat).run()
        }
        let source: BatchRunner.Source = options.commands.isEmpty
            ? .input(input)
            : .commands(options.commands.flatMap { $0.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) })
        return BatchRunner(session: session, source: source, rawJSON: options.json, status: ExitStatus()).run()
    }

    /// Sends AUTH and waits for its answer (nil if the connection ended or a signal came first).
    private func login(_ session: Session, user: String, password: String) -> Answer? {
        var result: Answer?
        session.onItem = { item in
            switch item {
            case .answer(let answer): result = answer
            case .unsolicited(let line): Terminal.err(line)
            case .event: break
            }
        }
        session.send(CommandInfo.authLine(user: user, password: password), expecting: Expectation(kind: .auth, isInternal: true))
        while result == nil, !session.isClosed {
            if session.wait(input: nil, timeout: .seconds(30)) == .signal, Signals.take() != nil { return nil }
        }
        return result
    }

    private func resolveSettings() throws(SettingsError) -> Settings {
        let flags = SettingsLayer(host: options.host, port: options.port.map(String.init), socket: options.socket, user: options.user)
        var environment: [String: String] = [:]
        for name in ["HUZHU_HOST", "HUZHU_PORT", "HUZHU_SOCKET", "HUZHU_USER", "HUZHU_PASSWORD"] {
            environment[name] = Terminal.environment(name)
        }
        var config = SettingsLayer()
        if let path = options.config {
            let text: String
            let othersMayRead: Bool
            switch Terminal.readFile(path) {
            case .success(let file): (text, othersMayRead) = file
            case .failure(let error): throw SettingsError("cannot read the config file \(path): \(error.message)")
            }
            do {
                config = try ConfigFile.parse(text)
            } catch {
                throw SettingsError("\(path): \(error.message)")
            }
            if config.password != nil, othersMayRead {
                Terminal.err("huzhuctl: warning: \(path) holds a password and others may read it (chmod 600 \(path))")
            }
        }
        return try Settings.resolve(flags: flags, environment: SettingsLayer(environment: environment), config: config)
    }

    private func fatal(_ message: String) -> Int32 {
        Terminal.err("huzhuctl: \(message)")
        return ExitStatus.connectionFailed
    }
}
