#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import HuzhuctlCore

struct ConnectError: Error {
    var message: String
}

/// A non-blocking stream socket to the console (TCP or Unix), with an output queue.
final class Connection {
    let fd: Int32
    let endpoint: Endpoint
    private var outgoing: [UInt8] = []
    private var outgoingStart = 0
    var incoming = LineBuffer()
    /// Nothing more will come from the server: it closed its side, or the connection broke.
    private(set) var isClosed = false
    /// Why, if it broke rather than closed.
    private(set) var failure: String?
    /// Sending failed (the server is gone); what it sent before is still read.
    private(set) var sendFailure: String?

    private init(fd: Int32, endpoint: Endpoint) {
        self.fd = fd
        self.endpoint = endpoint
    }

    deinit {
        close(fd)
    }

    static func open(_ endpoint: Endpoint, timeoutMilliseconds: Int32 = 10_000) throws(ConnectError) -> Connection {
        switch endpoint {
        case .tcp(let host, let port): return try openTCP(host: host, port: port, endpoint: endpoint, timeout: timeoutMilliseconds)
        case .unix(let path): return try openUnix(path: path, endpoint: endpoint)
        }
    }

    private static var streamType: Int32 {
        #if os(Linux)
        Int32(SOCK_STREAM.rawValue)
        #else
        SOCK_STREAM
        #endif
    }

    private static func openTCP(host: String, port: Int, endpoint: Endpoint, timeout: Int32) throws(ConnectError) -> Connection {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = streamType
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let first = list else {
            throw ConnectError(message: "cannot resolve \(host): \(String(cString: gai_strerror(status)))")
        }
        defer { freeaddrinfo(list) }
        var lastError = "no address"
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let info = entry {
            entry = info.pointee.ai_next
            let fd = socket(info.pointee.ai_family, info.pointee.ai_socktype, info.pointee.ai_protocol)
            guard fd >= 0 else {
                lastError = Terminal.errorText(errno)
                continue
            }
            setNonBlocking(fd)
            var result = connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen)
            if result != 0, errno == EINPROGRESS {
                var pfd = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                var ready: Int32
                repeat { ready = poll(&pfd, 1, timeout) } while ready < 0 && errno == EINTR && pendingSignal == 0
                if ready == 1 {
                    var error: Int32 = 0
                    var length = socklen_t(MemoryLayout<Int32>.size)
                    getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length)
                    result = error == 0 ? 0 : -1
                    errno = error
                } else {
                    result = -1
                    errno = ready == 0 ? ETIMEDOUT : errno
                }
            }
            if result == 0 {
                var one: Int32 = 1
                setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
                return Connection(fd: fd, endpoint: endpoint)
            }
            lastError = Terminal.errorText(errno)
            close(fd)
        }
        throw ConnectError(message: "cannot connect to \(endpoint): \(lastError)")
    }

    private static func openUnix(path: String, endpoint: Endpoint) throws(ConnectError) -> Connection {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        let bytes = Array(path.utf8)
        guard bytes.count < capacity else { throw ConnectError(message: "socket path too long: \(path)") }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in bytes.enumerated() { raw[index] = byte }
            raw[bytes.count] = 0
        }
        let fd = socket(AF_UNIX, streamType, 0)
        guard fd >= 0 else { throw ConnectError(message: "cannot create a socket: \(Terminal.errorText(errno))") }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard result == 0 else {
            let text = Terminal.errorText(errno)
            close(fd)
            throw ConnectError(message: "cannot connect to \(path): \(text)")
        }
        setNonBlocking(fd)
        return Connection(fd: fd, endpoint: endpoint)
    }

    private static func setNonBlocking(_ fd: Int32) {
        let flags = fcntl(fd, F_GETFL, 0)
        _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK)
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
    }

    // MARK: - I/O

    var hasOutgoing: Bool { outgoingStart < outgoing.count && sendFailure == nil }

    func queue<S: Sequence>(_ bytes: S) where S.Element == UInt8 {
        if outgoingStart >= outgoing.count {
            outgoing.removeAll(keepingCapacity: true)
            outgoingStart = 0
        }
        outgoing.append(contentsOf: bytes)
    }

    /// Sends what the socket takes now.
    func flush() {
        while hasOutgoing {
            let n = outgoing.withUnsafeBytes { raw in
                #if os(Linux)
                send(fd, raw.baseAddress! + outgoingStart, raw.count - outgoingStart, Int32(MSG_NOSIGNAL))
                #else
                send(fd, raw.baseAddress! + outgoingStart, raw.count - outgoingStart, 0)
                #endif
            }
            if n > 0 {
                outgoingStart += n
                continue
            }
            if n < 0, errno == EINTR { continue }
            if n < 0, errno == EAGAIN || errno == EWOULDBLOCK { return }
            sendFailure = n < 0 ? Terminal.errorText(errno) : "nothing sent"
            return
        }
    }

    /// Reads what is there into `incoming`; false when nothing came because the connection ended.
    @discardableResult
    func receive() -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65536)
        var got = false
        while !isClosed {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n > 0 {
                incoming.append(chunk[0..<n])
                got = true
                if n < chunk.count { break }
                continue
            }
            if n == 0 {
                markClosed(failure: nil)
                break
            }
            if errno == EINTR { continue }
            if errno == EAGAIN || errno == EWOULDBLOCK { break }
            markClosed(failure: Terminal.errorText(errno))
        }
        return got
    }

    private func markClosed(failure: String?) {
        if !isClosed {
            isClosed = true
            self.failure = failure
        }
    }
}
