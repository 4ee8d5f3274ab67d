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
/// Not `Sendable`: it lives inside the `write` call that created it.
public final class WriteTransaction {
    /// The transaction's connection: run every statement of the change on it.
    public let connection: PostgresConnection
    /// Who is writing, and for whom.
    public let actor: Actor
    public let logger: Logger
    /// Durable events written in this transaction, published after the commit.
    public private(set) var events: [DurableEvent] = []

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

    /// Records the change in the audit log (村务公开) with this transaction's actor.
    public func audit(_ action: String, target: String, before: JSONValue? = nil, after: JSONValue? = nil) async throws {
        try await execute(
            """
            INSERT INTO audit_log (actor, on_behalf_of, action, target, before, after)
            VALUES (\(actor.name), \(actor.onBehalfOf), \(action), \(target), \(before?.jsonText)::jsonb, \(after?.jsonText)::jsonb)
            """)
    }

    /// Writes an event to the outbox in this transaction; it is published after the commit and, if the
    /// process dies first, at the next start (at least once: subscribers dedupe on `BusEnvelope.id`).
    public func emit<M: BusMessage>(_ message: M, publisher: String) async throws {
        let json = message.json
        let rows = try await connection.query(
            "INSERT INTO bus_outbox (topic, payload, publisher) VALUES (\(M.topic), \(json.jsonText)::jsonb, \(publisher)) RETURNING id",
            logger: logger)
        for try await id in rows.decode(Int64.self) {
            events.append(DurableEvent(id: id, message: message, publisher: publisher))
        }
    }
}

extension WriteTransaction {
    /// Queues an SMS notification to a member, in this transaction, in the member's language.
    ///
    /// Nothing is sent to a member without a phone, who opted out (退订), or who is demo data (their
    /// numbers belong to nobody we know): the row is kept as `suppressed` so the decision is visible.
    /// The same text to the same number more than twice in ten minutes is held too (loop guard).
    /// Non-urgent notifications wait for the end of quiet hours.
    @discardableResult
    public func notify(member: Int64, _ text: LocalizedText, urgent: Bool = false) async throws -> Int64? {
        let rows = try await query("SELECT phone, language, opted_out, is_demo FROM member WHERE id = \(member)")
        var found: (String?, String, Bool, Bool)?
        for try await row in rows.decode((String?, String, Bool, Bool).self) { found = row }
        guard let (phone, language, optedOut, isDemo) = found else {
            throw HuzhuError(.notFound, "no member \(member) to notify")
        }
        guard let phone else { return nil }
        let body = text.text(in: Language(rawValue: language) ?? .zh)
        let recent = try await query(
            """
            SELECT count(*) FROM sms_outbox
            WHERE phone = \(phone) AND text = \(body) AND created_at > now() - interval '10 minutes'
            """)
        var repeats = 0
        for try await count in recent.decode(Int.self) { repeats = count }
        let reason: String? = isDemo ? "demo member: never sent" : optedOut ? "the member opted out (退订)"
            : repeats >= 2 ? "loop guard: the same text to this number twice in ten minutes already" : nil
        let inserted = try await query(
            """
            INSERT INTO sms_outbox (phone, member_id, text, segments, kind, urgent, status, last_error)
            VALUES (\(phone), \(member), \(body), \(SMSSegments.count(body)), 'notification', \(urgent),
                    \(reason == nil ? "queued" : "suppressed"), \(reason))
            RETURNING id
            """)
        var id: Int64?
        for try await value in inserted.decode(Int64.self) { id = value }
        return id
    }
}

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
