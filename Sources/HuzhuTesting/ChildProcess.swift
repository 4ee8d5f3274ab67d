import Foundation
import HuzhuKit
import Synchronization

/// A program run by a test (the real `huzhud` binary, a gateway program, a script), its output read
/// line by line.
///
/// Not Foundation's `Process`, whose exit detection is held up by grandchildren that inherit its
/// descriptor (the postmaster outlives `pg_ctl`).
///
/// Several children may run at once, started from any thread:
/// - children start one at a time (`spawnLock`), their pipes made close-on-exec before the next starts,
///   so a child started on another thread at the same moment never inherits this child's pipe ends (an
///   inherited write end keeps the output open after this child exits, and whoever reads it to the end
///   waits for ever);
/// - reading the output and waiting for the exit each run on a thread of their own, not on Dispatch's
///   shared pool, where blocking calls from several children starve the pool (the previous cause of
///   tests that hung once a second child ran);
/// - every child leads its own process group, so `terminate()` also ends what it started (a shell's
///   children, gammu-smsd's RunOnReceive script).
public final class ChildProcess: Sendable {
    public let pid: pid_t
    private let lines: AsyncStream<String>
    private let exit: Task<Int32, Never>
    private let state: Shared
    private let stdinFD: Int32

    private struct State {
        var output: [String] = []
        var finished = false
        var stdinOpen = false
        var exitStatus: Int32?
    }

    /// What the reader and waiter threads share with the test.
    private final class Shared: Sendable {
        let mutex = Mutex(State())
        func withLock<T>(_ body: (inout State) -> T) -> T { mutex.withLock { body(&$0) } }
    }

    /// The folder of the running test binary, where SwiftPM also puts `huzhud` and `huzhuctl`.
    public static var productsFolder: String {
        URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent().path
    }

    /// Held from making a child's pipes until it has started (Glibc's `pipe2` is not visible to Swift,
    /// so pipes are made close-on-exec in two steps, which no other spawn may come between).
    private static let spawnLock = Mutex(())

    /// Starts `executable` with `arguments`; `environment` is added to this process's environment.
    /// `stdin` is written to the child's input, which is then closed unless `keepStdinOpen` (then
    /// `write(_:)` sends more and `closeStdin()` ends it).
    public init(_ executable: String, _ arguments: [String], environment: [String: String] = [:], stdin: String? = nil,
                keepStdinOpen: Bool = false) throws {
        let (pid, pipeOut, pipeIn) = try Self.spawnLock.withLock { _ in
            try Self.spawn(executable, arguments, environment: environment)
        }
        self.pid = pid
        self.stdinFD = pipeIn
        let state = Shared()
        self.state = state
        let (stream, continuation) = AsyncStream.makeStream(of: String.self)
        self.lines = stream
        let readFD = pipeOut
        let reader = Thread {
            var pending: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 65_536)
            func deliver(_ bytes: ArraySlice<UInt8>) {
                var line = String(decoding: bytes, as: UTF8.self)
                if line.hasSuffix("\r") { line.removeLast() }
                state.withLock { $0.output.append(line) }
                continuation.yield(line)
            }
            while true {
                let count = buffer.withUnsafeMutableBytes { read(readFD, $0.baseAddress, $0.count) }
                if count < 0, errno == EINTR { continue }
                if count <= 0 { break }
                pending.append(contentsOf: buffer[0..<count])
                var start = 0
                while let newline = pending[start...].firstIndex(of: 0x0A) {
                    deliver(pending[start..<newline])
                    start = newline + 1
                }
                pending.removeFirst(start)
            }
            if !pending.isEmpty { deliver(pending[...]) }
            close(readFD)
            state.withLock { $0.finished = true }
            continuation.finish()
        }
        reader.name = "child \(pid) output"
        reader.start()

        // Written once the output is being read: a child that writes before it reads cannot block us.
        if let stdin { Self.writeAll(pipeIn, Array(stdin.utf8)) }
        if keepStdinOpen {
            state.withLock { $0.stdinOpen = true }
        } else {
            close(pipeIn)
        }

