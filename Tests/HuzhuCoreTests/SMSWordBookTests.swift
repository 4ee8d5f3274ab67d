import Foundation
import HuzhuCore
import HuzhuKit
import HuzhuTesting
import PostgresNIO
import Synchronization
import Testing

/// The SMS vocabulary staff extend on the console, `取消` handed to plugins, and plugins' demo data.
@Suite struct SMSWordBookTests {
    func slots(_ answer: ConsoleAnswer) -> [String: Any] {
        ((answer.data as? [String: Any])?["slots"] as? [String: Any]) ?? [:]
    }

    @Test func aWordStaffAddIsUnderstoodAtOnceAuditedAndKept() async throws {
        try await withTestDaemon(plugins: [TestWordsPlugin.self]) { daemon in
            let staff = try await daemon.console()
            let before = try await staff.json(#"SMS TRY 13800138000 "卖 芋头 300斤""#)
            #expect(slots(before)["crop"] as? String == "芋头", "an unknown crop is kept as written: \(before.raw)")
            #expect(try await staff.json("SMS WORD ADD crop 魔芋 芋头 蒟蒻").ok)
            let after = try await staff.json(#"SMS TRY 13800138000 "卖 芋头 300斤""#)
            #expect(slots(after)["crop"] as? String == "魔芋", "\(after.raw)")

            let listed = try await staff.json("SMS WORDS crop")
            let words = (listed.data as? [[String: Any]])?.compactMap { $0["word"] as? String } ?? []
            #expect(words.sorted() == ["芋头", "蒟蒻"])
            let audit = try await staff.json("AUDIT LIST action=sms.word.add")
            #expect((audit.data as? [[String: Any]])?.first?["actor"] as? String == "staff:admin")

            // A new word book on the same store (as after a restart) reads the words back.
            let reloaded = StoredWordBook(store: daemon.hub.store.handle)
            try await reloaded.load()
            #expect(reloaded.current.crops.canonical(for: "蒟蒻") == "魔芋")

            #expect(try await staff.json("SMS WORD DEL crop 芋头").ok)
            let removed = try await staff.json(#"SMS TRY 13800138000 "卖 芋头 300斤""#)
            #expect(slots(removed)["crop"] as? String == "芋头")
            let builtIn = try await staff.json("SMS WORD DEL crop 桔子")
            #expect(builtIn.code == "NOT_FOUND", "built-in words stay: \(builtIn.raw)")
        }
    }

    @Test func malformedWordCommandsSayWhatIsWrong() async throws {
        try await withTestDaemon { daemon in
            let staff = try await daemon.console()
            let kind = try await staff.json("SMS WORD ADD fruit 柑橘 橘")
            #expect(kind.code == "SYNTAX" && (kind.message ?? "").contains("task|crop|service|unit|keyword"), "\(kind.raw)")
            let short = try await staff.json("SMS WORD ADD crop 柑橘")
            #expect(short.code == "SYNTAX" && (short.message ?? "").contains("SMS WORD ADD"), "\(short.raw)")
            let unit = try await staff.json("SMS WORD ADD unit bag 袋")
            #expect(unit.code == "INVALID" && (unit.message ?? "").contains("jin"), "\(unit.raw)")
            let task = try await staff.json("SMS WORD ADD task 除草 锄草")
            #expect(task.code == "INVALID", "a new task code is ASCII: \(task.raw)")
            #expect(try await staff.json("SMS WORD ADD task weed 除草 锄草").ok)
            let reader = try await daemon.console(as: "viewer", roles: [.readonly])
            #expect(try await reader.json("SMS WORD ADD crop 魔芋 芋头").code == "DENIED")
            #expect(try await reader.json("SMS WORDS").ok)
        }
    }

    @Test func cancelIsHandedToThePluginThatOwnsTheNumber() async throws {
        try await withTestDaemon(plugins: [ErrandPlugin.self], configure: { $0.quietHours = (0, 0) }) { daemon in
            let staff = try await daemon.console()
            #expect(try await staff.json("VILLAGE ADD 咸水村 township=古夫镇").ok)
            #expect(try await staff.json("MEMBER ADD 李四 village=1 phone=13900139000").ok)
            let gateway = try await daemon.console(as: "sms1", roles: [.gateway])
            let owned = try await gateway.json(#"SMS IN 13900139000 "取消 12""#)
            #expect((owned.data as? [String: Any])?["reply"] as? String == "差事12已取消", "\(owned.raw)")
            let nobodys = try await gateway.json(#"SMS IN 13900139000 "取消13""#)
            #expect(((nobodys.data as? [String: Any])?["reply"] as? String)?.contains("没有找到编号为13") == true, "\(nobodys.raw)")
        }
    }

    @Test func pluginDemoDataIsLoadedOnceWhenTheDemoCountyIsThere() async throws {
        let prepare: @Sendable (PostgresClient) async throws -> Void = { client in
            try await client.query("INSERT INTO township (name, kind) VALUES ('古夫镇', 'town')", logger: TestLog.logger)
            try await client.query("INSERT INTO village (township_id, name) VALUES (1, '咸水村')", logger: TestLog.logger)
            try await client.query("INSERT INTO member (village_id, name, is_demo) VALUES (1, '演示', true)", logger: TestLog.logger)
        }
        let runsBefore = ErrandPlugin.demoRuns.withLock { $0 }
        try await withTestDaemon(plugins: [ErrandPlugin.self], prepare: prepare) { daemon in
            #expect(ErrandPlugin.demoRuns.withLock { $0 } == runsBefore + 1)
            let recorded = try await daemon.database.withClient { client in
                try await client.query("SELECT summary FROM plugin_demo WHERE plugin = 'errand'", logger: TestLog.logger)
                    .decode(String.self).first(where: { _ in true })
            }
            #expect(recorded == "demo run \(runsBefore + 1)")
            // The hub records the run: loading again (as a restart would) does nothing.
            await daemon.hub.plugins.loadDemoData(daemon.hub.store.handle, logger: TestLog.logger)
            #expect(ErrandPlugin.demoRuns.withLock { $0 } == runsBefore + 1)
        }
    }
}

/// The market's SMS intents with the hub's word book, so `SMS TRY` shows crops as staff taught them.
struct TestWordsPlugin: HuzhuPlugin {
    static let identity = PluginIdentity(id: "words", version: "1.0", summary: "sells with the live vocabulary")
    func register(_ registrar: inout PluginRegistrar, context: PluginContext) throws {
        let words = context.words
        registrar.intent(SMSIntent("words.sell", keywords: ["卖"], aliases: ["SELL"], example: "卖 柑橘 2000斤", parse: { text, _ in
            var reader = SMSSlotReader(text, vocabulary: words.current)
            let quantity = reader.takeQuantity()
            let crop = reader.takeWord(from: words.current.crops) ?? reader.remaining.trimmingCharacters(in: .whitespaces)
            return ["crop": .string(crop), "quantity": quantity.map { .double($0.value) } ?? .null]
        }, handle: { _ in "" }))
    }
}
