import Dispatch
import Foundation
import HuzhuKit

/// A program run by a test (the real `huzhud` binary), its output read line by line.
///
/// Not Foundation's `Process`, whose exit detection is held up by grandchildren that inherit its
/// descriptor (the postmaster outlives `pg_ctl`).
public final class ChildProcess: Sendable {
    public let pid: pid_t
    private let lines: AsyncStream<String>
    private let exit: Task<Int32, Never>

    /// The folder of the running test binary, where SwiftPM also puts `huzhud` and `huzhuctl`.
    public static var productsFolder: String {
        URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent().path
    }

    /// Starts `executable` with `arguments`; `environment` is added to this process's environment.
    public init(_ executable: String, _ arguments: [String], environment: [String: String] = [:], stdin: String? = nil) throws {
        var pipeOut: [Int32] = [0, 0]
        var pipeIn: [Int32] = [0, 0]
        guard pipe(&pipeOut) == 0, pipe(&pipeIn) == 0 else { throw HuzhuError(.internal, "pipe failed") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, pipeIn[0], 0)
        posix_spawn_file_actions_adddup2(&actions, pipeOut[1], 1)
        posix_spawn_file_actions_adddup2(&actions, pipeOut[1], 2)
        for fd in [pipeIn[0], pipeIn[1], pipeOut[0], pipeOut[1]] { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let merged = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let envp = merged.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { envp.forEach { free($0) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, nil, argv, envp)
        close(pipeOut[1])
        close(pipeIn[0])
        guard result == 0 else {
            close(pipeOut[0]); close(pipeIn[1])
            throw HuzhuError(.internal, "cannot start \(executable): \(String(cString: strerror(result)))")
        }
        self.pid = pid
        if let stdin { _ = stdin.withCString { write(pipeIn[1], $0, strlen($0)) } }
        close(pipeIn[1])

        let (stream, continuation) = AsyncStream.makeStream(of: String.self)
        self.lines = stream
        let readFD = pipeOut[0]
        DispatchQueue.global().async {
            let handle = FileHandle(fileDescriptor: readFD, closeOnDealloc: true)
            var pending = Data()
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                pending.append(chunk)
                while let newline = pending.firstIndex(of: 0x0A) {
                    continuation.yield(String(decoding: pending[pending.startIndex..<newline], as: UTF8.self))
                    pending.removeSubrange(pending.startIndex...newline)
                }
            }
            if !pending.isEmpty { continuation.yield(String(decoding: pending, as: UTF8.self)) }
            continuation.finish()
        }
        let childPID = pid
        self.exit = Task.detached {
            await withCheckedContinuation { (done: CheckedContinuation<Int32, Never>) in
                DispatchQueue.global().async {
                    var status: Int32 = 0
                    while waitpid(childPID, &status, 0) < 0, errno == EINTR {}
                    done.resume(returning: (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F))
                }
            }
        }
    }

    /// Reads output until a line contains `text`; returns that line, or nil if the output ended first.
    /// Every line read is kept in `transcript` for failure messages.
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

    /// Sends a signal.
    public func signal(_ signal: Int32) {
        kill(pid, signal)
    }

    /// The exit status (128+n for a signal).
    public func exitStatus() async -> Int32 {
        await exit.value
    }
}
