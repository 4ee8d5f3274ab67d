#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import HuzhuctlCore

/// The last SIGINT, SIGTERM or SIGHUP received (0: none since it was last cleared); set by the handler.
nonisolated(unsafe) var pendingSignal: Int32 = 0
/// Set on SIGWINCH.
nonisolated(unsafe) var windowChanged: Int32 = 0

enum Signals {
    /// Catches SIGINT, SIGTERM, SIGHUP and SIGWINCH without SA_RESTART, so that a blocking poll() or
    /// read() returns EINTR and the loops below decide what a signal means where they are.
    static func install() {
        for signo in [SIGINT, SIGTERM, SIGHUP] {
            set(signo) { pendingSignal = $0 }
        }
        set(SIGWINCH) { _ in windowChanged = 1 }
    }

    private static func set(_ signo: Int32, _ handler: @convention(c) (Int32) -> Void) {
        var action = sigaction()
        #if os(Linux)
        action.__sigaction_handler.sa_handler = handler
        #else
        action.__sigaction_u.__sa_handler = handler
        #endif
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0
        sigaction(signo, &action, nil)
    }

    /// Takes the pending SIGINT/SIGTERM/SIGHUP, if any.
    static func take() -> Int32? {
        let signo = pendingSignal
        guard signo != 0 else { return nil }
        pendingSignal = 0
        return signo
    }
}

/// Output without buffering, so stdout and stderr lines keep their order.
enum Terminal {
    static func emit(_ text: String, to fd: Int32) {
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { buffer in
                write(fd, buffer.baseAddress! + offset, buffer.count - offset)
            }
            if n < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                return  // stdout gone (EPIPE without SIGPIPE): nothing more to say
            }
            offset += n
        }
    }

    static func out(_ line: String) { emit(line + "\n", to: 1) }
    static func err(_ line: String) { emit(line + "\n", to: 2) }

    static func isTTY(_ fd: Int32) -> Bool { isatty(fd) != 0 }

    static func errorText(_ code: Int32) -> String { String(cString: strerror(code)) }

    /// Reads a line from the terminal without echoing it (passwords). Nil on end of input or Ctrl-C.
    static func readSecret(prompt: String, from reader: InputReader) -> String? {
        emit(prompt, to: 2)
        var saved = termios()
        let haveTerminal = tcgetattr(reader.fd, &saved) == 0
        if haveTerminal {
            var quiet = saved
            quiet.c_lflag &= ~tcflag_t(ECHO)
            tcsetattr(reader.fd, TCSAFLUSH, &quiet)
        }
        defer {
            if haveTerminal {
                tcsetattr(reader.fd, TCSAFLUSH, &saved)
                emit("\n", to: 2)
            }
        }
        return reader.readLineBlocking().map { String(decoding: $0, as: UTF8.self) }
    }

    /// Reads a line with echo (the user name).
    static func readLine(prompt: String, from reader: InputReader) -> String? {
        emit(prompt, to: 2)
        return reader.readLineBlocking().map { String(decoding: $0, as: UTF8.self) }
    }

    static func environment(_ name: String) -> String? {
        getenv(name).map { String(cString: $0) }
    }

    static var homeDirectory: String? {
        if let home = environment("HOME"), !home.isEmpty { return home }
        guard let entry = getpwuid(getuid()), let dir = entry.pointee.pw_dir else { return nil }
        return String(cString: dir)
    }

    /// Reads a whole file, or says why not. `othersMayRead`: whether group or others have any access.
    static func readFile(_ path: String) -> Result<(text: String, othersMayRead: Bool), SettingsError> {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return .failure(SettingsError(errorText(errno))) }
        defer { close(fd) }
        var info = stat()
        let othersMayRead = fstat(fd, &info) == 0 && (info.st_mode & 0o077) != 0
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0, errno == EINTR { continue }
            guard n > 0 else { break }
            bytes += chunk[0..<n]
        }
        return .success((String(decoding: bytes, as: UTF8.self), othersMayRead))
    }
}

/// Buffered reading of standard input, shared by the prompts, stdin mode and the line editor, so that
/// nothing typed ahead is lost between them.
final class InputReader {
    let fd: Int32
    private(set) var buffer = LineBuffer()
    private(set) var atEnd = false

    init(fd: Int32) {
        self.fd = fd
    }

    var hasBufferedBytes: Bool { !buffer.isEmpty }

    enum Fill { case data, end, interrupted }

    /// One read(): blocks only if nothing is ready (callers poll first when they must not block).
    @discardableResult
    func fill() -> Fill {
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n > 0 {
                buffer.append(chunk[0..<n])
                return .data
            }
            if n == 0 {
                atEnd = true
                return .end
            }
            if errno == EINTR { return .interrupted }
            if errno == EAGAIN { return .data }
            atEnd = true
            return .end
        }
    }

    /// A complete line (without `\n` and a `\r` before it) if one is buffered; at the end of input, the
    /// last line without a newline.
    func nextBufferedLine() -> ArraySlice<UInt8>? {
        if let line = buffer.nextLineBytes() { return Self.strip(line) }
        if atEnd, let rest = buffer.takeRest() { return Self.strip(rest) }
        return nil
    }

    /// Waits for a whole line. Nil at the end of input, or on a signal (see `Signals.take()`).
    func readLineBlocking() -> ArraySlice<UInt8>? {
        while true {
            if let line = nextBufferedLine() { return line }
            if atEnd { return nil }
            if fill() == .interrupted, pendingSignal != 0 { return nil }
        }
    }

    func nextByte() -> UInt8? { buffer.nextByte() }

    private static func strip(_ line: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        line.last == UInt8(ascii: "\r") ? line.dropLast() : line
    }
}
