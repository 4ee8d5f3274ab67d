import Foundation
import Histogram
import Synchronization

/// One measured run: connections on their own threads, each sending its workload until the count or the
/// time is used up, recording each request's latency (send to answer) in its own histogram.
struct LoadRun {
    let options: BenchOptions

    struct Result {
        var histogram = Histogram<UInt64>(highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: .three)
        var requests = 0
        var errors = 0
        var reconnects = 0
        var firstError: String?
        var seconds = 0.0
        var serverCPUSeconds: Double?
        /// (gateway message id, "ok" or the error code) of every answered SMS IN, when recording.
        var answered: [(String, String)] = []
        /// Seconds from opening the extra connections until the server was quiet again (see `settle`).
        var settledAfter: Double?
        /// The idle and slow connections beside the run, and the server's memory, when asked for.
        var extra: ExtraConnections.Report?
        var memory: String?

        mutating func merge(_ other: Result) {
            histogram.add(other.histogram)
            requests += other.requests
            errors += other.errors
            reconnects += other.reconnects
            firstError = firstError ?? other.firstError
            answered += other.answered
        }
    }

    func run() throws -> Result {
        let phones = try loadPhones()
        let runID = String(UInt32.random(in: 0...UInt32.max), radix: 36)
        func workload(_ run: String, _ index: Int) -> Workload {
            var workload = Workload(scenario: options.scenario, phones: phones, run: run, connection: index)
            workload.query = options.query
            return workload
        }
        // The server's memory, and the idle and slow connections (opened first, so the run measures beside them).
        var total0 = Result()
        var extras: ExtraConnections?
        let stopSlow = Mutex<ExtraConnections?>(nil)
        let memory = options.serverPID.map { pid in
            ServerMemory(pid: pid, limitKiB: options.rssLimitMiB.map { $0 * 1024 }) {
                FileHandle.standardError.write(Data("huzhu-bench: the server's memory passed --rss-limit-mb: stopping the slow readers\n".utf8))
                stopSlow.withLock { $0?.stopSlowReaders() }
            }
        }
        memory?.start()
        memory?.mark("before")
        if options.idle + options.slow > 0 {
            let opened = try ExtraConnections(options: options) { receiveBuffer in try login(receiveBuffer: receiveBuffer) }
            stopSlow.withLock { $0 = opened }
            opened.start()
            extras = opened
            total0.settledAfter = settle()
            memory?.mark("open")
        }
        // In a chaos run (--reconnect) the server may be down at any moment: workers log in themselves.
        let connections: [LineConnection?] = options.reconnect ? Array(repeating: nil, count: options.connections)
            : try (0..<options.connections).map { _ in try login() }
        // Warm up (cold pages, caches, prepared statements) before measuring.
        for (index, connection) in connections.enumerated() {
            guard let connection else { continue }
            var warm = workload(runID + "w", index)
            for _ in 0..<options.warmup { _ = try connection.request(warm.next().line) }
        }

        let shared = Shared(remaining: options.count ?? Int.max,
                            deadline: options.duration.map { DispatchTime.now().uptimeNanoseconds + UInt64($0 * 1e9) })
        let results = Mutex<[Result]>([])
        let cpuBefore = options.serverPID.flatMap(Self.cpuSeconds)
        let started = DispatchTime.now().uptimeNanoseconds
        let group = DispatchGroup()
        for (index, connection) in connections.enumerated() {
            group.enter()
            let worker = Worker(run: self, index: index, connection: connection, shared: shared,
                                workload: workload(runID, index))
            let thread = Thread {
                defer { group.leave() }
                let result = worker.work()
                results.withLock { $0.append(result) }
            }
            thread.stackSize = 1 << 20
            thread.start()
        }
        group.wait()
        var total = total0
        total.seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        for result in results.withLock({ $0 }) { total.merge(result) }
        if let before = cpuBefore, let after = options.serverPID.flatMap(Self.cpuSeconds) { total.serverCPUSeconds = after - before }
        memory?.mark("end")
        if let opened = extras {
            total.extra = opened.finish()
            stopSlow.withLock { $0 = nil }
            extras = nil  // closes them
            usleep(UInt32(options.settle * 1e6))  // the server notices the closes and frees what they held
            memory?.mark("after")
        }
        memory?.stop()
        total.memory = memory?.line
        if let file = options.recordFile {
            let text = total.answered.map { "\($0.0)\t\($0.1)\n" }.joined()
            try text.write(toFile: file, atomically: true, encoding: .utf8)
        }
        return total
    }

    /// What the workers share: the requests left and the time to stop.
    final class Shared: Sendable {
        let remaining: Atomic<Int>
        let deadline: UInt64?
        init(remaining: Int, deadline: UInt64?) {
            self.remaining = Atomic(remaining)
            self.deadline = deadline
        }
        var timeIsUp: Bool { deadline.map { DispatchTime.now().uptimeNanoseconds >= $0 } ?? false }
        /// Takes up to `wanted` requests from the count.
        func take(_ wanted: Int) -> Int {
            var taken = 0
            while taken < wanted, remaining.subtract(1, ordering: .relaxed).newValue >= 0 { taken += 1 }
            return taken
        }
    }

    /// One connection's loop.
    struct Worker: @unchecked Sendable {  // handed to exactly one thread; see LineConnection
        let run: LoadRun
        let index: Int
        var connection: LineConnection?
        let shared: Shared
        var workload: Workload

