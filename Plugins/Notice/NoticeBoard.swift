import Foundation
import HuzhuKit

/// A notice as stored.
struct Notice: Sendable {
    var id: Int64
    var villageID: Int?
    var body: String
    var postedBy: String
    var postedAt: Date

    var json: JSONValue {
        ["id": .int(Int(id)), "village": villageID.map(JSONValue.int) ?? .null, "body": .string(body),
         "posted_by": .string(postedBy), "posted_at": .string(ISO8601DateFormatter().string(from: postedAt))]
    }
}

/// The notice table, through the SDK's store handle.
struct NoticeBoard: Sendable {
    let store: any HubStoreHandle

    /// Posts a notice: the row, its audit entry and its `notice.posted` event commit together.
    func post(_ body: String, villageID: Int?, actor: Actor) async throws -> Notice {
        try await store.write(as: actor) { tx in
            let rows = try await tx.query(
                "INSERT INTO notice (village_id, body, posted_by) VALUES (\(villageID), \(body), \(actor.name)) RETURNING id, posted_at")
            guard let (id, postedAt) = try await rows.decode((Int64, Date).self).firstElement() else {
                throw HuzhuError(.internal, "the notice was not stored")
            }
            let notice = Notice(id: id, villageID: villageID, body: body, postedBy: actor.name, postedAt: postedAt)
            try await tx.audit("notice.post", target: "notice:\(id)", after: notice.json)
            try await tx.emit(NoticePosted(id: id, villageID: villageID, body: body), publisher: "notice")
            return notice
        }
    }

    /// The latest notices for a village (its own and those for every village).
    func latest(villageID: Int?, limit: Int) async throws -> [Notice] {
        try await store.read { connection in
            var notices: [Notice] = []
            let rows = try await connection.query(
                """
                SELECT id, village_id, body, posted_by, posted_at FROM notice
                WHERE village_id IS NULL OR village_id = \(villageID)
                ORDER BY posted_at DESC, id DESC LIMIT \(limit)
                """, logger: Logger(label: "huzhu.notice"))
            for try await (id, village, body, by, at) in rows.decode((Int64, Int?, String, String, Date).self) {
                notices.append(Notice(id: id, villageID: village, body: body, postedBy: by, postedAt: at))
            }
            return notices
        }
    }

    /// The village of a member, for SMS replies.
    func village(ofMember member: Int64) async throws -> Int? {
        try await store.read { connection in
            try await connection.query("SELECT village_id FROM member WHERE id = \(member)", logger: Logger(label: "huzhu.notice")).decode(Int.self).firstElement()
        }
    }
}
