// The industry association's benchmark: a daemon with the labour plugin on the demo county (about 10,000
// craftsmen from the plugin's demo loader), measured through the console over TCP, as staff use it.
//
//   swift build -c release --product labour-bench && .build/release/labour-bench [--samples N] [--plans R] [--export DIR]
//
// 1. Ranking candidates for one request (`LABOUR MATCH <id>`): p50/p99 over N samples (default 2,000),
//    cycling over 200 requests spread across the county.
// 2. The day plan (`LABOUR PLAN <day>`): 500 requests against about 5,000 available workers (half the
//    craftsmen take that day off), R runs (default 5); the optimal total is printed beside greedy's.
// 3. The solver alone: the exact problem LABOUR PLAN built (captured through LabourPlanObserver) solved R
//    times by LabourAssignment.optimal, for that plan ("large") and a smaller one (50 requests in one
//    township on another Monday, every craftsman free: "small"). With --export DIR both are written to
//    DIR/plan-large.txt and DIR/plan-small.txt for scripts/bench/plan-scipy.py (the same instances
//    solved by scipy).
//
// Everything runs in a detached task: top-level code is on the main actor.

import Foundation
import HuzhuCore
import HuzhuKit
import HuzhuLabour
import HuzhuTesting
import PostgresNIO

struct Options {
    var samples = 2_000
    var plans = 5
    var export: String?

    init(_ arguments: [String]) {
        var iterator = arguments.dropFirst().makeIterator()
        while let argument = iterator.next() {
            switch argument {
            case "--samples": samples = max(1, iterator.next().flatMap { Int($0) } ?? samples)
            case "--plans": plans = max(1, iterator.next().flatMap { Int($0) } ?? plans)
            case "--export": export = iterator.next()
            default: fatalError("labour-bench [--samples N (2000)] [--plans R (5)] [--export DIR]")
            }
        }
    }
}

func percentile(_ sorted: [Double], _ p: Double) -> Double {
    sorted[min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1)]
}

func milliseconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
}

func ints(_ database: TestDatabase, _ sql: String) async throws -> [Int] {
    try await database.withClient { client in
        var all: [Int] = []
        for try await value in try await client.query(PostgresQuery(unsafeSQL: sql), logger: TestLog.logger).decode(Int.self) { all.append(value) }
        return all
    }
}

