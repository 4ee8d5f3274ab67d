import HuzhuLabour
import HuzhuKit
import HuzhuTesting
import Testing

@Suite struct LabourPluginStartTests {
    @Test func theHubRunsThePlugin() async throws {
        try await withTestDaemon(plugins: [LabourPlugin.self]) { daemon in
            let console = try await daemon.console()
            let answer = try await console.send("PLUGINS")
            #expect(answer.contains("\"id\":\"labour\"") && answer.contains("\"state\":\"running\""), "\(answer)")
        }
    }
}
