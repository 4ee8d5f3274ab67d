import Foundation

extension LoadRun.Result {
    /// A markdown table row (with its header) and, when something went wrong, the first error.
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
        if reconnects > 0 { lines.append("reconnects: \(reconnects)") }
        if let extra {
            lines.append("extra idle=\(extra.idle) idle_open_at_end=\(extra.idleOpenAtEnd) slow=\(extra.slow) slow_open_at_end=\(extra.slowOpenAtEnd) "
                + "slow_requests_sent=\(extra.slowRequestsSent) slow_answers_read=\(extra.slowAnswersRead) slow_bytes_read=\(extra.slowBytesRead)")
        }
        if let memory { lines.append(memory) }
        if let settledAfter { lines.append(String(format: "settled_after_s=%.1f", settledAfter)) }
        if let firstError { lines.append("first error: \(firstError)") }
        return lines.joined(separator: "\n")
    }
}
