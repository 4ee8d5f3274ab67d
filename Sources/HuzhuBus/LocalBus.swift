import HuzhuKit
import Logging
import Synchronization

/// The in-process message bus.
///
/// Publishing looks up the subscribers of a topic in a cache (rebuilt when subscriptions change) and
/// appends to each one's mailbox; it never waits for a subscriber. Each subscriber's task handles its
/// messages one at a time in publishing order, so a slow or failing subscriber delays only itself.
public final class LocalBus: MessageBus {
    private let logger: Logger
    private let state = Mutex(State())
    private let sequence = Atomic<Int64>(0)

    struct State {
        var mailboxes: [ObjectIdentifier: Mailbox] = [:]
        var tasks: [ObjectIdentifier: Task<Void, Never>] = [:]
        var routes: [String: Route] = [:]
        var topics: [String: TopicCounter] = [:]
        var responders: [String: Responder] = [:]
    }

    struct Route {
        var counter: TopicCounter
        var mailboxes: [Mailbox]
    }

    struct Responder {
        var name: String
        var handle: @Sendable (any Sendable) async throws -> any Sendable
    }

    public init(logger: Logger) {
        self.logger = logger
    }

    // MARK: - Publishing

    public func publish<M: BusMessage>(_ message: M, from publisher: String) {
        let route = route(for: M.topic)
        route.counter.count(1)
        guard !route.mailboxes.isEmpty else { return }
        let envelope = BusEnvelope(id: nextID(), topic: M.topic, message: message, publisher: publisher)
        for mailbox in route.mailboxes { mailbox.deliver(envelope, ticket: nil) }
    }

    public func publish<M: BusMessage>(contentsOf messages: [M], from publisher: String) {
        let route = route(for: M.topic)
        route.counter.count(messages.count)
        guard !route.mailboxes.isEmpty else { return }
        let first = sequence.subtract(Int64(messages.count), ordering: .relaxed).newValue
        // Concrete envelopes built outside any lock: a generic lazy sequence here ran unspecialised across
        // the module boundary (a malloc and metadata lookups per message, with the mailbox lock held).
        // Indices, not `enumerated()`: unspecialised, the enumerated iterator allocated once per element.
        let topic = M.topic
        var envelopes: [BusEnvelope] = []
        envelopes.reserveCapacity(messages.count)
        var id = first + Int64(messages.count - 1)
        for index in messages.indices {
            envelopes.append(BusEnvelope(id: id, topic: topic, message: messages[index], publisher: publisher))
            id -= 1
        }
        for mailbox in route.mailboxes { mailbox.deliver(batch: envelopes) }
    }

    /// Publishes events that were committed to the outbox. `settled` is called with each event's id once
    /// every subscriber has handled it (at once when none subscribes), so the store can mark it dispatched.
    public func publishDurable(_ events: [DurableEvent], settled: @escaping @Sendable (Int64) -> Void) {
        for event in events {
            let topic = (event.message as? RawBusMessage)?.topic ?? type(of: event.message).topic
            let route = route(for: topic)
            route.counter.count(1)
            let envelope = BusEnvelope(id: event.id, topic: topic, message: event.message, publisher: event.publisher)
            let id = event.id
            let ticket = DurableTicket(subscribers: route.mailboxes.count + 1) { settled(id) }
            for mailbox in route.mailboxes { mailbox.deliver(envelope, ticket: ticket) }
            ticket.settle()  // the publisher's own share: with no subscribers it settles here
        }
    }

    private func nextID() -> Int64 {
        sequence.subtract(1, ordering: .relaxed).newValue
    }

    private func route(for topic: String) -> Route {
        state.withLock { state in
            if let route = state.routes[topic] { return route }
            let counter = state.topics[topic] ?? TopicCounter()
            state.topics[topic] = counter
            let route = Route(counter: counter, mailboxes: state.mailboxes.values
                .filter { TopicPattern.matches($0.pattern, topic) }
                .sorted { $0.name < $1.name })
            state.routes[topic] = route
            return route
        }
    }

