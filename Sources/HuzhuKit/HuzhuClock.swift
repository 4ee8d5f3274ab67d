import Foundation

/// Where "now" comes from. Injected everywhere so tests and `SMS TRY at=…` can fix the time.
public protocol HuzhuClock: Sendable {
    /// The current instant.
    func now() -> Date
}

/// The system's wall clock.
public struct SystemClock: HuzhuClock {
    public init() {}
    public func now() -> Date { Date() }
}

/// A clock that always answers the same instant.
public struct FixedClock: HuzhuClock {
    /// The instant this clock answers.
    public let instant: Date
    public init(_ instant: Date) { self.instant = instant }
    public func now() -> Date { instant }
}
