import Foundation
import Histogram
import Synchronization

/// One measured run: connections on their own threads, each sending its workload until the count or the
/// time is used up, recording each request's latency (send to answer) in its own histogram.
struct LoadRun {
    let options: BenchOptions

    struct Result {
        var histogram: Histogram<UInt64>
        var requests: Int
        var errors: Int
        var firstError: String?
        var seconds: Double
        var serverCPUSeconds: Double?
    }

    func run() throws -> Result {
        let phones = try loadPhones()
        let runID = String(UInt32.random(in: 0...UInt32.max), radix: 36)
        let connections = try (0..<options.connections).map { _ in try login() }
        // Warm up (caches, JIT-free but cold pages and prepared statements) before measuring.
        for (index, connection) in connections.enumerated() {
            var warm = Workload(scenario: options.scenario, phones: phones, run: runID + "w", connection: index)
            for _ in 0..<options.warmup { _ = try connection.request(warm.next()) }
        }

        let remaining = Atomic<Int>(options.count ?? Int.max)
        let deadline = options.duration.map { DispatchTime.now().uptimeNanoseconds + UInt64($0 * 1e9) }
        let results = Mutex<[Result]>([])
        let cpuBefore = options.serverPID.flatMap(Self.cpuSeconds)
        let started = DispatchTime.now().uptimeNanoseconds
        let group = DispatchGroup()
        for (index, connection) in connections.enumerated() {
            group.enter()
            let thread = Thread { [options] in
                defer { group.leave() }
                var workload = Workload(scenario: options.scenario, phones: phones, run: runID, connection: index)
                var histogram = Histogram<UInt64>(highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: .three)
                var done = 0, errors = 0
                var firstError: String?
                var sendTimes = [UInt64](repeating: 0, count: options.pipeline)
                loop: while true {
                    if let deadline, DispatchTime.now().uptimeNanoseconds >= deadline { break }
                    // Take up to `pipeline` requests from the shared count.
                    var batch = 0
                    while batch < options.pipeline {
                        let left = remaining.subtract(1, ordering: .relaxed).newValue
                        if left < 0 { break }
                        batch += 1
                    }
                    if batch == 0 { break }
                    do {
                        var lines = ""
                        for i in 0..<batch {
                            lines += workload.next() + "\n"
                            sendTimes[i] = DispatchTime.now().uptimeNanoseconds
                        }
                        try connection.write(lines)
                        for i in 0..<batch {
                            let answer = try connection.readLine()
                            let now = DispatchTime.now().uptimeNanoseconds
                            histogram.record((now - sendTimes[i]) / 1_000)
                            if answer.hasPrefix("-") || answer.hasPrefix("{\"ok\":false") {
                                errors += 1
                                if firstError == nil { firstError = String(answer.prefix(200)) }
                            }
                            done += 1
                        }
                    } catch {
                        errors += 1
                        firstError = firstError ?? "\(error)"
                        break loop
                    }
                }
                results.withLock {
                    $0.append(Result(histogram: histogram, requests: done, errors: errors, firstError: firstError, seconds: 0))
                }
            }
            thread.stackSize = 1 << 20
            thread.start()
        }
        group.wait()
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        let cpuAfter = options.serverPID.flatMap(Self.cpuSeconds)
        var total = Result(histogram: Histogram<UInt64>(highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: .three),
                           requests: 0, errors: 0, seconds: seconds)
        for result in results.withLock({ $0 }) {
            total.histogram.add(result.histogram)
            total.requests += result.requests
            total.errors += result.errors
            total.firstError = total.firstError ?? result.firstError
        }
        if let before = cpuBefore, let after = cpuAfter { total.serverCPUSeconds = after - before }
        return total
    }

    private func login() throws -> LineConnection {
        let connection = try LineConnection(host: options.host, port: options.port)
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

extension LoadRun.Result {
    func report(options: BenchOptions) -> String {
        func ms(_ q: Double) -> String { String(format: "%.2f", Double(histogram.valueAtPercentile(q)) / 1000) }
        let rps = Double(requests) / seconds
        let cpu = serverCPUSeconds.map { String(format: "%.0f", $0 / Double(max(requests, 1)) * 1e6) } ?? "–"
        var lines = [
            "| run | connections | pipeline | requests | errors | seconds | requests/s | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms | server CPU µs/request |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
            "| \(options.label ?? options.scenario.rawValue) | \(options.connections) | \(options.pipeline) | \(requests) | \(errors) | "
                + String(format: "%.1f", seconds) + " | " + String(format: "%.0f", rps) + " | \(ms(50)) | \(ms(90)) | \(ms(99)) | \(ms(99.9)) | "
                + String(format: "%.2f", Double(histogram.max) / 1000) + " | \(cpu) |",
        ]
        if let firstError { lines.append("first error: \(firstError)") }
        return lines.joined(separator: "\n")
    }
}
