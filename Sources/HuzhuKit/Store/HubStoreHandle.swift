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

    /// Runs a statement in the transaction.
    @discardableResult
    public func query(_ query: PostgresQuery) async throws -> PostgresRowSequence {
        try await connection.query(query, logger: logger)
    }

    /// Records the change in the audit log (村务公开) with this transaction's actor.
    public func audit(_ action: String, target: String, before: JSONValue? = nil, after: JSONValue? = nil) async throws {
        try await connection.query(
            """
            INSERT INTO audit_log (actor, on_behalf_of, action, target, before, after)
            VALUES (\(actor.name), \(actor.onBehalfOf), \(action), \(target), \(before?.jsonText)::jsonb, \(after?.jsonText)::jsonb)
            """, logger: logger)
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
