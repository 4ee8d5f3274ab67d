// The bus benchmark as a plain executable: exact message counts, wall time from the first publish until every
// subscriber has handled the last message, mallocs counted by the malloc interposer (linked in, so it replaces
// malloc for the whole process), CPU time from getrusage. Prints a markdown table.
//
//   swift run -c release bus-bench [--messages N] [--runs R] [--scenario one|eight|batch]...
//
// Everything runs in detached tasks: top-level code is on the main actor, and a hop to it per message
// would measure the main actor instead of the bus.

import BusScenarios
import MallocInterposerSwift

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

struct Options {
    var messages = 5_000_000
    var runs = 5
    var scenarios: [BusScenario] = []

    init(_ arguments: [String]) {
        var iterator = arguments.dropFirst().makeIterator()
        while let argument = iterator.next() {
            switch argument {
            case "--messages": messages = iterator.next().flatMap { Int($0) } ?? messages
            case "--runs": runs = max(1, iterator.next().flatMap { Int($0) } ?? runs)
            case "--scenario":
                switch iterator.next() {
                case "one": scenarios.append(.oneSubscriber)
                case "eight": scenarios.append(.eightSubscribers)
                case "batch": scenarios.append(.batchOneSubscriber)
                case let other: fatalError("unknown scenario \(other ?? "(none)"): one, eight or batch")
                }
            case "-h", "--help":
                print("bus-bench [--messages N (5000000)] [--runs R (5)] [--scenario one|eight|batch]...")
                exit(0)
            default: fatalError("unknown argument \(argument)")
            }
        }
        if scenarios.isEmpty { scenarios = [.oneSubscriber, .eightSubscribers, .batchOneSubscriber] }
    }
}

struct Measurement {
    var seconds: Double
    var publishSeconds: Double
    var cpuSeconds: Double
    var mallocs: Int
    var verified: Bool

    func rate(_ messages: Int) -> Double { Double(messages) / seconds }
}

/// Other processes on the machine skew every figure: the load average is printed with the table.
func loadAverage() -> String {
    var loads = [Double](repeating: 0, count: 3)
    guard getloadavg(&loads, 3) == 3 else { return "?" }
    return loads.map { fixed($0, 2) }.joined(separator: " ")
}

func cpuSeconds() -> Double {
    var usage = rusage()
    #if canImport(Glibc)
    getrusage(RUSAGE_SELF.rawValue, &usage)
    #else
    getrusage(RUSAGE_SELF, &usage)
    #endif
    func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1_000_000 }
    return seconds(usage.ru_utime) + seconds(usage.ru_stime)
}

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

/// One measured run: prepare (not measured), publish and wait (measured), tear down (not measured).
func measure(_ scenario: BusScenario, messages: Int) async -> Measurement {
    let prepared = PreparedBusRun(scenario, messages: messages)
    let cpu0 = cpuSeconds()
    MallocInterposerSwift.reset()
    MallocInterposerSwift.hook()
    let start = ContinuousClock.now
    let published = await prepared.run()
    let end = ContinuousClock.now
    MallocInterposerSwift.unhook()
    let cpu1 = cpuSeconds()
    let mallocs = MallocInterposerSwift.getStatistics().mallocCount
    let verified = prepared.verified
    await prepared.finishRun()
    return Measurement(seconds: seconds(end - start), publishSeconds: seconds(published - start),
                       cpuSeconds: cpu1 - cpu0, mallocs: mallocs, verified: verified)
}

func format(_ value: Double) -> String {
    let rounded = Int(value.rounded())
    var digits = String(rounded)
    var groups: [Substring] = []
    while digits.count > 3 {
        groups.insert(Substring(digits.suffix(3)), at: 0)
        digits.removeLast(3)
    }
    groups.insert(Substring(digits), at: 0)
    return groups.joined(separator: ",")
}

func fixed(_ value: Double, _ places: Int) -> String {
    var scale = 1.0
    for _ in 0..<places { scale *= 10 }
    let scaled = Int((value * scale).rounded())
    let whole = scaled / Int(scale)
    let fraction = String(abs(scaled % Int(scale)))
    return places == 0 ? String(whole) : "\(whole).\(String(repeating: "0", count: places - fraction.count))\(fraction)"
}

nonisolated(unsafe) var probeSink: UnsafeMutableRawPointer?

func benchmark(_ options: Options) async {
    // The malloc counter itself: a malloc/free pair must count as one.
    MallocInterposerSwift.reset()
    MallocInterposerSwift.hook()
    probeSink = malloc(64)  // through a global, so the optimiser cannot drop the pair
    free(probeSink)
    MallocInterposerSwift.unhook()
    let probe = MallocInterposerSwift.getStatistics().mallocCount
    guard probe >= 1 else {
        print("the malloc interposer is not active (counted \(probe) mallocs for one malloc): allocation counts would be wrong")
        exit(1)
    }

    // Warm up: the first run pays for the thread pool, page faults of fresh heap, lazy metadata.
    for scenario in options.scenarios { _ = await measure(scenario, messages: min(options.messages, 200_000)) }

    print("load average before: \(loadAverage())\n")
    print("| scenario | messages | runs | msgs/s (median) | min–max | deliveries/s | publisher alone, msgs/s | CPU ns/msg | mallocs/msg |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    var allVerified = true
    for scenario in options.scenarios {
        var runs: [Measurement] = []
        for _ in 0..<options.runs {
            let run = await measure(scenario, messages: options.messages)
            allVerified = allVerified && run.verified
            runs.append(run)
        }
        let n = options.messages
        let rates = runs.map { $0.rate(n) }.sorted()
        let median = rates[rates.count / 2]
        let medianRun = runs.first { $0.rate(n) == median }!
        let mallocs = Double(runs.map(\.mallocs).reduce(0, +)) / Double(runs.count) / Double(n)
        print("| \(scenario) | \(format(Double(n))) | \(runs.count) | \(format(median)) | \(format(rates.first!))–\(format(rates.last!)) "
              + "| \(format(median * Double(scenario.subscribers))) | \(format(Double(n) / medianRun.publishSeconds)) "
              + "| \(fixed(medianRun.cpuSeconds / Double(n) * 1e9, 0)) | \(fixed(mallocs, 4)) |")
    }
    print("\nload average after: \(loadAverage())")
    if !allVerified {
        print("\nERROR: a subscriber did not receive every message exactly once")
        exit(1)
    }
}

let options = Options(CommandLine.arguments)
// Off the main actor: the whole benchmark runs in a detached task; the main thread only waits for it.
await Task.detached { await benchmark(options) }.value
