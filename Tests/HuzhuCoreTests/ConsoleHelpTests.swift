import HuzhuCore
import HuzhuKit
import HuzhuTesting
import Testing

/// `HELP`'s list is rendered once per kind of caller and kept: each kind must still get its own.
@Suite struct ConsoleHelpTests {
    func summaries(_ console: ConsoleClient) async throws -> [String: String] {
        let list = try await console.json("HELP").data as? [[String: Any]] ?? []
        return Dictionary(list.compactMap { entry in (entry["name"] as? String).map { ($0, entry["summary"] as? String ?? "") } },
                          uniquingKeysWith: { first, _ in first })
    }

    @Test func eachRoleAndLanguageGetsItsOwnList() async throws {
        try await withTestDaemon { daemon in
            let admin = try await daemon.console()
            let clerk = try await daemon.console(as: "clerk", roles: [.staff])
            let adminList = try await summaries(admin)
            let clerkList = try await summaries(clerk)
            #expect(adminList["USER ADD"] != nil && clerkList["USER ADD"] == nil, "a cached admin list must not reach a clerk")
            #expect(try await summaries(admin) == adminList, "asked again: the same list")
            _ = try await admin.json("LANG en")
            let english = try await summaries(admin)
            #expect(english.keys == adminList.keys && english["PING"] != adminList["PING"], "\(english["PING"] ?? "") vs \(adminList["PING"] ?? "")")
            let anonymous = try await daemon.console(user: nil, json: false)
            try await anonymous.sendLines(["HELP"])
            var lines: [String] = []
            while let line = try? await anonymous.readLine(), line != "." { lines.append(line) }
            #expect(lines.contains { $0.hasPrefix("AUTH ") } && !lines.contains { $0.hasPrefix("USER ADD") }, "before login: \(lines.prefix(3))")
        }
    }
}