func run(_ options: Options) async throws {
    let clock = ContinuousClock()
    let started = clock.now
    let daemon = try await TestDaemon.start(plugins: [LabourPlugin.self], configure: { $0.demo = true })
    let workers = try await ints(daemon.database, "SELECT count(*)::int FROM labour_worker")[0]
    print("demo county with \(workers) craftsmen loaded in \(Int(milliseconds(clock.now - started) / 1000)) s")
    let console = try await daemon.console()

    // 1. Ranking. Requests on a Monday far ahead, so every craftsman's weekday pattern includes the day.
    let day = "2027-03-01"
    let database = daemon.database
    try await database.withClient { client in
        try await client.query(
            """
            INSERT INTO labour_request (member_id, household_id, village_id, task, area_mu, date_from, date_to, crew, priority, entered_by)
            SELECT m.id, m.household_id, m.village_id, (ARRAY['plough', 'transplant', 'harvest', 'prune', 'spray', 'pick'])[1 + m.id % 6],
                   2 + m.id % 9, '2027-03-01', '2027-03-01', CASE WHEN (m.id / 250) % 5 = 0 THEN 3 ELSE 1 END,
                   coalesce(h.no_labour OR h.elderly_alone, false), 'bench'
            FROM member m LEFT JOIN household h ON h.id = m.household_id
            WHERE m.is_demo AND m.id % 240 = 1 AND m.id % 13 <> 0 ORDER BY m.id LIMIT 500
            """, logger: TestLog.logger)
    }
    // Half the craftsmen take the day off (through the console, as staff would): about 5,000 remain for the plan.
    let resting = try await ints(database, "SELECT member_id::int FROM labour_worker WHERE (member_id / 13) % 2 = 1 ORDER BY 1")
    for worker in resting {
        let answer = try await console.send("LABOUR WORKER EDIT \(worker) off=\(day)")
        if !answer.hasPrefix("{\"ok\":true") { fatalError("LABOUR WORKER EDIT failed: \(answer)") }
    }
    let requests = try await ints(database, "SELECT id::int FROM labour_request WHERE entered_by = 'bench' ORDER BY id")
    let matchSample = stride(from: 0, to: requests.count, by: max(1, requests.count / 200)).map { requests[$0] }
    for id in matchSample.prefix(20) { _ = try await console.send("LABOUR MATCH \(id)") }  // warm-up
    var latencies: [Double] = []
    var candidates = 0
    for index in 0..<options.samples {
        let id = matchSample[index % matchSample.count]
        let start = clock.now
        let answer = try await console.send("LABOUR MATCH \(id)")
        latencies.append(milliseconds(clock.now - start))
        if index < matchSample.count, let range = answer.range(of: "\"candidates\":") {
            candidates += Int(answer[range.upperBound...].prefix { $0.isNumber }) ?? 0
        }
        if !answer.hasPrefix("{\"ok\":true") { fatalError("LABOUR MATCH failed: \(answer)") }
    }
    latencies.sort()
    // The floor under the same load: a command with one small query (a request by id).
    var floor: [Double] = []
    for index in 0..<options.samples {
        let start = clock.now
        _ = try await console.send("LABOUR REQUEST SHOW \(matchSample[index % matchSample.count])")
        floor.append(milliseconds(clock.now - start))
    }
    floor.sort()

    // 2. The day plan; the problem it solves is captured for part 3.
    let captured = CapturedPlan()
    var planTimes: [Double] = []
    var summary = ""
    func plan(_ day: String, requests: Int) async throws -> [String: Any] {
        let start = clock.now
        let answer = try await console.send("LABOUR PLAN \(day)")
        planTimes.append(milliseconds(clock.now - start))
        guard let object = try JSONSerialization.jsonObject(with: Data(answer.utf8)) as? [String: Any],
              let data = object["data"] as? [String: Any] else { fatalError("LABOUR PLAN failed: \(answer.prefix(300))") }
        summary = "| \(requests) requests, \(data["places"] ?? 0) places | \(data["workers_available"] ?? 0) | optimal \(data["total"] ?? 0) (\(data["filled"] ?? 0) filled) | greedy \(data["greedy_total"] ?? 0) (\(data["greedy_filled"] ?? 0) filled) |"
        return data
    }
    for _ in 0..<options.plans { _ = try await plan(day, requests: requests.count) }
    guard let largeProblem = captured.take() else { fatalError("LABOUR PLAN did not build a problem") }
    var large = PlanInstance(name: "large", requests: requests.count, problem: largeProblem, planMilliseconds: planTimes)
    large.timeSolver(runs: options.plans)
    let largeSummary = summary
    planTimes.sort()

    // 3. A smaller day: 50 requests in one township, the next Monday (nobody off): the solver alone again.
    let smallDay = "2027-03-08"
    try await database.withClient { client in
        try await client.query(
            """
            INSERT INTO labour_request (member_id, household_id, village_id, task, area_mu, date_from, date_to, crew, priority, entered_by)
            SELECT m.id, m.household_id, m.village_id, (ARRAY['plough', 'transplant', 'harvest', 'prune', 'spray', 'pick'])[1 + m.id % 6],
                   2 + m.id % 9, '2027-03-08', '2027-03-08', CASE WHEN (m.id / 7) % 5 = 0 THEN 3 ELSE 1 END,
                   coalesce(h.no_labour OR h.elderly_alone, false), 'bench-small'
            FROM member m LEFT JOIN household h ON h.id = m.household_id JOIN village v ON v.id = m.village_id
            WHERE m.is_demo AND v.township_id = (SELECT min(township_id) FROM village) AND m.id % 37 = 1 ORDER BY m.id LIMIT 50
            """, logger: TestLog.logger)
    }
    let smallRequests = try await ints(database, "SELECT count(*)::int FROM labour_request WHERE entered_by = 'bench-small'")[0]
    planTimes = []
    for _ in 0..<options.plans { _ = try await plan(smallDay, requests: smallRequests) }
    guard let smallProblem = captured.take() else { fatalError("LABOUR PLAN did not build the small problem") }
    var small = PlanInstance(name: "small", requests: smallRequests, problem: smallProblem, planMilliseconds: planTimes)
    small.timeSolver(runs: options.plans)
    let smallSummary = summary
    if let folder = options.export {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try large.write(to: folder + "/plan-large.txt")
        try small.write(to: folder + "/plan-small.txt")
    }
    planTimes = large.planMilliseconds.sorted()

    print("")
    print("| operation | samples | p50 ms | p99 ms | max ms |")
    print("| --- | ---: | ---: | ---: | ---: |")
    print(String(format: "| LABOUR MATCH (rank one request, %d workers, ~%d candidates) | %d | %.2f | %.2f | %.2f |", workers,
                 candidates / max(1, min(options.samples, matchSample.count)), latencies.count, percentile(latencies, 0.5),
                 percentile(latencies, 0.99), latencies.last ?? 0))
    print(String(format: "| LABOUR REQUEST SHOW (floor: console + two small queries) | %d | %.2f | %.2f | %.2f |", floor.count,
                 percentile(floor, 0.5), percentile(floor, 0.99), floor.last ?? 0))
    print(String(format: "| LABOUR PLAN (day plan, optimal + greedy) | %d | %.0f | %.0f (max) | %.0f |", planTimes.count,
                 percentile(planTimes, 0.5), planTimes.last ?? 0, planTimes.last ?? 0))
    print("")
    print("| plan | workers available | optimal total | greedy total |")
    print("| --- | ---: | ---: | ---: |")
    print(largeSummary)
    print(smallSummary)
    print("")
    print("| instance | requests | slots | workers with an edge | edges | solver ms (median) | LABOUR PLAN ms (median) | optimal total |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    print(large.row)
    print(small.row)
    try await daemon.stop()
}

let options = Options(CommandLine.arguments)
let done = DispatchSemaphore(value: 0)
Task.detached {
    do { try await run(options) } catch { print("labour-bench failed: \(String(reflecting: error))") }
    done.signal()
}
done.wait()
