// The bus scenarios under package-benchmark:
//
//   cd Benchmarks && swift package benchmark --target BusThroughput
//
// Each iteration publishes 1,000,000 messages (scalingFactor .mega, so the figures shown are per message and
// throughput is in messages per second) and ends when every subscriber has handled the last one. Subscribing
// and tearing down are outside startMeasurement()/stopMeasurement(). mallocCountTotal counts every malloc in
// the process during the measurement, the subscribers' threads included.

import Benchmark
import BusScenarios
import MallocInterposerSwift

// The built-in metrics are integers per message (scaled by .mega): exact for time in ns, coarse for mallocs
// (0 or 1) and throughput (whole millions). These two are finer, read in the same measured span.
extension BenchmarkMetric {
    static let messagesPerSecond = BenchmarkMetric.custom("Messages/s", polarity: .prefersLarger, useScalingFactor: false)
    static let mallocsPer1000 = BenchmarkMetric.custom("Mallocs per 1,000 messages", polarity: .prefersSmaller, useScalingFactor: false)
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .cpuTotal, .mallocCountTotal, .messagesPerSecond, .mallocsPer1000],
        warmupIterations: 1,
        scalingFactor: .mega,
        maxDuration: .seconds(20),
        maxIterations: 5
    )

    for scenario in [BusScenario.oneSubscriber, .eightSubscribers, .batchOneSubscriber] {
        Benchmark("Bus \(scenario)") { benchmark in
            let messages = benchmark.scaledIterations.count
            let prepared = PreparedBusRun(scenario, messages: messages)
            benchmark.startMeasurement()
            let mallocs0 = MallocInterposerSwift.getStatistics().mallocCount
            let start = ContinuousClock.now
            // Off the main actor: a detached task publishes and waits for the subscribers.
            await Task.detached { await prepared.run() }.value
            let elapsed = ContinuousClock.now - start
            let mallocs = MallocInterposerSwift.getStatistics().mallocCount - mallocs0
            benchmark.stopMeasurement()
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            benchmark.measurement(.messagesPerSecond, Int(Double(messages) / seconds))
            benchmark.measurement(.mallocsPer1000, mallocs * 1000 / messages)
            if !prepared.verified { benchmark.error("a subscriber missed messages: \(prepared.delivered) delivered") }
            await prepared.finishRun()
        }
    }
}