        func work() -> Result {
            var me = self
            return me.loop()
        }

        private mutating func loop() -> Result {
            let options = run.options
            var result = Result()
            var sendTimes = [UInt64](repeating: 0, count: options.pipeline)
            var ids = [String?](repeating: nil, count: options.pipeline)
            let interval = options.rate.map { UInt64(Double(options.connections) / $0 * 1e9) }
            var nextSend = DispatchTime.now().uptimeNanoseconds
            while !shared.timeIsUp {
                if let interval {
                    let now = DispatchTime.now().uptimeNanoseconds
                    if nextSend > now { usleep(UInt32((nextSend - now) / 1_000)) }  // pacing, not synchronisation
                    nextSend += interval
                }
                if connection == nil {
                    guard let fresh = reconnect() else { break }
                    connection = fresh
                }
                guard let connection else { break }
                let batch = shared.take(options.pipeline)
                if batch == 0 { break }
                do {
                    var lines = ""
                    for i in 0..<batch {
                        let (line, id) = workload.next()
                        lines += line + "\n"
                        ids[i] = id
                        sendTimes[i] = DispatchTime.now().uptimeNanoseconds
                    }
                    try connection.write(lines)
                    for i in 0..<batch {
                        let answer = try connection.readLine()
                        result.histogram.record((DispatchTime.now().uptimeNanoseconds - sendTimes[i]) / 1_000)
                        let failed = answer.hasPrefix("-") || answer.hasPrefix("{\"ok\":false")
                        if failed {
                            result.errors += 1
                            if result.firstError == nil { result.firstError = String(answer.prefix(200)) }
                        }
                        if options.recordFile != nil, let id = ids[i] { result.answered.append((id, failed ? Self.errorCode(answer) : "ok")) }
                        result.requests += 1
                    }
                } catch {
                    result.errors += 1
                    result.firstError = result.firstError ?? "\(error)"
                    guard options.reconnect else { break }
                    self.connection = nil
                    result.reconnects += 1
                }
            }
            return result
        }

        /// `UNAVAILABLE` from `-UNAVAILABLE …` or `{"ok":false,"error":{"code":"UNAVAILABLE",…}}`.
        static func errorCode(_ answer: Substring) -> String {
            if answer.hasPrefix("-") { return String(answer.dropFirst().prefix { $0 != " " }) }
            guard let range = answer.range(of: #""code":""#) else { return "ERROR" }
            return String(answer[range.upperBound...].prefix { $0 != "\"" })
        }

        /// A new logged-in connection, trying until the time is up (the server may be restarting).
        private func reconnect() -> LineConnection? {
            while !shared.timeIsUp {
                if let connection = try? run.login() { return connection }
                usleep(100_000)  // back-off between attempts while the server restarts
            }
            return nil
        }
    }

    /// Waits `--settle` seconds, then (given the server's pid) until the server — with the database's
    /// processes, given `--db-pid` (the postmaster: it and its children) — uses less than a third of a core
    /// over a second, at most 180 s: slow readers' first requests make a burst of work (every one asks
    /// for `--slow-pipeline` answers at once), and the run measures the steady state after it. Returns
    /// the seconds waited.
    private func settle() -> Double {
        let started = DispatchTime.now().uptimeNanoseconds
        usleep(UInt32(options.settle * 1e6))  // the minimum wait
        if let pid = options.serverPID {
            for _ in 0..<180 {
                let pids = [pid] + (options.dbPID.map { [$0] + Self.children($0) } ?? [])
                let before = pids.map { Self.cpuSeconds($0) }
                sleep(1)  // the measuring window
                let used = zip(pids, before).reduce(0.0) { sum, item in
                    guard let start = item.1, let end = Self.cpuSeconds(item.0) else { return sum }  // gone meanwhile
                    return sum + max(0, end - start)
                }
                if used < 0.33 { break }
            }
        }
        return Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
    }

    /// A process's children (/proc/PID/task/PID/children).
    static func children(_ pid: Int32) -> [Int32] {
        let text = (try? String(contentsOfFile: "/proc/\(pid)/task/\(pid)/children", encoding: .utf8)) ?? ""
        return text.split(separator: " ").compactMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    func login(receiveBuffer: Int32? = nil) throws -> LineConnection {
        let connection = try LineConnection(host: options.host, port: options.port, receiveBuffer: receiveBuffer)
        if let user = options.user, let password = options.password {
            let answer = try connection.request("AUTH \(user) \(password)")
            guard answer.hasPrefix("+OK") else { throw BenchError("login as \(user) refused: \(answer)") }
            _ = try connection.request("FORMAT json")
        }
        return connection
    }

    private func loadPhones() throws -> [String] {
        guard let file = options.phonesFile else {
            // Numbers nobody registered: every message takes the registration-prompt path.
            return (0..<10_000).map { "1390000\(String(format: "%04d", $0))" }
        }
        let phones = try String(contentsOfFile: file, encoding: .utf8).split(whereSeparator: \.isNewline).map(String.init)
        guard !phones.isEmpty else { throw BenchError("\(file) has no phone numbers") }
        return phones
    }

    /// utime + stime of a process (all threads), from /proc.
    static func cpuSeconds(_ pid: Int32) -> Double? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }
}
