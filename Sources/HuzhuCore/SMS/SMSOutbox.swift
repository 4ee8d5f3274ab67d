import Foundation
import HuzhuKit
import Synchronization

/// A message leased to a gateway.
public struct LeasedSMS: Sendable, Equatable {
    public let id: Int64
    public let to: String
    public let text: String
    public let segments: Int

    public var json: JSONValue { ["id": .int(Int(id)), "to": .string(to), "text": .string(text), "segments": .int(segments)] }
}

/// Settings of the SMS outbox.
public struct SMSOutboxPolicy: Sendable {
    /// How long a leased message waits for `SMS ACK` before it is offered again.
    public var leaseTimeout: Duration = .seconds(120)
    /// Attempts before a message ends as failed.
    public var maximumAttempts = 5
    /// The first retry's delay; each further retry doubles it.
    public var retryDelay: Duration = .seconds(30)
    /// Messages per second each gateway may take.
    public var gatewayRate = 10.0
    /// Quiet hours in the hub's time zone (start inclusive, end exclusive, minutes after midnight).
    public var quietStart = 21 * 60 + 30
    public var quietEnd = 7 * 60
    public var timeZone = TimeZone(identifier: "Asia/Shanghai")!

    public init() {}

    /// Whether `date` falls within quiet hours.
    public func isQuiet(_ date: Date) -> Bool {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.hour, .minute], from: date)
        let minute = (parts.hour ?? 0) * 60 + (parts.minute ?? 0)
        if quietStart == quietEnd { return false }  // 00:00-00:00: no quiet hours
        return quietStart > quietEnd ? (minute >= quietStart || minute < quietEnd) : (minute >= quietStart && minute < quietEnd)
    }
}

/// The durable queue of messages to phones, which gateways pull from.
public struct SMSOutbox: Sendable {
    let store: any HubStoreHandle
    let policy: SMSOutboxPolicy
    let clock: any HuzhuClock
    private let buckets = RateBuckets()

    public init(store: any HubStoreHandle, policy: SMSOutboxPolicy, clock: any HuzhuClock) {
        self.store = store
        self.policy = policy
        self.clock = clock
    }

    /// Leases up to `maximum` messages to `gateway`: replies first, then the oldest; notifications wait
    /// out quiet hours unless urgent; an expired lease counts as an attempt.
    public func pull(gateway: String, maximum: Int) async throws -> [LeasedSMS] {
        let allowed = buckets.take(gateway: gateway, wanted: min(max(maximum, 1), 500), rate: policy.gatewayRate)
        guard allowed > 0 else { return [] }
        let quiet = policy.isQuiet(clock.now())
        let lease = Self.seconds(policy.leaseTimeout)
        let attempts = policy.maximumAttempts
        let leased = try await store.write(as: Actor("gateway:\(gateway)")) { tx in
            // Leases that ran out after the last attempt end here.
            try await tx.execute(
                """
                UPDATE sms_outbox SET status = 'failed', last_error = 'no confirmation after ' || attempts || ' attempts'
                WHERE status = 'leased' AND lease_until < now() AND attempts >= \(attempts)
                """)
            let rows = try await tx.query(
                """
                WITH picked AS (
                    SELECT id FROM sms_outbox
                    WHERE (status = 'queued' OR (status = 'leased' AND lease_until < now()))
                      AND not_before <= now() AND (kind = 'reply' OR urgent OR NOT \(quiet))
                    ORDER BY (kind = 'reply') DESC, id
                    LIMIT \(allowed) FOR UPDATE SKIP LOCKED)
                UPDATE sms_outbox o SET status = 'leased', lease_until = now() + make_interval(secs => \(lease)),
                    leased_by = \(gateway), attempts = o.attempts + 1
                FROM picked WHERE o.id = picked.id
                RETURNING o.id, o.phone, o.text, o.segments
                """)
            var leased: [LeasedSMS] = []
            for try await (id, phone, text, segments) in rows.decode((Int64, String, String, Int).self) {
                leased.append(LeasedSMS(id: id, to: phone, text: text, segments: segments))
            }
            return leased.sorted { $0.id < $1.id }
        }
        buckets.refund(gateway: gateway, allowed - leased.count)  // only messages taken count against the rate
        return leased
    }

