import HuzhuBus
import HuzhuKit
import HuzhuStore
import Logging
import PostgresNIO

/// The hub's `HubStoreHandle`: reads on the pool; writes as one transaction whose durable events are
/// published after the commit and marked dispatched once handled.
public struct PooledStore: HubStoreHandle {
    public let client: PostgresClient
    /// Publishes committed events and records them dispatched.
    let outbox: OutboxDispatcher
    let logger: Logger

    public init(client: PostgresClient, bus: LocalBus, logger: Logger) {
        self.client = client
        self.outbox = OutboxDispatcher(client: client, bus: bus, logger: logger)
        self.logger = logger
    }

    public func read<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        do {
            return try await client.withConnection { try await body($0) }
        } catch {
            throw StoreErrors.translate(error, conflict: "")
        }
    }

    public func write<T: Sendable>(as actor: Actor, conflict: String, _ body: (WriteTransaction) async throws -> T) async throws -> T {
        let (result, events) = try await client.writeTransaction(logger: logger, conflict: conflict) { connection in
            let transaction = WriteTransaction(connection: connection, actor: actor, logger: logger)
            let result = try await body(transaction)
            return (result, transaction.events)
        }
        if !events.isEmpty { outbox.publish(events) }
        return result
    }
}
