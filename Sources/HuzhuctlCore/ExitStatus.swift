/// huzhuctl's exit status: 0 when every answer was ok, 1 when any was not, 2 when the connection or
/// the login failed (that wins: the answers are then incomplete).
public struct ExitStatus: Sendable, Equatable {
    public static let ok: Int32 = 0
    public static let commandFailed: Int32 = 1
    public static let connectionFailed: Int32 = 2

    public private(set) var answers = 0
    public private(set) var failures = 0
    /// Why the session broke off, if it did.
    public private(set) var fatal: String?

    public init() {}

    /// Counts an answer to one of the user's commands (internal ones are not counted).
    public mutating func record(_ answer: Answer) {
        guard !answer.expectation.isInternal else { return }
        answers += 1
        if !answer.ok { failures += 1 }
    }

    /// A command the client refused to send counts as a failed answer.
    public mutating func recordLocalFailure() {
        answers += 1
        failures += 1
    }

    /// The connection or login failed; the first reason is kept.
    public mutating func fail(_ reason: String) {
        if fatal == nil { fatal = reason }
    }

    public var code: Int32 {
        if fatal != nil { return Self.connectionFailed }
        return failures > 0 ? Self.commandFailed : Self.ok
    }
}
