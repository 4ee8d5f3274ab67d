/// Who did a write, and for whom (全程代理: staff acting on behalf of a member).
public struct Actor: Sendable, Equatable, CustomStringConvertible {
    /// `staff:<username>`, `sms:<phone>`, `cli:<os user>`, `plugin:<id>` or `system`.
    public let name: String
    /// The member the write was done for, when staff act on someone's behalf.
    public let onBehalfOf: Int64?

    public init(_ name: String, onBehalfOf: Int64? = nil) {
        self.name = name
        self.onBehalfOf = onBehalfOf
    }

    /// The hub itself (first start, migrations, scheduled jobs without a person behind them).
    public static let system = Actor("system")

    /// A console account.
    public static func staff(_ username: String, onBehalfOf: Int64? = nil) -> Actor {
        Actor("staff:\(username)", onBehalfOf: onBehalfOf)
    }

    /// The same actor, acting for a member.
    public func onBehalf(of member: Int64?) -> Actor {
        Actor(name, onBehalfOf: member)
    }

    public var description: String {
        onBehalfOf.map { "\(name) for member \($0)" } ?? name
    }
}
