import HuzhuCore
import HuzhuKit
import Testing

@Suite struct ConfigurationTests {
    let file = """
        # huzhu.toml
        data_dir = "/srv/huzhu"
        console = "127.0.0.1:7800"
        time_zone = "Asia/Urumqi"
        demo = true
        disabled_plugins = ["market", "culture"]
        """

    @Test func flagsBeatEnvironmentBeatFileBeatDefaults() throws {
        let configuration = try HuzhuConfiguration.resolve(
            flags: ["console": "127.0.0.1:7900"],
            environment: ["HUZHU_CONSOLE": "127.0.0.1:7850", "HUZHU_DATA_DIR": "/env/huzhu", "HUZHU_ADMIN_PASSWORD": "from-env"],
            file: file)
        #expect(configuration.console == HostPort(host: "127.0.0.1", port: 7900))  // flag
        #expect(configuration.dataDirectory == "/env/huzhu")                    // environment over file
        #expect(configuration.timeZone == "Asia/Urumqi")                        // file
        #expect(configuration.demo)
        #expect(configuration.disabledPlugins == ["market", "culture"])
        #expect(configuration.http == HostPort(host: "127.0.0.1", port: 7701)) // default
        #expect(configuration.databaseURL == nil)
        #expect(configuration.adminPassword == "from-env")
    }

    @Test func defaultsAreSafe() throws {
        let configuration = try HuzhuConfiguration.resolve(flags: [:], environment: [:], file: nil)
        #expect(configuration.console.host == "127.0.0.1", "the console listens on loopback unless configured")
        #expect(configuration.console.port == 7700)
        #expect(configuration.dataDirectory == "./.huzhu")
        #expect(configuration.timeZone == "Asia/Shanghai")
        #expect(!configuration.demo)
    }

    @Test(arguments: [
        (["console": "7700"], "HOST:PORT"),
        (["console": "localhost:99999"], "HOST:PORT"),
        (["time_zone": "Mars/Olympus"], "IANA"),
        (["log_level": "loud"], "trace, debug"),
        (["language": "fr"], "zh or en"),
        (["demo": "perhaps"], "true or false"),
    ])
    func badValuesSayTheRightForm(flags: [String: String], hint: String) {
        let error = #expect(throws: HuzhuError.self) {
            try HuzhuConfiguration.resolve(flags: flags, environment: [:], file: nil)
        }
        #expect(error?.message.en.contains(hint) == true)
    }

    @Test func unknownFileSettingsAreRefused() {
        let error = #expect(throws: HuzhuError.self) {
            try HuzhuConfiguration.resolve(flags: [:], environment: [:], file: "consol = \"127.0.0.1:1\"")
        }
        #expect(error?.message.en.contains("unknown setting 'consol'") == true)
    }

    @Test func everySettingHasAnEnvironmentVariableAndAFlag() {
        for setting in HuzhuConfiguration.settings {
            #expect(setting.environment == "HUZHU_" + setting.key.uppercased())
            #expect(setting.flag.hasPrefix("--"))
        }
    }
}
