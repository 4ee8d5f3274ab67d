import HuzhuBus
import HuzhuKit
import Logging
import Synchronization

/// The message every scenario publishes: a small struct (16 bytes, stored inline in the envelope's
/// `any BusMessage`, so publishing it boxes nothing).
public struct BenchTick: BusMessage {
    public static let topic = "bench.tick"
    public let seq: Int
    public let value: Int
    public init(seq: Int, value: Int) {
        self.seq = seq
        self.value = value
    }
    public var json: JSONValue { ["seq": .int(seq), "value": .int(value)] }
}

/// What a scenario is: how many subscribers, and how the publisher publishes.
public struct BusScenario: Sendable, CustomStringConvertible {
    public enum Publishing: Sendable {
        case single
        case batch(Int)
    }

    public var subscribers: Int
    public var publishing: Publishing
    /// The pattern each subscriber subscribes to: the exact topic with one subscriber, `bench.*` with several.
    public var pattern: String { subscribers == 1 ? BenchTick.topic : "bench.*" }

    public init(subscribers: Int, publishing: Publishing) {
        self.subscribers = subscribers
        self.publishing = publishing
    }

    public static let oneSubscriber = BusScenario(subscribers: 1, publishing: .single)
    public static let eightSubscribers = BusScenario(subscribers: 8, publishing: .single)
    public static let batchOneSubscriber = BusScenario(subscribers: 1, publishing: .batch(1_000))

    public var description: String {
        switch publishing {
        case .single: "publish, \(subscribers) subscriber\(subscribers == 1 ? "" : "s") (\(pattern))"
        case .batch(let size): "publish(contentsOf:) ×\(size), \(subscribers) subscriber\(subscribers == 1 ? "" : "s") (\(pattern))"
        }
    }
}

/// Wakes one waiter once `count` arrivals have been counted (each subscriber arrives once, at its last message).
final class Finish: Sendable {
    private struct State {
        var remaining: Int
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let state: Mutex<State>

    init(count: Int) {
        state = Mutex(State(remaining: count))
    }

    func arrive() {
        let waiter: CheckedContinuation<Void, Never>? = state.withLock { state in
            state.remaining -= 1
            guard state.remaining == 0 else { return nil }
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }

    func wait() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done: Bool = state.withLock { state in
                if state.remaining == 0 { return true }
                state.waiter = continuation
                return false
            }
            if done { continuation.resume() }
        }
    }
}

/// One subscriber's count of what it received; only its own mailbox task touches it, one message at a time,
/// so a relaxed atomic is enough (and costs an uncontended add).
final class Received: Sendable {
    let count = Atomic<Int>(0)
    let checksum = Atomic<Int>(0)
}

/// A bus with the scenario's subscribers, ready to publish `messages` to. Building it (subscribing, starting
/// the mailbox tasks) is not part of the measurement; `run()` is.
public final class PreparedBusRun: Sendable {
    public let scenario: BusScenario
    public let messages: Int
    let bus: LocalBus
    let finish: Finish
    let received: [Received]
    let subscriptions: [any BusSubscription]

    public init(_ scenario: BusScenario, messages: Int) {
        precondition(messages > 0)
        self.scenario = scenario
        self.messages = messages
        var logger = Logger(label: "bench")
        logger.logLevel = .error
        let bus = LocalBus(logger: logger)
        self.bus = bus
        let finish = Finish(count: scenario.subscribers)
        self.finish = finish
        let received = (0..<scenario.subscribers).map { _ in Received() }
        self.received = received
        subscriptions = received.enumerated().map { index, received in
            // A mailbox as large as the run, so nothing is dropped: every message is delivered and counted.
            bus.subscribe(scenario.pattern, as: "bench-\(index)", capacity: messages, overflow: .dropNewest) { envelope in
                let tick = envelope.message as! BenchTick
                received.checksum.add(tick.value, ordering: .relaxed)
                if received.count.add(1, ordering: .relaxed).newValue == messages { finish.arrive() }
            }
        }
    }

    /// Publishes `messages` messages and returns once every subscriber has handled all of them, with the
    /// instant the publisher was done. Runs on the caller's executor: call it from a detached task (never
    /// the main actor).
    @discardableResult
    public func run() async -> ContinuousClock.Instant {
        let bus = self.bus
        let n = messages
        switch scenario.publishing {
        case .single:
            for seq in 0..<n {
                bus.publish(BenchTick(seq: seq, value: 1), from: "bench")
            }
        case .batch(let size):
            var batch: [BenchTick] = []
            batch.reserveCapacity(size)
            var seq = 0
            while seq < n {
                let end = min(n, seq + size)
                batch.removeAll(keepingCapacity: true)
                while seq < end {
                    batch.append(BenchTick(seq: seq, value: 1))
                    seq += 1
                }
                bus.publish(contentsOf: batch, from: "bench")
            }
        }
        let published = ContinuousClock.now
        await finish.wait()
        return published
    }

    /// Checks that each subscriber got every message exactly once (by count and checksum).
    public var delivered: Int {
        received.reduce(0) { $0 + $1.count.load(ordering: .relaxed) }
    }

    public var verified: Bool {
        received.allSatisfy { $0.count.load(ordering: .relaxed) == messages && $0.checksum.load(ordering: .relaxed) == messages }
    }

    /// Closes the mailboxes and waits for their tasks to end.
    public func finishRun() async {
        await bus.drain()
    }
}
