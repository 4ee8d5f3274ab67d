import Foundation
import HuzhuCore
import HuzhuKit
import HuzhuTesting
import PostgresNIO
import Testing

/// `WriteTransaction.notify` for many members in one statement: the same decisions as one at a time.
@Suite struct NotifyBatchTests {
    func rows(_ daemon: TestDaemon) async throws -> [(Int64, String, String, String?)] {
        try await daemon.database.withClient { client in
            var rows: [(Int64, String, String, String?)] = []
            for try await row in try await client.query(
                "SELECT member_id, text, status, last_error FROM sms_outbox WHERE kind = 'notification' ORDER BY id", logger: TestLog.logger
            ).decode((Int64, String, String, String?).self) { rows.append(row) }
            return rows
        }
    }

    /// A daemon whose directory holds member 1, 张三, with a phone.
    func withOneMember(_ body: (TestDaemon) async throws -> Void) async throws {
        try await withTestDaemon { daemon in
            let admin = try await daemon.console()
            #expect(try await admin.json("VILLAGE ADD 咸水村 township=古夫镇").ok)
            #expect(try await admin.json("MEMBER ADD 张三 village=1 phone=13800138000").ok)
            try await body(daemon)
        }
    }

    @Test func eachMemberGetsTheirLanguageAndTheirStatusInOrder() async throws {
        try await withTestDaemon { daemon in
            let admin = try await daemon.console()
            #expect(try await admin.json("VILLAGE ADD 咸水村 township=古夫镇").ok)
            #expect(try await admin.json("MEMBER ADD 张三 village=1 phone=13800138000").ok)               // 1: queued, Chinese
            #expect(try await admin.json("MEMBER ADD Li village=1 phone=13900139000").ok)                // 2: queued, English
            #expect(try await admin.json("MEMBER ADD 王五 village=1").ok)                                 // 3: no phone
            #expect(try await admin.json("MEMBER ADD 赵六 village=1 phone=13700137000").ok)               // 4: opted out
            #expect(try await admin.json("MEMBER EDIT 4 opted_out=yes").ok)
            #expect(try await admin.json("MEMBER EDIT 2 lang=en").ok)
            let text = LocalizedText(en: "Job 7 is yours", zh: "活7归您了")
            let ids = try await daemon.hub.store.handle.write(as: Actor("test")) { tx in
                try await tx.notify([(4, text), (3, text), (2, text), (1, text)], urgent: true)
            }
            #expect(ids.count == 4 && ids[1] == nil, "no phone, no row: \(ids)")
            #expect(ids[0] != nil && ids[2] != nil && ids[3] != nil)
            #expect(ids[0]! < ids[2]! && ids[2]! < ids[3]!, "rows are written in the notes' order")
            let written = try await rows(daemon)
            #expect(written.map(\.0) == [4, 2, 1])
            #expect(written.map(\.1) == ["活7归您了", "Job 7 is yours", "活7归您了"])
            #expect(written.map(\.2) == ["suppressed", "queued", "queued"])
            #expect(written[0].3?.contains("opted out") == true)
        }
    }

    @Test func theLoopGuardCountsEarlierNotifications() async throws {
        try await withOneMember { daemon in
            let text = LocalizedText(en: "same", zh: "同一句话")
            for _ in 0..<3 {
                _ = try await daemon.hub.store.handle.write(as: Actor("test")) { tx in try await tx.notify([(1, text)]) }
            }
            #expect(try await rows(daemon).map(\.2) == ["queued", "queued", "suppressed"])
        }
    }

    @Test func anUnknownMemberRollsTheWholeTransactionBack() async throws {
        try await withOneMember { (daemon) async throws in
            let text = LocalizedText(en: "hello", zh: "你好")
            await #expect(throws: HuzhuError.self) {
                _ = try await daemon.hub.store.handle.write(as: Actor("test")) { tx in try await tx.notify([(1, text), (999, text)]) }
            }
            #expect(try await rows(daemon).isEmpty, "nothing of the failed transaction is left")
        }
    }
}
