import HuzhuCulture
import HuzhuKit
import HuzhuTesting
import Testing

@Suite struct CulturePluginStartTests {
    @Test func theHubRunsThePlugin() async throws {
        try await withTestDaemon(plugins: [CulturePlugin.self]) { daemon in
            let console = try await daemon.console()
            let answer = try await console.send("PLUGINS")
            #expect(answer.contains("\"id\":\"culture\"") && answer.contains("\"state\":\"running\""), "\(answer)")
        }
    }
}