    /// Returns every leased message to the queue, at start-up: the gateways that held them lost their
    /// sessions when the hub stopped, so waiting for the leases to run out would only delay them. The attempt
    /// is not counted. A gateway that did send one confirms it late (`acknowledge` accepts that), or the
    /// message goes out again: at least once, never lost.
    @discardableResult
    public func releaseLeases() async throws -> Int {
        try await store.write(as: .system) { tx in
            let rows = try await tx.query(
                """
                UPDATE sms_outbox SET status = 'queued', lease_until = NULL, attempts = greatest(attempts - 1, 0)
                WHERE status = 'leased' RETURNING id
                """)
            var count = 0
            for try await _ in rows.decode(Int64.self) { count += 1 }
            return count
        }
    }

    /// Confirms that the gateway sent these messages. Returns the ids that are now sent: those leased, and
    /// those leased before a restart and queued again since (a late confirmation).
    public func acknowledge(_ ids: [Int64], gateway: String) async throws -> [Int64] {
        try await store.write(as: Actor("gateway:\(gateway)")) { tx in
            let rows = try await tx.query(
                """
                UPDATE sms_outbox SET status = 'sent', sent_at = now(), lease_until = NULL
                WHERE id = ANY(\(ids)) AND (status = 'leased' OR (status = 'queued' AND leased_by IS NOT NULL))
                RETURNING id
                """)
            var done: [Int64] = []
            for try await id in rows.decode(Int64.self) { done.append(id) }
            return done.sorted()
        }
    }

    /// Records a failed send: retried later with a doubling delay, or failed for good after the last attempt.
    public func fail(_ id: Int64, reason: String, gateway: String) async throws -> String {
        let delay = Self.seconds(policy.retryDelay)
        let attempts = policy.maximumAttempts
        return try await store.write(as: Actor("gateway:\(gateway)")) { tx in
            let rows = try await tx.query(
                """
                UPDATE sms_outbox SET
                    status = CASE WHEN attempts >= \(attempts) THEN 'failed' ELSE 'queued' END,
                    not_before = now() + make_interval(secs => \(delay) * power(2, greatest(attempts - 1, 0))),
                    lease_until = NULL, last_error = \(reason)
                WHERE id = \(id) AND status IN ('leased', 'sent') RETURNING status
                """)
            for try await status in rows.decode(String.self) { return status }
            throw HuzhuError(.notFound, "no leased message \(id): only messages a gateway holds can fail", zh: "没有已领取的短信 \(id)")
        }
    }

    /// A delivery report: delivered, or failed with a reason.
    public func report(_ id: Int64, delivered: Bool, reason: String?, gateway: String) async throws {
        try await store.write(as: Actor("gateway:\(gateway)")) { tx in
            let rows = delivered
                ? try await tx.query("UPDATE sms_outbox SET status = 'delivered', delivered_at = now() WHERE id = \(id) AND status IN ('sent', 'leased') RETURNING id")
                : try await tx.query("UPDATE sms_outbox SET status = 'failed', last_error = \(reason ?? "delivery failed") WHERE id = \(id) AND status IN ('sent', 'leased') RETURNING id")
            for try await _ in rows.decode(Int64.self) { return }
            throw HuzhuError(.notFound, "no sent message \(id) to report on", zh: "没有已发送的短信 \(id)")
        }
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
    }
}

/// A token bucket per gateway: at most `rate` messages a second, bursts up to one second's worth.
final class RateBuckets: Sendable {
    private let buckets = Mutex<[String: (tokens: Double, at: ContinuousClock.Instant)]>([:])

    func take(gateway: String, wanted: Int, rate: Double) -> Int {
        buckets.withLock { buckets in
            let now = ContinuousClock.now
            var bucket = buckets[gateway] ?? (rate, now)
            let elapsed = SMSOutbox.seconds(bucket.at.duration(to: now))
            bucket.tokens = min(max(rate, 1), bucket.tokens + elapsed * rate)
            bucket.at = now
            let granted = min(wanted, Int(bucket.tokens))
            bucket.tokens -= Double(granted)
            buckets[gateway] = bucket
            return granted
        }
    }

    func refund(gateway: String, _ unused: Int) {
        guard unused > 0 else { return }
        buckets.withLock { $0[gateway]?.tokens += Double(unused) }
    }
}
