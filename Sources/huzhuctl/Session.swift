#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import HuzhuctlCore

/// One console session: the connection, the answer framer, and a poll loop step shared by all modes.
final class Session {
    let connection: Connection
    var framer: AnswerFramer
    /// Receives every answer, event and stray line, in order.
    var onItem: (FramedItem) -> Void = { _ in }
    private var lastSent = ContinuousClock.now

    init(connection: Connection, format: SessionFormat = .text) {
        self.connection = connection
        self.framer = AnswerFramer(format: format)
    }

    var isClosed: Bool { connection.isClosed }

    /// Queues a line (a `\n` is added) and, unless it is blank, the answer it will get.
    func send<S: Sequence>(_ bytes: S, expecting expectation: Expectation?) where S.Element == UInt8 {
        connection.queue(bytes)
        connection.queue([UInt8(ascii: "\n")])
        if let expectation { framer.expect(expectation) }
        lastSent = .now
        connection.flush()
    }

    func send(_ line: String, expecting expectation: Expectation?) {
        send(Array(line.utf8), expecting: expectation)
    }

    /// Time since the last line was sent (for keep-alive pings: the server closes sessions idle for 15 minutes).
    var idleFor: Duration { .now - lastSent }

    enum Wake: Equatable {
        /// The server sent something (or took what was queued).
        case network
        /// `input` has bytes (or reached its end).
        case input
        case timeout
        /// A signal arrived (see `Signals.take()`, `windowChanged`).
        case signal
    }

    /// Waits for the server, and for `input` when given, at most `timeout` (nil: no limit); handles
    /// whatever the server sent (through `onItem`) before returning.
    func wait(input: InputReader?, timeout: Duration?) -> Wake {
        // Callers take what `input` has buffered first; at its end it is not polled (it would always be ready).
        let input = input?.atEnd == true ? nil : input
        connection.flush()
        var fds = [pollfd(fd: connection.fd, events: Int16(POLLIN) | (connection.hasOutgoing ? Int16(POLLOUT) : 0), revents: 0)]
        if let input { fds.append(pollfd(fd: input.fd, events: Int16(POLLIN), revents: 0)) }
        let milliseconds: Int32 = timeout.map { duration in
            let (seconds, attoseconds) = duration.components
            return Int32(clamping: max(0, seconds * 1000 + attoseconds / 1_000_000_000_000_000))
        } ?? -1
        let ready = poll(&fds, nfds_t(fds.count), milliseconds)
        if ready < 0 { return errno == EINTR ? .signal : .timeout }
        if ready == 0 { return .timeout }
        if fds[0].revents & Int16(POLLOUT) != 0 { connection.flush() }
        if fds[0].revents & (Int16(POLLIN) | Int16(POLLHUP) | Int16(POLLERR)) != 0 {
            connection.receive()
            deliver()
        }
        if fds.count > 1, fds[1].revents != 0, let input {
            if input.fill() == .interrupted { return .signal }
            return .input
        }
        return .network
    }

    /// Frames the complete lines received so far; at the end of the connection, a last unterminated one too.
    private func deliver() {
        while let line = connection.incoming.nextLine() {
            if let item = framer.feed(line) { onItem(item) }
        }
        if connection.isClosed, let rest = connection.incoming.takeRest(), !rest.isEmpty {
            if let item = framer.feed(String(decoding: rest, as: UTF8.self)) { onItem(item) }
        }
    }

    /// Why the connection ended, for the error line.
    var closeReason: String {
        if let failure = connection.failure { return "connection to \(connection.endpoint) lost: \(failure)" }
        return "the server closed the connection"
    }
}
