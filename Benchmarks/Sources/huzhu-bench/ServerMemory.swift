import Foundation
import Synchronization

/// The server's resident memory (VmRSS, VmHWM from /proc/PID/status), sampled every 100 ms on its own
/// thread, with named marks (before the extra connections open, once they are open, at the end of the
/// measured run, after they closed). Past `limitKiB` it calls `overLimit` once (the run stops its slow
/// readers: this machine is shared, and a server that buffers without bound must not take it down).
/// The kernel's TCP buffer memory (all sockets, /proc/net/sockstat) is sampled too: bytes a server leaves
/// to the kernel do not show in its RSS.
final class ServerMemory: Sendable {
    let pid: Int32
    private let limitKiB: Int?
    private let overLimit: @Sendable () -> Void
    private let state = Mutex(State())
    private let done = DispatchSemaphore(value: 0)

    struct State {
        var peak = 0
        var tcpPages = 0
        var marks: [(String, Int)] = []
        var exceeded = false
        var stop = false
    }

    init(pid: Int32, limitKiB: Int?, overLimit: @escaping @Sendable () -> Void) {
        self.pid = pid
        self.limitKiB = limitKiB
        self.overLimit = overLimit
    }

    /// `VmRSS` or `VmHWM` in KiB.
    static func read(_ pid: Int32, _ field: String) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix(field + ":") {
            return Int(line.dropFirst(field.count + 1).split(whereSeparator: { $0 == " " || $0 == "\t" }).first ?? "")
        }
        return nil
    }

    /// Pages of memory held by TCP sockets, all of the machine's (`TCP: … mem N` in /proc/net/sockstat).
    static func tcpPages() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/net/sockstat", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("TCP:") }) else { return 0 }
        let words = line.split(separator: " ")
        guard let index = words.firstIndex(of: "mem"), index + 1 < words.count else { return 0 }
        return Int(words[index + 1]) ?? 0
    }

    func start() {
        let thread = Thread { [self] in
            while !state.withLock({ $0.stop }) {
                sample()
                usleep(100_000)  // the sampling period
            }
            done.signal()
        }
        thread.start()
    }

    @discardableResult
    private func sample() -> Int {
        let rss = Self.read(pid, "VmRSS") ?? 0
        let tcp = Self.tcpPages()
        let crossed = state.withLock { state in
            state.peak = max(state.peak, rss)
            state.tcpPages = max(state.tcpPages, tcp)
            guard let limit = limitKiB, rss > limit, !state.exceeded else { return false }
            state.exceeded = true
            return true
        }
        if crossed { overLimit() }
        return rss
    }

    func mark(_ name: String) {
        let rss = sample()
        state.withLock { $0.marks.append((name, rss)) }
    }

    func stop() {
        state.withLock { $0.stop = true }
        done.wait()
    }

    /// `server_rss_kib before=… open=… end=… after=… peak=… hwm=… limit_exceeded=0|1 tcp_mem_kib_peak=…`
    var line: String {
        let hwm = Self.read(pid, "VmHWM") ?? 0
        return state.withLock { state in
            "server_rss_kib " + state.marks.map { "\($0.0)=\($0.1)" }.joined(separator: " ")
                + " peak=\(state.peak) hwm=\(hwm) limit_exceeded=\(state.exceeded ? 1 : 0) tcp_mem_kib_peak=\(state.tcpPages * Int(sysconf(Int32(_SC_PAGESIZE))) / 1024)"
        }
    }
}
