import HuzhuMarket
import HuzhuKit
import HuzhuTesting
import Testing

@Suite struct MarketPluginStartTests {
    @Test func theHubRunsThePlugin() async throws {
        try await withTestDaemon(plugins: [MarketPlugin.self]) { daemon in
            let console = try await daemon.console()
            let answer = try await console.send("PLUGINS")
            #expect(answer.contains("\"id\":\"market\"") && answer.contains("\"state\":\"running\""), "\(answer)")
        }
    }
}
