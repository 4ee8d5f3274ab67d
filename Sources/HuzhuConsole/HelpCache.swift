import HuzhuKit
import NIOConcurrencyHelpers
import NIOCore

/// The full `HELP` list, rendered once per kind of caller and kept: building it (filtering 130-odd
/// commands, padding columns, writing JSON) took about 1.1 ms on the event loop, so a thousand slow
/// clients asking for it now and then raised everyone's `PING` p99 fiftyfold (docs/reliability.md).
/// The registry does not change once the console serves, so nothing is ever stale.
final class HelpCache: Sendable {
    struct Key: Hashable {
        let roles: [String]?  // nil before login
        let language: Language
        let format: ConsoleFormat
        let newline: String
    }

    private let answers = NIOLockedValueBox<[Key: ByteBuffer]>([:])

    /// The cached answer for `key`, rendering it with `render` the first time.
    func answer(_ key: Key, render: () -> ByteBuffer) -> ByteBuffer {
        if let known = answers.withLockedValue({ $0[key] }) { return known }
        let rendered = render()
        answers.withLockedValue { $0[key] = rendered }
        return rendered
    }
}
