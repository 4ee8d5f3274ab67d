import HuzhuBus
import HuzhuKit
import Logging
import Synchronization
import Testing

struct Ping: BusMessage {
    static let topic = "test.ping"
    let n: Int
    var json: JSONValue { ["n": .int(n)] }
}

struct Other: BusMessage {
    static let topic = "other.thing"
    var json: JSONValue { [:] }
}

struct Echo: BusRequest {
    typealias Reply = String
    static let topic = "test.echo"
    let text: String
}

/// Collects what a subscriber receives and lets a test wait for a count without sleeping.
final class Inbox: Sendable {
    private let state = Mutex<(received: [Int64], topics: [String], waiters: [(Int, CheckedContinuation<Void, Never>)])>(([], [], []))

    func add(_ envelope: BusEnvelope) {
        let ready = state.withLock { state in
            state.received.append((envelope.message as? Ping).map { Int64($0.n) } ?? envelope.id)
            state.topics.append(envelope.topic)
            let count = state.received.count
            let ready = state.waiters.filter { $0.0 <= count }.map(\.1)
            state.waiters.removeAll { $0.0 <= count }
            return ready
        }
        ready.forEach { $0.resume() }
    }

    func wait(for count: Int) async {
        await withCheckedContinuation { continuation in
            let ready = state.withLock { state in
                if state.received.count >= count { return true }
                state.waiters.append((count, continuation))
                return false
            }
            if ready { continuation.resume() }
        }
    }

    var received: [Int64] { state.withLock { $0.received } }
    var topics: [String] { state.withLock { $0.topics } }
}

/// A gate a handler waits at until the test opens it (to fill a mailbox deterministically).
final class Gate: Sendable {
    private let state = Mutex<(open: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))
    func wait() async {
        await withCheckedContinuation { continuation in
            let open = state.withLock { state in
                if state.open { return true }
                state.waiters.append(continuation)
                return false
            }
            if open { continuation.resume() }
        }
    }
    func open() {
        let waiters = state.withLock { state in
            state.open = true
            defer { state.waiters = [] }
            return state.waiters
        }
        waiters.forEach { $0.resume() }
    }
}

@Suite struct LocalBusTests {
    let bus = LocalBus(logger: Logger(label: "test"))

    @Test func wildcardsSelectTopics() async {
        let all = Inbox(), test = Inbox(), exact = Inbox(), none = Inbox()
        _ = bus.subscribe("*", as: "all") { all.add($0) }
        _ = bus.subscribe("test.*", as: "test") { test.add($0) }
        _ = bus.subscribe("test.ping", as: "exact") { exact.add($0) }
        _ = bus.subscribe("market.*", as: "none") { none.add($0) }
        bus.publish(Ping(n: 1), from: "t")
        bus.publish(Other(), from: "t")
        await all.wait(for: 2)
        await test.wait(for: 1)
        await exact.wait(for: 1)
        await bus.drain()
        #expect(all.topics == ["test.ping", "other.thing"])
        #expect(test.topics == ["test.ping"])
        #expect(exact.topics == ["test.ping"])
        #expect(none.topics.isEmpty)
    }

    @Test func orderIsKeptPerPublisherAndTopic() async {
        let inbox = Inbox()
        _ = bus.subscribe("test.ping", as: "ordered", capacity: 100_000, overflow: .dropNewest) { inbox.add($0) }
        for n in 0..<5_000 { bus.publish(Ping(n: n), from: "t") }
        bus.publish(contentsOf: (5_000..<10_000).map { Ping(n: $0) }, from: "t")
        await inbox.wait(for: 10_000)
        #expect(inbox.received == (0..<10_000).map(Int64.init))
        await bus.drain()
    }