    // MARK: - Subscribing

    public func subscribe(
        _ pattern: String, as name: String, capacity: Int, overflow: OverflowPolicy,
        _ handler: @escaping @Sendable (BusEnvelope) async throws -> Void
    ) -> any BusSubscription {
        let mailbox = Mailbox(name: name, pattern: pattern, capacity: capacity, overflow: overflow, logger: logger, handler: handler)
        let key = ObjectIdentifier(mailbox)
        // Detached: a subscriber must never run on the caller's actor (the main actor costs ~20 µs a message).
        let task = Task.detached { await mailbox.run() }
        state.withLock { state in
            state.mailboxes[key] = mailbox
            state.tasks[key] = task
            state.routes.removeAll()
        }
        return LocalSubscription(bus: self, key: key)
    }

    func unsubscribe(_ key: ObjectIdentifier) {
        let mailbox: Mailbox? = state.withLock { state in
            state.routes.removeAll()
            state.tasks[key] = nil
            return state.mailboxes.removeValue(forKey: key)
        }
        mailbox?.close()
    }

    /// Closes every mailbox and waits until each has handled what it holds.
    public func drain() async {
        let (mailboxes, tasks) = state.withLock { state in
            let result = (Array(state.mailboxes.values), Array(state.tasks.values))
            state.mailboxes.removeAll()
            state.tasks.removeAll()
            state.routes.removeAll()
            return result
        }
        for mailbox in mailboxes { mailbox.close() }
        for task in tasks { await task.value }
    }

    // MARK: - Request and reply

    public func respond<Q: BusRequest>(to type: Q.Type, as name: String, _ handler: @escaping @Sendable (Q) async throws -> Q.Reply) throws {
        try state.withLock { (state) throws(HuzhuError) in
            if let existing = state.responders[Q.topic] {
                throw HuzhuError(.conflict, "\(name) cannot answer \(Q.topic): \(existing.name) already does")
            }
            state.responders[Q.topic] = Responder(name: name) { request in
                try await handler(request as! Q)  // keyed by Q.topic, so only Q arrives here
            }
        }
    }

    public func request<Q: BusRequest>(_ request: Q, timeout: Duration) async throws -> Q.Reply {
        guard let responder = state.withLock({ $0.responders[Q.topic] }) else {
            throw HuzhuError(.unavailable, "no module answers \(Q.topic) (is the plugin that provides it running?)")
        }
        return try await withThrowingTaskGroup(of: Q.Reply?.self) { group in
            group.addTask { try await responder.handle(request) as? Q.Reply }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let reply = first else {
                throw HuzhuError(.unavailable, "\(responder.name) did not answer \(Q.topic) within \(timeout)")
            }
            return reply
        }
    }

    // MARK: - Stats

    /// Published counts per topic, and each subscriber's counters.
    public var stats: BusStats {
        let (topics, mailboxes) = state.withLock { state in
            (state.topics.map { ($0.key, $0.value.value) }, Array(state.mailboxes.values))
        }
        return BusStats(
            published: topics.sorted { $0.0 < $1.0 }.map { TopicStats(topic: $0.0, published: $0.1) },
            subscribers: mailboxes.map(\.stats).sorted { $0.name < $1.name })
    }
}

/// A subscription of `LocalBus`.
struct LocalSubscription: BusSubscription {
    let bus: LocalBus
    let key: ObjectIdentifier

    func cancel() {
        bus.unsubscribe(key)
    }
}

/// A topic's published count.
final class TopicCounter: Sendable {
    private let published = Atomic<Int>(0)
    func count(_ n: Int) { published.add(n, ordering: .relaxed) }
    var value: Int { published.load(ordering: .relaxed) }
}

/// What `BUS STATS` shows.
public struct BusStats: Sendable, Equatable {
    public let published: [TopicStats]
    public let subscribers: [SubscriberStats]
}

public struct TopicStats: Sendable, Equatable {
    public let topic: String
    public let published: Int
}
