import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Connections beside the measured ones (`--idle N`, `--slow N`), opened and logged in before the measured
/// run and closed after it:
///
/// - idle: log in (when the run has credentials), then never send again;
/// - slow: log in, then keep up to `--slow-pipeline` requests (`--slow-request`, default `HELP`, whose
///   answer is tens of KiB) outstanding, reading the answers at `--slow-read-bps` bytes a second, through a
///   small receive buffer (16 KiB) as a client on a poor link would. One thread drives them all.
///
/// What the server does with them shows in its memory (ServerMemory) and in the measured client's latency.
final class ExtraConnections: @unchecked Sendable {  // `slow` state is touched only by the driver thread
    private let idle: [LineConnection]
    private var slow: [Slow]
    private let options: BenchOptions
    private let stopping = Atomic<Bool>(false)
    private let done = DispatchSemaphore(value: 0)
    private var driverStarted = false

    /// What the slow readers did.
    struct Report {
        var idle = 0, idleOpenAtEnd = 0
        var slow = 0, slowOpenAtEnd = 0, slowRequestsSent = 0, slowAnswersRead = 0, slowBytesRead = 0
    }

    private final class Slow {
        let connection: LineConnection
        var pending: [UInt8] = []
        var offset = 0
        var sent = 0
        var answered = 0
        var bytes = 0
        var open = true
        init(_ connection: LineConnection) { self.connection = connection }
    }

    init(options: BenchOptions, login: (Int32?) throws -> LineConnection) throws {
        self.options = options
        idle = try (0..<options.idle).map { _ in try login(nil) }
        slow = try (0..<options.slow).map { _ in Slow(try login(16_384)) }
        for connection in idle { connection.setNonBlocking() }
        for reader in slow { reader.connection.setNonBlocking() }
    }

    var isEmpty: Bool { idle.isEmpty && slow.isEmpty }

    /// Starts the slow readers' thread.
    func start() {
        guard !slow.isEmpty else { return }
        driverStarted = true
        let thread = Thread { [self] in
            drive()
            done.signal()
        }
        thread.stackSize = 1 << 20
        thread.start()
    }

    /// Stops the slow readers (when the server's memory passes the limit, or at the end).
    func stopSlowReaders() { stopping.store(true, ordering: .relaxed) }

    /// Stops the driver and reports; the connections close when this object goes away.
    func finish() -> Report {
        stopSlowReaders()
        if driverStarted { done.wait() }
        var report = Report(idle: idle.count, slow: slow.count)
        report.idleOpenAtEnd = idle.filter(\.isOpen).count
        for reader in slow {
            if reader.open, reader.connection.isOpen { report.slowOpenAtEnd += 1 }
            report.slowRequestsSent += reader.sent
            report.slowAnswersRead += reader.answered
            report.slowBytesRead += reader.bytes
        }
        return report
    }

    private func drive() {
        let tick = 0.1
        let budget = max(1, Int(Double(options.slowReadBytesPerSecond) * tick))
        let request = Array((options.slowRequest + "\n").utf8)
        let depth = options.slowPipeline
        while !stopping.load(ordering: .relaxed) {
            let started = DispatchTime.now().uptimeNanoseconds
            for reader in slow where reader.open {
                // Keep `depth` requests outstanding (answers are one line each: the connection is in JSON mode).
                if reader.offset == reader.pending.count {
                    let wanted = depth - (reader.sent - reader.answered)
                    reader.pending = wanted > 0 ? Array([[UInt8]](repeating: request, count: wanted).joined()) : []
                    reader.offset = 0
                    reader.sent += max(0, wanted)
                }
                if reader.offset < reader.pending.count {
                    let written = reader.pending.withUnsafeBytes { all in
                        reader.connection.tryWrite(UnsafeRawBufferPointer(rebasing: all[reader.offset...]))
                    }
                    guard let written else { reader.open = false; continue }
                    reader.offset += written
                }
                guard let read = reader.connection.tryRead(budget) else { reader.open = false; continue }
                reader.bytes += read.bytes
                reader.answered += read.lines
            }
            let spent = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
            if spent < tick { usleep(UInt32((tick - spent) * 1e6)) }  // pacing the reads, not synchronisation
        }
    }
}
