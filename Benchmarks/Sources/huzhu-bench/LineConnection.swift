import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A blocking TCP connection that writes lines and reads `\n`-terminated answers.
///
/// `@unchecked Sendable`: a connection is used by one thread at a time — the main thread logs it in and warms
/// it up, then hands it to exactly one worker thread and never touches it again (the hand-over is ordered by
/// `Thread.start`).
final class LineConnection: @unchecked Sendable {
    private let fd: Int32
    private var buffer: [UInt8] = []
    private var start = 0

    /// `receiveBuffer`: a small SO_RCVBUF for slow readers (set before connecting, so the window stays small).
    init(host: String, port: Int, receiveBuffer: Int32? = nil) throws {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var info: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &info) == 0, let first = info else { throw BenchError("cannot resolve \(host)") }
        defer { freeaddrinfo(info) }
        fd = socket(first.pointee.ai_family, first.pointee.ai_socktype, first.pointee.ai_protocol)
        guard fd >= 0 else { throw BenchError("socket: \(String(cString: strerror(errno)))") }
        if var size = receiveBuffer {
            setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        guard connect(fd, first.pointee.ai_addr, first.pointee.ai_addrlen) == 0 else {
            close(fd)
            throw BenchError("connect to \(host):\(port): \(String(cString: strerror(errno)))")
        }
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        // An answer that never comes is a finding, not a reason to hang the run: reads give up after 30 s.
        var limit = timeval(tv_sec: 30, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        buffer.reserveCapacity(65_536)
    }

    deinit { close(fd) }

    func write(_ text: String) throws {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeMutableBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            guard n > 0 else { throw BenchError("write: \(String(cString: strerror(errno)))") }
            offset += n
        }
        bytes.removeAll()
    }

    /// The next answer line, without its line end.
    func readLine() throws -> Substring {
        while true {
            if let newline = buffer[start...].firstIndex(of: UInt8(ascii: "\n")) {
                var end = newline
                if end > start, buffer[end - 1] == UInt8(ascii: "\r") { end -= 1 }
                let line = String(decoding: buffer[start..<end], as: UTF8.self)
                start = newline + 1
                if start == buffer.count { buffer.removeAll(keepingCapacity: true); start = 0 }
                return Substring(line)
            }
            if start > 32_768 { buffer.removeFirst(start); start = 0 }
            var chunk = [UInt8](repeating: 0, count: 16_384)
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
            guard n > 0 else {
                if n < 0, errno == EAGAIN || errno == EWOULDBLOCK { throw BenchError("no answer within 30 s") }
                throw BenchError(n == 0 ? "the server closed the connection" : "read: \(String(cString: strerror(errno)))")
            }
            buffer.append(contentsOf: chunk[0..<n])
        }
    }

    // MARK: - Non-blocking use (idle and slow connections, after login)

    func setNonBlocking() {
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
    }

    /// Writes what the socket takes now: the bytes written (0 when it is full); nil when the connection is gone.
    func tryWrite(_ bytes: UnsafeRawBufferPointer) -> Int? {
        let n = Glibc.send(fd, bytes.baseAddress!, bytes.count, Int32(MSG_NOSIGNAL))
        if n >= 0 { return n }
        return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : nil
    }

    /// Reads up to `limit` bytes that have arrived: (bytes, newlines among them); nil when the server closed
    /// the connection (or it failed). Bytes read ahead by `readLine` are counted first.
    func tryRead(_ limit: Int) -> (bytes: Int, lines: Int)? {
        var lines = 0
        if start < buffer.count {
            let taken = min(limit, buffer.count - start)
            lines = buffer[start..<(start + taken)].reduce(0) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
            start += taken
            if start == buffer.count { buffer.removeAll(keepingCapacity: true); start = 0 }
            return (taken, lines)
        }
        var chunk = [UInt8](repeating: 0, count: max(1, limit))
        let n = chunk.withUnsafeMutableBytes { Glibc.recv(fd, $0.baseAddress!, $0.count, Int32(MSG_DONTWAIT)) }
        if n == 0 { return nil }
        if n < 0 { return errno == EAGAIN || errno == EWOULDBLOCK ? (0, 0) : nil }
        for byte in chunk[0..<n] where byte == UInt8(ascii: "\n") { lines += 1 }
        return (n, lines)
    }

    /// Whether the server still holds the connection open: reads whatever arrived (an idle connection gets
    /// nothing unless the server says goodbye) and looks for the end of the stream.
    var isOpen: Bool {
        while true {
            guard let read = tryRead(4096) else { return false }
            if read.bytes == 0 { return true }
        }
    }

    /// Sends a line and returns its answer.
    func request(_ line: String) throws -> Substring {
        try write(line + "\n")
        return try readLine()
    }
}
