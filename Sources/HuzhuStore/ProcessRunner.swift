import Dispatch
import Foundation

/// Runs a short-lived helper program (initdb, pg_ctl, pg_config) without blocking a Swift concurrency
/// thread, with its output collected in a temporary file.
///
/// Not Foundation's `Process`: on Linux it learns of the child's exit through a descriptor the child
/// inherits, and `pg_ctl start` hands that descriptor on to the postmaster it leaves running, so the
/// wait would last as long as the server. `posix_spawn` and `waitpid` have no such coupling.
enum ProcessRunner {
    struct Result: Sendable {
        var status: Int32
        var output: String
    }

    /// Runs `executable` with `arguments`, optionally as another user (via `setpriv`), and collects its
    /// combined output. The wait happens on a Dispatch thread, never on the cooperative pool.
    static func run(
        _ executable: String, _ arguments: [String], asUser user: SystemUser? = nil, workingDirectory: String? = nil
    ) async throws -> Result {
        var command = [executable] + arguments
        if let user { command = user.commandPrefix + command }
        if let workingDirectory {
            // glibc's posix_spawn_file_actions_addchdir_np is not visible to Swift; env(1) changes folder instead.
            command = ["/usr/bin/env", "--chdir=\(workingDirectory)"] + command
        }
        let argv = command
        let output = try TemporaryOutput()
        return try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                do {
                    let pid = try spawn(argv, outputDescriptor: output.descriptor)
                    var status: Int32 = 0
                    while waitpid(pid, &status, 0) < 0, errno == EINTR {}
                    let exitStatus: Int32 = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
                    continuation.resume(returning: Result(status: exitStatus, output: output.readAndRemove()))
                } catch {
                    _ = output.readAndRemove()
                    continuation.resume(throwing: error)
                }
            }
        }
    }

    /// Runs a program and waits for it on the calling thread (for start-up lookups such as pg_config).
    static func runBlocking(_ argv: [String]) -> Result? {
        guard let output = try? TemporaryOutput(), let pid = try? spawn(argv, outputDescriptor: output.descriptor) else {
            return nil
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0, errno == EINTR {}
        return Result(status: (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F), output: output.readAndRemove())
    }

    private static func spawn(_ argv: [String], outputDescriptor: Int32) throws -> pid_t {
        closeOnExecEverything(except: outputDescriptor)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, outputDescriptor, 1)
        posix_spawn_file_actions_adddup2(&actions, outputDescriptor, 2)

        let cArguments = argv.map { strdup($0) } + [nil]
        defer { cArguments.forEach { free($0) } }
        let environment = ProcessInfo.processInfo.environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { environment.forEach { free($0) } }

        var pid: pid_t = 0
        let result = posix_spawnp(&pid, argv[0], &actions, nil, cArguments, environment)
        guard result == 0 else {
            throw CocoaError(.fileReadNoSuchFile, userInfo: [NSLocalizedDescriptionKey: "cannot run \(argv[0]): \(String(cString: strerror(result)))"])
        }
        return pid
    }

    /// Marks every descriptor above 2 close-on-exec, so that no child (least of all the postmaster that
    /// `pg_ctl` leaves running) keeps a socket or pipe of ours open after we close it.
    static func closeOnExecEverything(except keep: Int32) {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") else { return }
        for entry in entries {
            guard let fd = Int32(entry), fd > 2, fd != keep else { continue }
            let flags = fcntl(fd, F_GETFD)
            if flags >= 0, flags & FD_CLOEXEC == 0 { _ = fcntl(fd, F_SETFD, flags | FD_CLOEXEC) }
        }
    }

    /// A temporary file the child writes to, read back and removed afterwards.
    final class TemporaryOutput: Sendable {
        let descriptor: Int32
        let path: String

        init() throws {
            var template = Array((NSTemporaryDirectory() + "/huzhu-proc-XXXXXX").utf8CString)
            descriptor = mkstemp(&template)
            guard descriptor >= 0 else { throw CocoaError(.fileWriteUnknown) }
            _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)  // only the child's stdout and stderr get it
            path = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }

        func readAndRemove() -> String {
            let data = (try? Data(contentsOf: URL(fileURLWithPath: path))) ?? Data()
            close(descriptor)
            unlink(path)
            return String(decoding: data, as: UTF8.self)
        }
    }
}

/// An unprivileged system user that runs the embedded cluster when huzhud runs as root.
struct SystemUser: Sendable {
    var name: String
    var uid: UInt32
    var gid: UInt32
    var setprivPath: String

    /// Looks a user up in the system's user database.
    static func named(_ name: String) -> SystemUser? {
        guard let entry = getpwnam(name) else { return nil }
        return SystemUser(name: name, uid: entry.pointee.pw_uid, gid: entry.pointee.pw_gid, setprivPath: setprivPath)
    }

    /// The user owning a file, named if the user database knows the uid.
    static func owning(uid: UInt32, gid: UInt32) -> SystemUser {
        let name = getpwuid(uid).map { String(cString: $0.pointee.pw_name) } ?? "uid \(uid)"
        return SystemUser(name: name, uid: uid, gid: gid, setprivPath: setprivPath)
    }

    private static var setprivPath: String {
        ["/usr/bin/setpriv", "/bin/setpriv"].first { FileManager.default.isExecutableFile(atPath: $0) } ?? "setpriv"
    }

    /// `setpriv` switching to this user (with its groups when it has a name, none otherwise).
    var commandPrefix: [String] {
        let groups = getpwuid(uid) != nil ? "--init-groups" : "--clear-groups"
        return [setprivPath, "--reuid=\(uid)", "--regid=\(gid)", groups, "--"]
    }
}
