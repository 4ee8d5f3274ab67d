import HuzhuBus
import HuzhuKit
import HuzhuStore
import Logging
import PostgresNIO
import Synchronization

/// The hub's `HubStoreHandle`: reads on the pool; writes as one transaction whose durable events are
/// published after the commit and marked dispatched once handled.
///
/// Waiting for a connection is bounded: during a database outage PostgresNIO's pool keeps a request
/// queued for up to a minute, so a caller gets `UNAVAILABLE` after `connectionTimeout` instead (gateways
/// retry), while the pool goes on reconnecting by itself.
public struct PooledStore: HubStoreHandle {
    public let client: PostgresClient
    /// Publishes committed events and records them dispatched.
    let outbox: OutboxDispatcher
    let logger: Logger
    let waits: ConnectionWaits

    public init(client: PostgresClient, bus: LocalBus, logger: Logger, connectionTimeout: Duration = .seconds(5)) {
        self.client = client
        self.outbox = OutboxDispatcher(client: client, bus: bus, logger: logger)
        self.logger = logger
        self.waits = ConnectionWaits(timeout: connectionTimeout)
    }

    public func read<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        try await boundedWait { client, obtained in
            try await client.withConnection { connection in
                try obtained()
                return try await body(connection)
            }
        }
    }

    public func write<T: Sendable>(as actor: Actor, conflict: String, _ body: (WriteTransaction) async throws -> T) async throws -> T {
        let logger = self.logger
        let (result, events) = try await boundedWait { client, obtained in
            try await client.writeTransaction(logger: logger, conflict: conflict) { connection in
                try obtained()
                let transaction = WriteTransaction(connection: connection, actor: actor, logger: logger)
                let result = try await body(transaction)
                try await transaction.writePending()
                return (result, transaction.events)
            }
        }
        if !events.isEmpty { outbox.publish(events) }
        return result
    }

    /// Runs `operation`, failing with UNAVAILABLE if it has not got a connection within the timeout.
    /// The operation calls `obtained` first thing with its connection: that throws if the caller has been
    /// told UNAVAILABLE already (the work must not run then), and otherwise the work is not cut short.
    private func boundedWait<T: Sendable>(_ operation: (PostgresClient, @Sendable () throws -> Void) async throws -> T) async throws -> T {
        let client = self.client
        let waits = self.waits
        let wait = waits.begin()
        let obtained: @Sendable () throws -> Void = {
            guard waits.obtained(wait) else { throw Self.tooLate(waits.timeout) }
        }
        do {
            // The task group awaits its child before returning, so the closure does not really escape; it
            // runs in the child while this task waits, never concurrently with its other users, so handing it
            // over without Sendable checking is safe.
            //
            // One child: this task itself waits for the connection (or the deadline), and then for the
            // child's result. A second child for the deadline cost a task per store operation.
            return try await withoutActuallyEscaping(operation) { operation in
                nonisolated(unsafe) let operation = operation
                return try await withThrowingTaskGroup(of: T.self) { group in
                    group.addTask {
                        do {
                            return try await operation(client, obtained)
                        } catch {
                            // Ends the wait if the operation failed before getting a connection (so this
                            // task stops waiting and reports the error); after one, the wait has ended already.
                            waits.obtained(wait)
                            throw error
                        }
                    }
                    if await wait.expired() {
                        group.cancelAll()
                        throw Self.tooLate(waits.timeout)
                    }
                    guard let value = try await group.next() else {
                        throw HuzhuError(.internal, "a store operation ended without a result")
                    }
                    return value
                }
            }
        } catch {
            throw Self.translate(error)  // a HuzhuError comes out as it is
        }
    }

    static func tooLate(_ timeout: Duration) -> HuzhuError {
        HuzhuError(.unavailable, "the database did not answer within \(timeout): try again shortly", zh: "数据库暂时无法连接，请稍后再试")
    }

    static func translate(_ error: any Error) -> any Error {
        // The pool's own errors (circuit breaker open, shut down) mean the database is out of reach.
        if String(reflecting: type(of: error)).contains("ConnectionPoolError") {
            return HuzhuError(.unavailable, "the database is not reachable right now: try again shortly", zh: "数据库暂时无法连接，请稍后再试")
        }
        return StoreErrors.translate(error, conflict: "the change clashes with an existing record")
    }
}