    @Test(arguments: [OverflowPolicy.dropNewest, .dropOldest])
    func aFullMailboxDropsByItsPolicyAndTheRestIsDelivered(_ policy: OverflowPolicy) async {
        let gate = Gate(), inbox = Inbox(), started = Inbox()
        _ = bus.subscribe("test.ping", as: "slow", capacity: 3, overflow: policy) { envelope in
            started.add(envelope)
            await gate.wait()
            inbox.add(envelope)
        }
        bus.publish(Ping(n: 0), from: "t")
        await started.wait(for: 1)  // message 0 is in the handler; the mailbox is empty
        for n in 1...6 { bus.publish(Ping(n: n), from: "t") }
        gate.open()
        await inbox.wait(for: 4)
        await bus.drain()
        #expect(inbox.received == (policy == .dropNewest ? [0, 1, 2, 3] : [0, 4, 5, 6]))
        let stats = bus.stats
        #expect(stats.subscribers.isEmpty, "drained subscribers are gone")
    }

    @Test func aFailingSubscriberIsCountedAndDoesNotStopOthers() async throws {
        struct Boom: Error {}
        let healthy = Inbox(), failing = Inbox()
        _ = bus.subscribe("test.ping", as: "a-failing") { envelope in
            failing.add(envelope)
            throw Boom()
        }
        _ = bus.subscribe("test.ping", as: "b-healthy") { healthy.add($0) }
        for n in 0..<10 { bus.publish(Ping(n: n), from: "t") }
        await healthy.wait(for: 10)
        await failing.wait(for: 10)
        let stats = try #require(bus.stats.subscribers.first { $0.name == "a-failing" })
        #expect(stats.failed == 10)
        #expect(bus.stats.published.first { $0.topic == "test.ping" }?.published == 10)
        #expect(healthy.received.count == 10)
        await bus.drain()
    }

    @Test func cancelledSubscriptionsReceiveNothingMore() async {
        let inbox = Inbox(), witness = Inbox()
        let subscription = bus.subscribe("test.ping", as: "short") { inbox.add($0) }
        _ = bus.subscribe("test.ping", as: "witness") { witness.add($0) }
        bus.publish(Ping(n: 1), from: "t")
        await inbox.wait(for: 1)
        subscription.cancel()
        bus.publish(Ping(n: 2), from: "t")
        await witness.wait(for: 2)
        await bus.drain()
        #expect(inbox.received == [1])
    }

    @Test func requestsGetRepliesOrTimeOut() async throws {
        try bus.respond(to: Echo.self, as: "echo") { request in
            if request.text == "slow" { try await Task.sleep(for: .seconds(30)) }
            return request.text.uppercased()
        }
        #expect(try await bus.request(Echo(text: "hi"), timeout: .seconds(5)) == "HI")
        let timeout = await #expect(throws: HuzhuError.self) {
            try await bus.request(Echo(text: "slow"), timeout: .milliseconds(50))
        }
        #expect(timeout?.code == .unavailable)
        #expect(throws: HuzhuError.self) { try bus.respond(to: Echo.self, as: "second") { _ in "" } }
    }

    @Test func aRequestNobodyAnswersIsUnavailable() async {
        let error = await #expect(throws: HuzhuError.self) {
            try await LocalBus(logger: Logger(label: "t")).request(Echo(text: "x"), timeout: .seconds(1))
        }
        #expect(error?.code == .unavailable)
    }

    @Test func durableEventsSettleOnceEverySubscriberHandledThem() async {
        let settled = Inbox(), first = Inbox(), second = Inbox()
        let gate = Gate()
        _ = bus.subscribe("test.*", as: "first") { first.add($0) }
        _ = bus.subscribe("test.ping", as: "second") { envelope in
            await gate.wait()
            second.add(envelope)
        }
        bus.publishDurable([DurableEvent(id: 41, message: Ping(n: 41), publisher: "t"),
                            DurableEvent(id: 42, message: RawBusMessage(topic: "nobody.listens", json: [:]), publisher: "t")]) { id in
            settled.add(BusEnvelope(id: id, topic: "settled", message: Other(), publisher: "t"))
        }
        await first.wait(for: 1)
        await settled.wait(for: 1)
        #expect(settled.received == [42], "an event no one subscribes to settles at once; 41 waits for the slow subscriber")
        gate.open()
        await settled.wait(for: 2)
        #expect(settled.received == [42, 41])
        await bus.drain()
    }
}
