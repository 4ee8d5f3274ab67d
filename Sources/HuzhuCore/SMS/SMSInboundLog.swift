import Foundation
import HuzhuKit
import Logging
import PostgresNIO

/// `sms_inbound`'s two writes per message: the new message (with a look-up of its sender) before it is
/// handled, and its intent, slots and reply once it has been. Each is batched across the messages that
/// arrive together (`StatementBatcher`): one statement and one commit for all of them.
///
/// Arrivals and answers have a batcher each: one batcher for both, tried, made every statement do both
/// kinds of work and queued each kind behind the other (fewer statements, but slower).
///
/// Both statements can fail only as a whole (the database unreachable): a repeated gateway id is skipped
/// by `ON CONFLICT DO NOTHING`, and every value is checked before it is queued (the text stripped of
/// control characters, the phone normalised, the gateway id and name by `SMSService.checkLabel`).
final class SMSInboundLog: Sendable {
    struct Arrival: Sendable {
        let phone: String
        let text: String
        let gatewayID: String?
        let gateway: String
        let receivedAt: Date
    }

    struct Answer: Sendable {
        let messageID: Int64
        let memberID: Int64?
        let intent: String
        let slots: String
        let reply: String
        let segments: Int
    }

    /// A stored arrival: its id and its sender, when the number belongs to a member.
    typealias Stored = (messageID: Int64, member: Member?)

    private let arrivals: StatementBatcher<Arrival, Stored?>
    private let answers: StatementBatcher<Answer, Void>

    init(store: any HubStoreHandle, logger: Logger) {
        arrivals = StatementBatcher { batch in try await Self.insert(batch, store: store, logger: logger) }
        answers = StatementBatcher { batch in
            try await Self.update(batch, store: store, logger: logger)
            return Array(repeating: (), count: batch.count)
        }
    }

    /// Stores a new message; nil when its gateway id was stored before (a redelivery).
    func store(_ arrival: Arrival) async throws -> Stored? {
        try await arrivals.submit(arrival)
    }

    /// Records how a stored message was handled and answered.
    func record(_ answer: Answer) async throws {
        try await answers.submit(answer)
    }

    private static func insert(_ batch: [Arrival], store: any HubStoreHandle, logger: Logger) async throws -> [Stored?] {
        enum InboundInsert: PreparedStatementName {}
        // Ids are drawn first so that each row's result can be found again: RETURNING cannot name the
        // input's position, and without a gateway id a row has no other key.
        let rows = try await store.read { connection in
            try await connection.prepared(InboundInsert.self,
                """
                WITH input AS MATERIALIZED (
                    SELECT nextval('sms_inbound_id_seq') AS id, i.*
                    FROM unnest(\(batch.map(\.gateway))::text[], \(batch.map { $0.gatewayID ?? "" })::text[],
                                \(batch.map { $0.gatewayID != nil })::bool[], \(batch.map(\.phone))::text[], \(batch.map(\.text))::text[],
                                \(batch.map(\.receivedAt))::timestamptz[])
                         WITH ORDINALITY AS i(gateway, gateway_id, has_id, phone, text, received_at, position)
                ), sender AS (
                    SELECT input.id AS message, m.id, m.household_id, m.village_id, m.name, m.phone, m.language, m.opted_out
                    FROM input JOIN member m ON m.phone = input.phone
                ), claimed AS (
                    INSERT INTO sms_inbound (id, gateway, gateway_id, phone, member_id, text, received_at, intent, reply, segments)
                    OVERRIDING SYSTEM VALUE
                    SELECT input.id, input.gateway, CASE WHEN input.has_id THEN input.gateway_id END, input.phone, sender.id,
                           input.text, input.received_at, 'pending', '', 0
                    FROM input LEFT JOIN sender ON sender.message = input.id
                    ORDER BY input.position
                    ON CONFLICT (gateway, gateway_id) DO NOTHING RETURNING id
                )
                SELECT input.position, claimed.id, sender.id, sender.household_id, sender.village_id, sender.name, sender.phone,
                       sender.language, sender.opted_out
                FROM claimed JOIN input ON input.id = claimed.id LEFT JOIN sender ON sender.message = claimed.id
                """, logger: logger
            ).decode((Int, Int64, Int64?, Int64?, Int?, String?, String?, String?, Bool?).self).all()
        }
        var stored = [Stored?](repeating: nil, count: batch.count)
        for row in rows {
            var member: Member?
            if let id = row.2, let village = row.4, let name = row.5, let language = row.7, let optedOut = row.8 {
                member = Directory.member(from: (id, row.3, village, name, row.6, language, optedOut))
            }
            stored[row.0 - 1] = (row.1, member)
        }
        return stored
    }

    private static func update(_ batch: [Answer], store: any HubStoreHandle, logger: Logger) async throws {
        enum RecordAnswers: PreparedStatementName {}
        // A function (sql/core/0006) that updates row by row: see there why not one UPDATE … FROM unnest.
        try await store.read { connection in
            for try await _ in try await connection.prepared(RecordAnswers.self,
                """
                SELECT sms_record_answers(\(batch.map(\.messageID))::bigint[], \(batch.map { $0.memberID ?? 0 })::bigint[],
                                          \(batch.map(\.intent))::text[], \(batch.map(\.slots))::text[], \(batch.map(\.reply))::text[],
                                          \(batch.map(\.segments))::int[])
                """, logger: logger) {}
        }
    }
}
