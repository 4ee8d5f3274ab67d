import Foundation
import HuzhuCore
import HuzhuKit
import HuzhuNotice
import HuzhuTesting
import Testing

/// The worked example of docs/plugin-guide.md, end to end over TCP.
@Suite struct NoticePluginTests {
    @Test func postingAuditsPublishesAndLists() async throws {
        try await withTestDaemon(plugins: [NoticePlugin.self]) { daemon in
            let admin = try await daemon.console()
            #expect(try await admin.json("VILLAGE ADD 咸水村 township=古夫镇").ok)
            #expect(try await admin.json("VILLAGE ADD 青草村 township=古夫镇").ok)

            // A second session watches the bus.
            let watcher = try await daemon.console()
            #expect(try await watcher.json("BUS TAIL notice.*").ok)

            let posted = try await admin.json(#"NOTICE POST "明天上午9点在村委会开会" village=1"#)
            #expect(posted.ok, "\(posted.raw)")
            let event = try JSONSerialization.jsonObject(with: Data(try await watcher.readLine().utf8)) as? [String: Any]
            let envelope = try #require(event?["event"] as? [String: Any])
            #expect(envelope["topic"] as? String == "notice.posted")
            #expect((envelope["payload"] as? [String: Any])?["body"] as? String == "明天上午9点在村委会开会")
            #expect(try await watcher.json("BUS UNTAIL").ok)

            #expect(try await admin.json(#"NOTICE POST "全县统一收购柑橘""#).ok)
            let forVillage2 = try await admin.json("NOTICE LIST village=2")
            let bodies = (forVillage2.data as? [[String: Any]])?.compactMap { $0["body"] as? String }
            #expect(bodies == ["全县统一收购柑橘"], "village 2 sees notices for all, not village 1's")

            let audit = try await admin.json("AUDIT LIST action=notice.")
            #expect(audit.ok, "\(audit.raw)")
            let rows = try #require(audit.data as? [[String: Any]])
            #expect(rows.count == 2)
            #expect(rows.allSatisfy { $0["actor"] as? String == "staff:admin" })

            let plugins = try await admin.json("PLUGINS")
            let notice = (plugins.data as? [[String: Any]])?.first { $0["id"] as? String == "notice" }
            #expect(notice?["state"] as? String == "running")
            #expect((notice?["intents"] as? [String]) == ["notice.list"])

            let stats = try await admin.json("BUS STATS")
            let topics = ((stats.data as? [String: Any])?["topics"] as? [[String: Any]]) ?? []
            #expect(topics.contains { $0["topic"] as? String == "notice.posted" && $0["published"] as? Int == 2 })
        }
    }

    @Test func aCadrePostsOnlyToItsVillages() async throws {
        try await withTestDaemon(plugins: [NoticePlugin.self]) { daemon in
            let admin = try await daemon.console()
            #expect(try await admin.json("VILLAGE ADD 咸水村 township=古夫镇").ok)
            #expect(try await admin.json("VILLAGE ADD 青草村 township=古夫镇").ok)
            let cadre = try await daemon.console(as: "xianshui", roles: [.cadre], villages: ["咸水村"])
            #expect(try await cadre.json(#"NOTICE POST "通知""#).code == "DENIED")
            #expect(try await cadre.json(#"NOTICE POST "通知" village=2"#).code == "DENIED")
            #expect(try await cadre.json(#"NOTICE POST "通知" village=1"#).ok)
            #expect(try await cadre.json(#"NOTICE POST "通知" village=1 colour=red"#).code == "SYNTAX")
            #expect(try await cadre.json("NOTICE POST 没有引号 两个词").code == "SYNTAX")
        }
    }

    @Test func theSMSIntentRepliesWithTheVillagesNotices() async throws {
        try await withTestDaemon(plugins: [NoticePlugin.self], configure: { $0.pluginSettings = ["notice.sms_count": "1"] }) { daemon in
            let admin = try await daemon.console()
            #expect(try await admin.json("VILLAGE ADD 咸水村 township=古夫镇").ok)
            #expect(try await admin.json("MEMBER ADD 张三 village=1 phone=13800138000").ok)
            #expect(try await admin.json(#"NOTICE POST "旧通知" village=1"#).ok)
            #expect(try await admin.json(#"NOTICE POST "新通知" village=1"#).ok)
            let intent = try #require(daemon.hub.plugins.intents.first { $0.name == "notice.list" })
            #expect(intent.keywords == ["公告"] && intent.aliases == ["NEWS"])
            let slots = try intent.parse("", SMSParseContext(receivedAt: Date(), timeZone: .current))
            let member = try #require(try await daemon.hub.directory.findMembers("张三").first)
            let reply = try await intent.handle(SMSRequest(intent: intent.name, slots: slots, phone: member.phone!, memberID: member.id,
                                                           receivedAt: Date(), language: .zh))
            #expect(reply.zh == "公告：新通知", "sms_count=1 from the configuration: only the newest")
            #expect(throws: HuzhuError.self) { try intent.parse("多余的字", SMSParseContext(receivedAt: Date(), timeZone: .current)) }
        }
    }
}
