import Foundation
import HuzhuKit
import HuzhuMarket
import HuzhuTesting
import Testing

/// Every MARKET command under every role: HELP lists exactly what a role may run, and some things a role
/// must never run whatever HELP says (so the check is not circular).
@Suite struct MarketPermissionTests {
    @Test func everyMarketCommandRefusesRolesBelowItsOwn() async throws {
        try await withTestDaemon(plugins: [MarketPlugin.self]) { daemon in
            let admin = try await daemon.console()
            #expect(try await admin.json("VILLAGE ADD 咸水村 township=古夫镇").ok)
            let names = ((try await admin.json("HELP")).data as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
                .filter { $0.hasPrefix("MARKET ") }
            #expect(names.count == 25, "\(names)")
            let writes = Set(names.filter { ["ADD", "CANCEL", "DELIVER", "SETTLE", "DEL", "RUN"].contains($0.split(separator: " ").last.map(String.init) ?? "") })
            let forbidden: [Role: Set<String>] = [
                .gateway: Set(names), .labour: Set(names), .culture: Set(names), .readonly: writes,
                .cadre: ["MARKET CROP ADD", "MARKET BUYER ADD", "MARKET PRICE ADD", "MARKET ALERT RUN"],
            ]
            for problem in try await PermissionAudit.roleViolations(daemon, commands: names, forbidden: forbidden) {
                Issue.record(Comment(rawValue: problem))
            }
        }
    }
}
