import Foundation

/// A message on the bus. The type names its topic; new versions of a payload are new types with new
/// topics (`labour.job.assigned.v2`), never changes to old ones.
///
/// ```swift
/// struct JobAssigned: BusMessage {
///     static let topic = "labour.job.assigned"
///     let job: Int64
///     var json: JSONValue { ["job": .int(Int(job))] }
/// }
/// ```
public protocol BusMessage: Sendable {
    /// Dot-separated, lowercase, starting with the publishing plugin's id: `labour.job.assigned`.
    static var topic: String { get }
    /// The payload as JSON: what `BUS TAIL` shows, what the durable outbox stores, and what subscribers in
    /// other plugins read without depending on this type.
    var json: JSONValue { get }
}

/// A message that can be rebuilt from its JSON (for typed subscribers of events replayed from the outbox).
public protocol DecodableBusMessage: BusMessage {
    init(json: JSONValue) throws
}

/// A message known only by topic and JSON: events replayed from the outbox after a restart, or payloads
/// of types the receiver does not link against.
public struct RawBusMessage: BusMessage {
    public static let topic = "*"
    public let topic: String
    public let json: JSONValue

    public init(topic: String, json: JSONValue) {
        self.topic = topic
        self.json = json
    }
}

/// A message as delivered: the message with its topic, id, publisher and time.
public struct BusEnvelope: Sendable {
    /// Unique per delivery source: the outbox row id for durable events, a process-wide sequence
    /// (counting down from -1) for the others. Subscribers of durable events dedupe on it.
    public let id: Int64
    public let topic: String
    public let message: any BusMessage
    /// The plugin (or `core`) that published it.
    public let publisher: String
    /// True when it came through the durable outbox.
    public var isDurable: Bool { id > 0 }

    public init(id: Int64, topic: String, message: any BusMessage, publisher: String) {
        self.id = id
        self.topic = topic
        self.message = message
        self.publisher = publisher
    }

    /// The message as `M`: the value itself when published in this process, or rebuilt from JSON.
    public func decode<M: DecodableBusMessage>(_ type: M.Type) throws -> M {
        if let typed = message as? M { return typed }
        return try M(json: message.json)
    }

    /// The envelope as JSON (`BUS TAIL`).
    public var json: JSONValue {
        ["id": .int(Int(id)), "topic": .string(topic), "publisher": .string(publisher), "payload": message.json]
    }
}

/// What a subscriber's mailbox does when it is full. The publisher never waits.
public enum OverflowPolicy: String, Sendable {
    /// Drop the message being published (the subscriber keeps what it has).
    case dropNewest
    /// Drop the oldest queued message (the subscriber wants the latest, e.g. a live view).
    case dropOldest
}

/// A request on the bus, answered by exactly one responder.
public protocol BusRequest: Sendable {
    associatedtype Reply: Sendable
    /// The request's topic, e.g. `labour.request.create`.
    static var topic: String { get }
}

/// A live subscription; `cancel()` stops delivery.
public protocol BusSubscription: Sendable {
    func cancel()
}

/// The in-process message bus.
public protocol MessageBus: Sendable {
    /// Publishes to every subscriber whose pattern matches `M.topic`. Never waits for subscribers.
    func publish<M: BusMessage>(_ message: M, from publisher: String)
    /// Publishes many messages of one type in order, at a lower cost per message.
    func publish<M: BusMessage>(contentsOf messages: [M], from publisher: String)
    /// Subscribes `handler` to topics matching `pattern` (`labour.job.assigned`, `labour.*`, `*`).
    /// Each subscriber has its own mailbox of `capacity` messages and one task that runs `handler` for
    /// one message at a time, in publishing order. A throwing handler is logged and counted.
    func subscribe(
        _ pattern: String, as name: String, capacity: Int, overflow: OverflowPolicy,
        _ handler: @escaping @Sendable (BusEnvelope) async throws -> Void
    ) -> any BusSubscription
    /// Answers requests of type `Q` (one responder per type).
    func respond<Q: BusRequest>(to type: Q.Type, as name: String, _ handler: @escaping @Sendable (Q) async throws -> Q.Reply) throws
    /// Sends a request and waits for the reply at most `timeout`; `UNAVAILABLE` when no one answers in time.
    func request<Q: BusRequest>(_ request: Q, timeout: Duration) async throws -> Q.Reply
}

extension MessageBus {
    /// Subscribes with a mailbox of 1,024 messages that drops new messages when full.
    public func subscribe(
        _ pattern: String, as name: String, _ handler: @escaping @Sendable (BusEnvelope) async throws -> Void
    ) -> any BusSubscription {
        subscribe(pattern, as: name, capacity: 1024, overflow: .dropNewest, handler)
    }
}

/// Topic patterns: exact, `prefix.*` (everything below prefix), or `*` (everything).
public enum TopicPattern {
    /// Whether `topic` matches `pattern`.
    public static func matches(_ pattern: String, _ topic: String) -> Bool {
        if pattern == "*" || pattern == topic { return true }
        guard pattern.hasSuffix(".*") else { return false }
        let prefix = pattern.dropLast(1)  // keep the dot: "labour." matches "labour.job" not "labourer"
        return topic.hasPrefix(prefix)
    }

    /// Checks a pattern's shape, with an error that gives the right form.
    public static func validate(_ pattern: String) throws(HuzhuError) {
        let body = pattern == "*" ? "" : (pattern.hasSuffix(".*") ? String(pattern.dropLast(2)) : pattern)
        let valid = pattern == "*" || (!body.isEmpty && body.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { part in
            !part.isEmpty && part.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "_") }
        })
        guard valid else {
            throw HuzhuError(.syntax, "topic pattern '\(pattern)' is not valid: use a topic (labour.job.assigned), a prefix with .* (labour.*) or *",
                             zh: "主题格式不对：应为具体主题（labour.job.assigned）、前缀加 .*（labour.*）或 *")
        }
    }
}