        let childPID = pid
        self.exit = Task.detached {
            await withCheckedContinuation { (done: CheckedContinuation<Int32, Never>) in
                let waiter = Thread {
                    var status: Int32 = 0
                    while waitpid(childPID, &status, 0) < 0, errno == EINTR {}
                    let code = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
                    state.withLock { $0.exitStatus = code }
                    done.resume(returning: code)
                }
                waiter.name = "child \(childPID) exit"
                waiter.start()
            }
        }
    }

    /// Makes the pipes and starts the child; returns its pid, the read end of its output and the write
    /// end of its input.
    private static func spawn(_ executable: String, _ arguments: [String], environment: [String: String]) throws -> (pid_t, Int32, Int32) {
        var pipeOut: [Int32] = [0, 0]
        var pipeIn: [Int32] = [0, 0]
        guard pipe(&pipeOut) == 0 else { throw HuzhuError(.internal, "pipe failed") }
        guard pipe(&pipeIn) == 0 else {
            close(pipeOut[0]); close(pipeOut[1])
            throw HuzhuError(.internal, "pipe failed")
        }
        for fd in [pipeIn[0], pipeIn[1], pipeOut[0], pipeOut[1]] { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        // dup2 clears close-on-exec on the copies 0, 1 and 2; the originals close at exec.
        posix_spawn_file_actions_adddup2(&actions, pipeIn[0], 0)
        posix_spawn_file_actions_adddup2(&actions, pipeOut[1], 1)
        posix_spawn_file_actions_adddup2(&actions, pipeOut[1], 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // Its own process group (so a signal reaches its children too), default signal handling and
        // an empty signal mask whatever the test runner set.
        var defaults = sigset_t()
        sigfillset(&defaults)
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let merged = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let envp = merged.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { envp.forEach { free($0) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        close(pipeOut[1])
        close(pipeIn[0])
        guard result == 0 else {
            close(pipeOut[0]); close(pipeIn[1])
            throw HuzhuError(.internal, "cannot start \(executable): \(String(cString: strerror(result)))")
        }
        return (pid, pipeOut[0], pipeIn[1])
    }

    private static func writeAll(_ fd: Int32, _ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if written < 0, errno == EINTR { continue }
            if written <= 0 { return }
            offset += written
        }
    }

    /// Writes to the child's input (started with `keepStdinOpen`).
    public func write(_ text: String) {
        state.withLock { state in
            guard state.stdinOpen else { return }
            Self.writeAll(stdinFD, Array(text.utf8))
        }
    }

    /// Closes the child's input (started with `keepStdinOpen`).
    public func closeStdin() {
        state.withLock { state in
            guard state.stdinOpen else { return }
            state.stdinOpen = false
            close(stdinFD)
        }
    }

    /// Reads output until a line contains `text`; returns that line, or nil if the output ended first.
    /// Every line read is kept in `transcript` for failure messages. One reader at a time.
    public func waitForLine(containing text: String, transcript: inout [String]) async -> String? {
        for await line in lines {
            transcript.append(line)
            if line.contains(text) { return line }
        }
        return nil
    }

    /// The rest of the output until the program closes it.
    public func remainingOutput() async -> [String] {
        var all: [String] = []
        for await line in lines { all.append(line) }
        return all
    }

    /// Every line the program has written so far (whoever else reads the stream).
    public var output: [String] { state.withLock { $0.output } }

    /// Whether the program has exited (nil while it runs).
    public var exited: Int32? { state.withLock { $0.exitStatus } }

    /// Waits until `condition` holds for the output so far, polling every `interval`; returns false if
    /// `timeout` passes or the output ends first without it holding.
    public func waitForOutput(timeout: Duration, interval: Duration = .milliseconds(50),
                              _ condition: ([String]) -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while true {
            let (output, finished) = state.withLock { ($0.output, $0.finished) }
            if condition(output) { return true }
            if finished || ContinuousClock.now >= deadline { return false }
            try? await Task.sleep(for: interval)
        }
    }

    /// Sends a signal to the program.
    public func signal(_ signal: Int32) {
        kill(pid, signal)
    }

    /// Ends the program and everything in its process group: SIGTERM, then SIGKILL after `grace`.
    /// Returns the exit status.
    @discardableResult
    public func terminate(grace: Duration = .seconds(5)) async -> Int32 {
        closeStdin()
        if let status = exited { return status }
        kill(-pid, SIGTERM)
        kill(pid, SIGTERM)
        let deadline = ContinuousClock.now + grace
        while exited == nil, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        if exited == nil {
            kill(-pid, SIGKILL)
            kill(pid, SIGKILL)
        }
        return await exit.value
    }

    /// The exit status (128+n for a signal).
    public func exitStatus() async -> Int32 {
        await exit.value
    }
}
