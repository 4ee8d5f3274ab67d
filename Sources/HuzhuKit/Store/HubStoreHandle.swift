import Foundation

/// The store as a plugin sees it: reads on a pooled connection, and writes as one transaction that also
/// records the audit row and the durable bus events of the change.
public protocol HubStoreHandle: Sendable {
    /// Runs read-only work on a pooled connection.
    func read<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T

    /// Runs `body` in one transaction. Audit rows and events added through the transaction commit or roll
    /// back with it; events are published on the bus after the commit. Constraint violations come out as
    /// `HuzhuError`: `CONFLICT` (with `conflict` as the message), `NOT_FOUND` or `INVALID`.
    func write<T: Sendable>(
        as actor: Actor, conflict: String, _ body: (WriteTransaction) async throws -> T
    ) async throws -> T
}

extension HubStoreHandle {
    /// A write whose conflicts need no particular message.
    public func write<T: Sendable>(as actor: Actor, _ body: (WriteTransaction) async throws -> T) async throws -> T {
        try await write(as: actor, conflict: "the change clashes with an existing record", body)
    }
}

/// One write transaction: its connection, its actor, and the audit rows and events it will commit.
///
/// Audit rows and events are kept until the store commits, then written together in one statement
/// (`writePending`): a change that audits twice and emits twice costs one round trip for all four, not
/// four. Under SMS load those rows were a fifth of the statements PostgreSQL ran.
///
/// Not `Sendable`: it lives inside the `write` call that created it.
public final class WriteTransaction {
    /// The transaction's connection: run every statement of the change on it.
    public let connection: PostgresConnection
    /// Who is writing, and for whom.
    public let actor: Actor
    public let logger: Logger
    /// Durable events written in this transaction, published after the commit (complete once
    /// `writePending` has run).
    public private(set) var events: [DurableEvent] = []
    private var audits: [(action: String, target: String, before: String, after: String)] = []
    private var outgoing: [(topic: String, payload: String, publisher: String, message: any BusMessage)] = []

    public init(connection: PostgresConnection, actor: Actor, logger: Logger) {
        self.connection = connection
        self.actor = actor
        self.logger = logger
    }

    /// Runs a statement in the transaction; read its rows before the next statement.
    @discardableResult
    public func query(_ query: PostgresQuery) async throws -> PostgresRowSequence {
        try await connection.query(query, logger: logger)
    }

    /// Runs a statement whose rows are not needed, and reads its answer to the end before returning.
    ///
    /// Prefer it to a discarded `query`: a statement left unread while the next one is sent can make
    /// PostgresNIO wait forever if the database goes away at that moment.
    public func execute(_ query: PostgresQuery) async throws {
        for try await _ in try await connection.query(query, logger: logger) {}
    }

    /// Records the change in the audit log (村务公开) with this transaction's actor; the row is written
    /// with the transaction's other audit rows just before it commits.
    public func audit(_ action: String, target: String, before: JSONValue? = nil, after: JSONValue? = nil) async throws {
        // "" stands for no value: JSON text is never empty.
        audits.append((action, target, before?.jsonText ?? "", after?.jsonText ?? ""))
    }

    /// Adds an event to the outbox in this transaction; it is published after the commit and, if the
    /// process dies first, at the next start (at least once: subscribers dedupe on `BusEnvelope.id`).
    public func emit<M: BusMessage>(_ message: M, publisher: String) async throws {
        outgoing.append((M.topic, message.json.jsonText, publisher, message))
    }

    /// Writes the audit rows and outbox events added so far, in one statement. The store calls it right
    /// before COMMIT; a plugin has no need to.
    public func writePending() async throws {
        guard !audits.isEmpty || !outgoing.isEmpty else { return }
        defer { audits = []; outgoing = [] }
        let rows = try await connection.prepared(PendingInsert.self,
            """
            WITH audit AS (
                INSERT INTO audit_log (actor, on_behalf_of, action, target, before, after)
                SELECT \(actor.name), \(actor.onBehalfOf)::bigint, a.action, a.target, nullif(a.before, '')::jsonb, nullif(a.after, '')::jsonb
                FROM unnest(\(audits.map(\.action))::text[], \(audits.map(\.target))::text[], \(audits.map(\.before))::text[],
                            \(audits.map(\.after))::text[]) WITH ORDINALITY AS a(action, target, before, after, position)
                ORDER BY a.position
            )
            INSERT INTO bus_outbox (topic, payload, publisher)
            SELECT e.topic, e.payload::jsonb, e.publisher
            FROM unnest(\(outgoing.map(\.topic))::text[], \(outgoing.map(\.payload))::text[], \(outgoing.map(\.publisher))::text[])
                 WITH ORDINALITY AS e(topic, payload, publisher, position)
            ORDER BY e.position
            RETURNING id
            """, logger: logger)
        var ids: [Int64] = []
        for try await row in rows { ids.append(try row.decode(Int64.self)) }
        guard ids.count == outgoing.count else { throw HuzhuError(.internal, "the outbox took \(ids.count) of \(outgoing.count) events") }
        // Identity values are handed out in insertion order, which follows the events' order.
        for (id, event) in zip(ids.sorted(), outgoing) {
            events.append(DurableEvent(id: id, message: event.message, publisher: event.publisher))
        }
    }
}

