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
    let connectionTimeout: Duration

    public init(client: PostgresClient, bus: LocalBus, logger: Logger, connectionTimeout: Duration = .seconds(5)) {
        self.client = client
        self.outbox = OutboxDispatcher(client: client, bus: bus, logger: logger)
        self.logger = logger
        self.connectionTimeout = connectionTimeout
    }

    public func read<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        try await boundedWait { client, started in
            try await client.withConnection { connection in
                try started.begin()
                return try await body(connection)
            }
        }
    }

    public func write<T: Sendable>(as actor: Actor, conflict: String, _ body: (WriteTransaction) async throws -> T) async throws -> T {
        let logger = self.logger
        let (result, events) = try await boundedWait { client, started in
            try await client.writeTransaction(logger: logger, conflict: conflict) { connection in
                try started.begin()  // before the body's first statement: a write told UNAVAILABLE wrote nothing
                let transaction = WriteTransaction(connection: connection, actor: actor, logger: logger)
                let result = try await body(transaction)
                return (result, transaction.events)
            }
        }
        if !events.isEmpty { outbox.publish(events) }
        return result
    }

    /// Runs `operation`, failing with UNAVAILABLE if it has not got a connection within the timeout.
    /// Once the operation's body runs (it marks `started` through the pool's first callback), it is not cut short.
    private func boundedWait<T: Sendable>(_ operation: (PostgresClient, ConnectionObtained) async throws -> T) async throws -> T {
        let started = ConnectionObtained()
        let client = self.client
        let timeout = connectionTimeout
        do {
            // The task group awaits its children before returning, so the closure does not really escape;
            // it runs in one child while this task waits, never concurrently with its other users, so
            // handing it over without Sendable checking is safe.
            return try await withoutActuallyEscaping(operation) { operation in
                nonisolated(unsafe) let operation = operation
                return try await withThrowingTaskGroup(of: T?.self) { group in
                    group.addTask { try await operation(client, started) }
                    group.addTask {
                        try await Task.sleep(for: timeout)
                        if started.timeOut() { throw ConnectionObtained.unavailable(timeout) }
                        return nil
                    }
                    while let next = try await group.next() {
                        if let value = next {
                            group.cancelAll()
                            return value
                        }
                    }
                    throw HuzhuError(.internal, "a store operation ended without a result")
                }
            }
        } catch let error as HuzhuError {
            throw error
        } catch {
            throw Self.translate(error)
        }
    }

    static func translate(_ error: any Error) -> any Error {
        // The pool's own errors (circuit breaker open, shut down) mean the database is out of reach.
        if String(reflecting: type(of: error)).contains("ConnectionPoolError") {
            return HuzhuError(.unavailable, "the database is not reachable right now: try again shortly", zh: "数据库暂时无法连接，请稍后再试")
        }
        return StoreErrors.translate(error, conflict: "the change clashes with an existing record")
    }
}

/// Whether the work got its connection before the wait ran out, decided once for both sides.
///
/// A flag set by the work and read by the timer is not enough: the pool could hand out the connection
/// just after the timer read "not yet", and the caller, told UNAVAILABLE (nothing written: try again),
/// would write twice — seen as one 20 斤 deal too many when 200 clerks raced for one offer on a loaded
/// machine. So the two sides compete for one state change: the loser gives way.
final class ConnectionObtained: Sendable {
    private static let waiting: UInt8 = 0, started: UInt8 = 1, timedOut: UInt8 = 2
    private let state = Atomic<UInt8>(ConnectionObtained.waiting)

    /// The work is about to run on its connection: throws UNAVAILABLE, before any statement, if the wait
    /// has already run out (the caller has been told UNAVAILABLE). The work itself is not time-boxed.
    func begin() throws(HuzhuError) {
        let (exchanged, current) = state.compareExchange(expected: Self.waiting, desired: Self.started, ordering: .acquiringAndReleasing)
        guard exchanged || current == Self.started else { throw Self.unavailable(nil) }
    }

    /// The wait ran out: true if the work had not started, and now never will.
    func timeOut() -> Bool {
        state.compareExchange(expected: Self.waiting, desired: Self.timedOut, ordering: .acquiringAndReleasing).exchanged
    }

    static func unavailable(_ timeout: Duration?) -> HuzhuError {
        HuzhuError(.unavailable, "the database did not answer within \(timeout.map { "\($0)" } ?? "the bound"): try again shortly",
                   zh: "数据库暂时无法连接，请稍后再试")
    }
}
