import HuzhuctlCore
import Testing

@Suite("Settings")
struct SettingsTests {
    @Test func defaults() throws {
        let settings = try Settings.resolve(flags: .init(), environment: .init(), config: .init())
        #expect(settings == Settings(endpoint: .tcp(host: "127.0.0.1", port: 7700), user: nil, password: nil))
    }

    @Test func flagsBeatEnvironmentBeatsConfig() throws {
        let config = SettingsLayer(host: "config-host", port: "1111", user: "config-user", password: "config-pw")
        let environment = SettingsLayer(environment: ["HUZHU_HOST": "env-host", "HUZHU_PORT": "2222", "HUZHU_USER": "env-user", "HUZHU_PASSWORD": "env-pw"])
        let flags = SettingsLayer(port: "3333", user: "flag-user")

        let all = try Settings.resolve(flags: flags, environment: environment, config: config)
        #expect(all.endpoint == .tcp(host: "env-host", port: 3333))
        #expect(all.user == "flag-user")
        // The environment's and the config file's passwords are for their own users.
        #expect(all.password == nil)
        let withPassword = try Settings.resolve(flags: flags, environment: SettingsLayer(password: "env-pw"), config: config)
        #expect(withPassword.password == "env-pw")

        let noFlags = try Settings.resolve(flags: .init(), environment: environment, config: config)
        #expect(noFlags == Settings(endpoint: .tcp(host: "env-host", port: 2222), user: "env-user", password: "env-pw"))

        let configOnly = try Settings.resolve(flags: .init(), environment: .init(), config: config)
        #expect(configOnly == Settings(endpoint: .tcp(host: "config-host", port: 1111), user: "config-user", password: "config-pw"))
    }

    @Test func emptyEnvironmentVariablesCountAsUnset() {
        #expect(SettingsLayer(environment: ["HUZHU_HOST": "", "HUZHU_USER": "x"]) == SettingsLayer(user: "x"))
    }

    @Test func aPasswordIsNotUsedForAnotherUser() throws {
        let config = SettingsLayer(user: "alice", password: "alice-pw")
        let other = try Settings.resolve(flags: .init(user: "bob"), environment: .init(), config: config)
        #expect(other.user == "bob")
        #expect(other.password == nil)
        let same = try Settings.resolve(flags: .init(user: "alice"), environment: .init(), config: config)
        #expect(same.password == "alice-pw")
        // A password given without a user applies to whoever logs in.
        let env = try Settings.resolve(flags: .init(user: "bob"), environment: .init(password: "pw"), config: config)
        #expect(env.password == "pw")
    }

    @Test func theStrongestSourceNamingAnEndpointChoosesSocketOrTCP() throws {
        let configSocket = SettingsLayer(socket: "/run/huzhu/console.sock")
        #expect(try Settings.resolve(flags: .init(), environment: .init(), config: configSocket).endpoint == .unix(path: "/run/huzhu/console.sock"))
        // A --port flag is not overruled by the config file's socket.
        #expect(try Settings.resolve(flags: .init(port: "7795"), environment: .init(), config: configSocket).endpoint == .tcp(host: "127.0.0.1", port: 7795))
        // A socket flag wins over a host from the environment.
        #expect(try Settings.resolve(flags: .init(socket: "/tmp/s"), environment: .init(host: "h"), config: .init()).endpoint == .unix(path: "/tmp/s"))
    }

    @Test(arguments: ["0", "65536", "http", "-1", ""])
    func badPorts(_ port: String) {
        #expect(throws: SettingsError.self) {
            try Settings.resolve(flags: .init(), environment: .init(), config: SettingsLayer(port: port))
        }
    }

    @Test func configFile() throws {
        let layer = try ConfigFile.parse("""
            # huzhuctl settings
            [huzhuctl]
            host = "10.0.0.5"   # the hub
            port = 7795
            user = '管理员'
            password = "p#ss \\"word\\" \\u5F20"

            """)
        #expect(layer == SettingsLayer(host: "10.0.0.5", port: "7795", user: "管理员", password: "p#ss \"word\" 张"))
        #expect(try ConfigFile.parse("socket=/run/huzhu.sock\r\n") == SettingsLayer(socket: "/run/huzhu.sock"))
    }

    @Test(arguments: ["hostname = \"x\"", "host", "host = ", "host = \"open", "host = \"a\" b", "password = \"\\q\""])
    func badConfigFiles(_ text: String) {
        #expect(throws: SettingsError.self) { try ConfigFile.parse(text) }
    }

    @Test func configErrorsNameTheLine() {
        #expect(throws: SettingsError("line 2: unknown key \"prot\" (known: host, port, socket, user, password)")) {
            try ConfigFile.parse("host = \"a\"\nprot = 1\n")
        }
    }
}