extension WriteTransaction {
    /// Queues an SMS notification to a member, in this transaction, in the member's language.
    ///
    /// Nothing is sent to a member without a phone, who opted out (退订), or who is demo data (their
    /// numbers belong to nobody we know): the row is kept as `suppressed` so the decision is visible.
    /// The same text to the same number more than twice in ten minutes is held too (loop guard).
    /// Non-urgent notifications wait for the end of quiet hours. Returns the outbox row (nil: no phone).
    @discardableResult
    public func notify(member: Int64, _ text: LocalizedText, urgent: Bool = false) async throws -> Int64? {
        try await notify([(member, text)], urgent: urgent).first ?? nil
    }

    /// Queues several notifications in one statement (one round trip however many): as `notify(member:)`
    /// for each, in order. Throws NOT_FOUND, rolling the transaction back, if a member does not exist.
    /// The loop guard counts what was queued before this call, not the other notes of the same call.
    @discardableResult
    public func notify(_ notes: [(member: Int64, text: LocalizedText)], urgent: Bool = false) async throws -> [Int64?] {
        guard !notes.isEmpty else { return [] }
        let members = notes.map(\.member)
        let zh = notes.map(\.text.zh), en = notes.map(\.text.en)
        let zhSegments = zh.map(SMSSegments.count), enSegments = en.map(SMSSegments.count)
        enum NotifyInsert: PreparedStatementName {}
        let rows = try await connection.prepared(NotifyInsert.self,
            """
            WITH note AS (
                SELECT * FROM unnest(\(members)::bigint[], \(zh)::text[], \(en)::text[], \(zhSegments)::int[], \(enSegments)::int[])
                    WITH ORDINALITY AS n(member_id, zh, en, zh_segments, en_segments, position)
            ), target AS (
                SELECT n.position, m.id AS member_id, m.phone, m.is_demo, m.opted_out,
                       CASE WHEN m.language = 'en' THEN n.en ELSE n.zh END AS text,
                       CASE WHEN m.language = 'en' THEN n.en_segments ELSE n.zh_segments END AS segments
                FROM note n JOIN member m ON m.id = n.member_id
            ), judged AS (
                SELECT t.*, CASE
                    WHEN t.is_demo THEN 'demo member: never sent'
                    WHEN t.opted_out THEN 'the member opted out (退订)'
                    WHEN (SELECT count(*) FROM sms_outbox o
                          WHERE o.phone = t.phone AND md5(o.text) = md5(t.text) AND o.text = t.text
                          AND o.created_at > now() - interval '10 minutes') >= 2
                        THEN 'loop guard: the same text to this number twice in ten minutes already'
                    END AS reason
                FROM target t WHERE t.phone IS NOT NULL
            ), inserted AS (
                INSERT INTO sms_outbox (phone, member_id, text, segments, kind, urgent, status, last_error)
                SELECT phone, member_id, text, segments, 'notification', \(urgent),
                       CASE WHEN reason IS NULL THEN 'queued' ELSE 'suppressed' END, reason
                FROM judged ORDER BY position
                RETURNING id
            )
            SELECT (SELECT count(*) FROM target)::int, coalesce((SELECT array_agg(id ORDER BY id) FROM inserted), '{}'),
                   coalesce((SELECT array_agg(position ORDER BY position) FROM judged), '{}')
            """, logger: logger)
        var found = 0
        var ids: [Int64] = []
        var positions: [Int64] = []
        for try await row in rows { (found, ids, positions) = try row.decode((Int, [Int64], [Int64]).self) }
        guard found == notes.count else {
            throw HuzhuError(.notFound, "no member \(members.count == 1 ? String(members[0]) : "among \(members)") to notify")
        }
        // Identity values are handed out in insertion order, which follows the notes' order.
        var result = [Int64?](repeating: nil, count: notes.count)
        for (position, id) in zip(positions, ids) { result[Int(position) - 1] = id }
        return result
    }
}

/// `writePending`'s statement.
private enum PendingInsert: PreparedStatementName {}

/// An event written to the outbox, waiting for its transaction to commit.
public struct DurableEvent: Sendable {
    /// The outbox row id, also the envelope id subscribers see.
    public let id: Int64
    public let message: any BusMessage
    public let publisher: String

    public init(id: Int64, message: any BusMessage, publisher: String) {
        self.id = id
        self.message = message
        self.publisher = publisher
    }
}
