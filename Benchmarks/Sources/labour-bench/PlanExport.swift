import Foundation
import HuzhuLabour
import Synchronization

/// The day plan's exact assignment problem, captured from `LABOUR PLAN` (LabourPlanObserver), timed with
/// Huzhu's own solver in this process, and written out for scripts/bench/plan-scipy.py.
///
/// File format (text, one record a line):
///
///     # comment
///     name <label>                 requests <n>     slots <n>     workers <n>   (workers: column count)
///     huzhu_total <score>          huzhu_filled <n>
///     huzhu_solver_ms <ms> …       (LabourAssignment.optimal alone, each run)
///     huzhu_plan_ms <ms> …         (LABOUR PLAN over the console: load, score, solve twice, answer)
///     slot <worker> <score> <worker> <score> …   (one line per slot, in the planner's order)
///
/// Scores are printed with Swift's shortest round-trip form, so Python's float() reads them back exactly.
/// A slot may stay empty (score 0); each worker fills at most one slot.
struct PlanInstance {
    var name: String
    var requests: Int
    var problem: LabourAssignmentProblem
    var planMilliseconds: [Double]
    var solverMilliseconds: [Double] = []
    var total = 0.0
    var filled = 0

    var edges: Int { problem.slots.reduce(0) { $0 + $1.count } }
    var workersWithEdges: Int { Set(problem.slots.flatMap { $0.map(\.worker) }).count }

    /// Runs the solver `runs` times on the captured problem (the same call LABOUR PLAN makes).
    mutating func timeSolver(runs: Int) {
        let clock = ContinuousClock()
        for _ in 0..<runs {
            let start = clock.now
            let assignment = LabourAssignment.optimal(problem)
            solverMilliseconds.append(milliseconds(clock.now - start))
            total = problem.total(assignment)
            filled = assignment.compactMap { $0 }.count
        }
    }

    func write(to path: String) throws {
        var text = "# huzhu labour day plan: the assignment problem LABOUR PLAN solved (labour-bench --export)\n"
        text += "name \(name)\nrequests \(requests)\nslots \(problem.slots.count)\nworkers \(problem.workerCount)\n"
        text += "huzhu_total \(total)\nhuzhu_filled \(filled)\n"
        text += "huzhu_solver_ms " + solverMilliseconds.map { String(format: "%.3f", $0) }.joined(separator: " ") + "\n"
        text += "huzhu_plan_ms " + planMilliseconds.map { String(format: "%.1f", $0) }.joined(separator: " ") + "\n"
        for slot in problem.slots {
            text += "slot"
            for edge in slot { text += " \(edge.worker) \(edge.score)" }
            text += "\n"
        }
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    /// A markdown row: instance, sizes, Huzhu's solver (median), LABOUR PLAN end to end (median), optimal total.
    var row: String {
        "| \(name) | \(requests) | \(problem.slots.count) | \(workersWithEdges) | \(edges) | "
            + String(format: "%.2f | %.0f | %.4f", median(solverMilliseconds), median(planMilliseconds), total) + " (\(filled) filled) |"
    }
}

/// Holds the last problem LABOUR PLAN built (the observer runs on the plugin's task).
final class CapturedPlan: Sendable {
    private let last = Mutex<LabourAssignmentProblem?>(nil)

    init() {
        LabourPlanObserver.set { [self] problem in last.withLock { $0 = problem } }
    }

    func take() -> LabourAssignmentProblem? { last.withLock { value in defer { value = nil }; return value } }
}

func median(_ values: [Double]) -> Double {
    guard !values.isEmpty else { return 0 }
    let sorted = values.sorted()
    return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}
