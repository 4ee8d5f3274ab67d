import Foundation
import HuzhuBus
import HuzhuKit
import Logging
import PostgresNIO
import Synchronization

/// Publishes committed outbox rows on the bus and marks them dispatched once every subscriber has
/// handled them. Marks are batched: one UPDATE for all ids settled in a short window.
final class OutboxDispatcher: Sendable {
    /// How long settled ids gather before one UPDATE marks them. Marking each event at once cost half a
    /// statement per SMS under load; a crash inside the window only replays those events at the next
    /// start, which subscribers dedupe anyway.
    static let markWindow: Duration = .milliseconds(50)
    private let client: PostgresClient
    private let bus: LocalBus
    private let logger: Logger
    private let pending = Mutex(Pending())

    struct Pending {
        var ids: [Int64] = []
        var flushing = false
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    init(client: PostgresClient, bus: LocalBus, logger: Logger) {
        self.client = client
        self.bus = bus
        self.logger = logger
    }

    /// The bus it publishes on.
    var busForTests: LocalBus { bus }

    func publish(_ events: [DurableEvent]) {
        bus.publishDurable(events) { [self] id in settled(id) }
    }

    /// Publishes every row left undispatched by an earlier run (a crash between commit and dispatch).
    /// Returns how many were replayed.
    @discardableResult
    func replayUndispatched() async throws -> Int {
        var replayed = 0
        var after: Int64 = 0
        while true {
            let rows = try await client.query(
                "SELECT id, topic, payload::text, publisher FROM bus_outbox WHERE dispatched_at IS NULL AND id > \(after) ORDER BY id LIMIT 1000",
                logger: logger)
            var events: [DurableEvent] = []
            for try await (id, topic, payload, publisher) in rows.decode((Int64, String, String, String).self) {
                let json = (try? JSONValue(parsing: payload)) ?? .null
                events.append(DurableEvent(id: id, message: RawBusMessage(topic: topic, json: json), publisher: publisher))
                after = id
            }
            if events.isEmpty { return replayed }
            logger.notice("replaying \(events.count) undispatched bus events from the outbox")
            publish(events)
            replayed += events.count
        }
    }

    private func settled(_ id: Int64) {
        let start: Bool = pending.withLock { pending in
            pending.ids.append(id)
            if pending.flushing { return false }
            pending.flushing = true
            return true
        }
        if start { Task.detached { await self.flush() } }
    }

    private func flush() async {
        while true {
            try? await Task.sleep(for: Self.markWindow)
            let (ids, waiters): ([Int64], [CheckedContinuation<Void, Never>]) = pending.withLock { pending in
                let ids = pending.ids
                pending.ids.removeAll(keepingCapacity: true)
                guard ids.isEmpty else { return (ids, []) }
                pending.flushing = false
                defer { pending.waiters.removeAll() }
                return (ids, pending.waiters)
            }
            guard !ids.isEmpty else {
                waiters.forEach { $0.resume() }
                return
            }
            do {
                _ = try await client.query("UPDATE bus_outbox SET dispatched_at = now() WHERE id = ANY(\(ids))", logger: logger)
            } catch {
                // Left undispatched: they are replayed at the next start (at least once).
                logger.warning("could not mark \(ids.count) bus events dispatched: \(String(reflecting: error))")
            }
        }
    }

    /// Waits until every id settled so far has been marked (at shutdown, after the bus has drained).
    func waitUntilFlushed() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let idle: Bool = pending.withLock { pending in
                if !pending.flushing && pending.ids.isEmpty { return true }
                pending.waiters.append(continuation)
                return false
            }
            if idle { continuation.resume() }
        }
    }
}
