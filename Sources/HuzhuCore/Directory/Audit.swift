import HuzhuKit
import Logging
import PostgresNIO

/// Who did a write, and for whom (全程代理: staff acting for a member).
public struct Actor: Sendable, Equatable {
    /// `staff:<username>`, `sms:<phone>`, `cli:<os user>` or `system`.
    public let name: String
    /// The member the write was done for, if staff acted on someone's behalf.
    public let onBehalfOf: Int64?

    public init(_ name: String, onBehalfOf: Int64? = nil) {
        self.name = name
        self.onBehalfOf = onBehalfOf
    }

    public static let system = Actor("system")

    /// A console account.
    public static func staff(_ username: String, onBehalfOf: Int64? = nil) -> Actor {
        Actor("staff:\(username)", onBehalfOf: onBehalfOf)
    }
}

/// The audit log (村务公开): every write leaves a row in the same transaction as the write itself.
public enum Audit {
    /// Records one write on `connection`, which must be inside the write's transaction.
    public static func record(
        _ action: String, target: String, actor: Actor, before: JSONValue? = nil, after: JSONValue? = nil,
        on connection: PostgresConnection, logger: Logger
    ) async throws {
        _ = try await connection.query(
            """
            INSERT INTO audit_log (actor, on_behalf_of, action, target, before, after)
            VALUES (\(actor.name), \(actor.onBehalfOf), \(action), \(target),
                    \(before?.jsonText)::jsonb, \(after?.jsonText)::jsonb)
            """, logger: logger)
    }
}
