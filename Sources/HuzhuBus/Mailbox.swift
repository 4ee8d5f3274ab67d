import DequeModule
import HuzhuKit
import Logging
import Synchronization

/// One subscriber: a bounded queue and the task that runs the handler for each message in order.
///
/// The publisher appends under a lock and wakes the consumer only when it sleeps; the consumer swaps the
/// whole queue out in one step and runs the batch without the lock. Two buffers change places, so a busy
/// mailbox allocates nothing per message.
final class Mailbox: Sendable {
    let name: String
    let pattern: String
    let capacity: Int
    let overflow: OverflowPolicy
    private let handler: @Sendable (BusEnvelope) async throws -> Void
    private let logger: Logger
    private let state: Mutex<State>

    struct Entry {
        var envelope: BusEnvelope
        var ticket: DurableTicket?
    }

    struct State {
        var queue = Deque<Entry>()
        var waiter: UnsafeContinuation<Void, Never>?
        var closed = false
        var delivered = 0
        var dropped = 0
        var failed = 0
        var maximumDepth = 0
    }

    init(name: String, pattern: String, capacity: Int, overflow: OverflowPolicy, logger: Logger,
         handler: @escaping @Sendable (BusEnvelope) async throws -> Void) {
        self.name = name
        self.pattern = pattern
        self.capacity = max(1, capacity)
        self.overflow = overflow
        self.handler = handler
        self.logger = logger
        self.state = Mutex(State())
    }

    /// Queues a message. Durable messages are never dropped: they are in the outbox until handled.
    func deliver(_ envelope: BusEnvelope, ticket: DurableTicket?) {
        let (waiter, droppedTicket): (UnsafeContinuation<Void, Never>?, DurableTicket?) = state.withLock { state in
            guard !state.closed else { return (nil, ticket) }
            var droppedTicket: DurableTicket?
            if ticket == nil, state.queue.count >= capacity {
                state.dropped += 1
                switch overflow {
                case .dropNewest: return (nil, nil)
                case .dropOldest: droppedTicket = state.queue.removeFirst().ticket
                }
            }
            state.queue.append(Entry(envelope: envelope, ticket: ticket))
            state.maximumDepth = max(state.maximumDepth, state.queue.count)
            let waiter = state.waiter
            state.waiter = nil
            return (waiter, droppedTicket)
        }
        droppedTicket?.settle()
        waiter?.resume()
    }

    /// Queues a batch from one publisher under one lock.
    func deliver(batch: [BusEnvelope]) {
        let waiter: UnsafeContinuation<Void, Never>? = state.withLock { state in
            guard !state.closed else { return nil }
            for envelope in batch {
                if state.queue.count >= capacity {
                    state.dropped += 1
                    if overflow == .dropNewest { continue }
                    state.queue.removeFirst()
                }
                state.queue.append(Entry(envelope: envelope, ticket: nil))
            }
            state.maximumDepth = max(state.maximumDepth, state.queue.count)
            let waiter = state.waiter
            state.waiter = nil
            return waiter
        }
        waiter?.resume()
    }

    /// The consumer loop; returns when the mailbox is closed and empty.
    func run() async {
        var batch = Deque<Entry>()
        while true {
            let step: Step = state.withLock { state in
                if !state.queue.isEmpty {
                    swap(&state.queue, &batch)
                    return .work
                }
                return state.closed ? .closed : .wait
            }
            switch step {
            case .closed:
                return
            case .wait:
                // Park until a publisher (or close) resumes us; then look again.
                await withUnsafeContinuation { (continuation: UnsafeContinuation<Void, Never>) in
                    let ready: Bool = state.withLock { state in
                        if !state.queue.isEmpty || state.closed { return true }
                        state.waiter = continuation
                        return false
                    }
                    if ready { continuation.resume() }
                }
            case .work:
                var failures = 0
                for entry in batch {
                    do {
                        try await handler(entry.envelope)
                    } catch {
                        failures += 1
                        logger.error("bus subscriber \(name) failed on \(entry.envelope.topic) #\(entry.envelope.id): \(String(reflecting: error))")
                    }
                    entry.ticket?.settle()
                }
                let handled = batch.count
                batch.removeAll(keepingCapacity: true)
                state.withLock { state in
                    state.delivered += handled
                    state.failed += failures
                }
            }
        }
    }

    private enum Step { case work, wait, closed }

    /// Stops accepting messages; the consumer finishes what is queued and ends.
    func close() {
        let waiter: UnsafeContinuation<Void, Never>? = state.withLock { state in
            state.closed = true
            let waiter = state.waiter
            state.waiter = nil
            return waiter
        }
        waiter?.resume()
    }

    var stats: SubscriberStats {
        state.withLock { state in
            SubscriberStats(name: name, pattern: pattern, delivered: state.delivered, dropped: state.dropped, failed: state.failed,
                            depth: state.queue.count, maximumDepth: state.maximumDepth, capacity: capacity, overflow: overflow)
        }
    }
}

/// Counts the subscribers still to handle a durable event; the last one marks it dispatched.
final class DurableTicket: Sendable {
    private let remaining: Atomic<Int>
    private let onSettled: @Sendable () -> Void

    init(subscribers: Int, onSettled: @escaping @Sendable () -> Void) {
        remaining = Atomic(subscribers)
        self.onSettled = onSettled
    }

    func settle() {
        if remaining.subtract(1, ordering: .acquiringAndReleasing).newValue == 0 { onSettled() }
    }
}

/// One subscriber's counters, as `BUS STATS` shows them.
public struct SubscriberStats: Sendable, Equatable {
    public let name: String
    public let pattern: String
    public let delivered: Int
    public let dropped: Int
    public let failed: Int
    public let depth: Int
    public let maximumDepth: Int
    public let capacity: Int
    public let overflow: OverflowPolicy
}
