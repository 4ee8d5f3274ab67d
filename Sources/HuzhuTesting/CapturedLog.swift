import Logging
import Synchronization

/// A logger whose every line (message and metadata) is kept in memory, for tests of what reaches the log.
public final class CapturedLog: Sendable {
    private let lines = Mutex<[String]>([])

    public init() {}

    /// A logger at `level` writing here.
    public func logger(level: Logger.Level = .info) -> Logger {
        var logger = Logger(label: "huzhu-captured") { label in Handler(log: self, label: label) }
        logger.logLevel = level
        return logger
    }

    /// Everything logged so far, one line per entry.
    public var text: String { lines.withLock { $0.joined(separator: "\n") } }

    fileprivate func append(_ line: String) {
        lines.withLock { $0.append(line) }
    }

    private struct Handler: LogHandler {
        let log: CapturedLog
        let label: String
        var logLevel: Logger.Level = .trace
        var metadata: Logger.Metadata = [:]

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let merged = metadata.merging(event.metadata ?? [:]) { $1 }
            log.append("\(event.level) \(label) \(event.message) \(merged)")
        }
    }
}
