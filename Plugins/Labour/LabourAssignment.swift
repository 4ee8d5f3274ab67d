import Synchronization

/// One possible pairing in an assignment problem: a worker (by index) and the score of giving them the slot.
public struct LabourEdge: Sendable, Equatable {
    public var worker: Int
    public var score: Double

    public init(worker: Int, score: Double) {
        self.worker = worker
        self.score = score
    }
}

/// Places to fill (slots: a request of crew 3 is three slots) and, for each, the workers who could fill
/// it with their scores. Each worker fills at most one slot; a slot may stay empty.
public struct LabourAssignmentProblem: Sendable {
    public var workerCount: Int
    /// Per slot, its candidate workers.
    public var slots: [[LabourEdge]]

    public init(workerCount: Int, slots: [[LabourEdge]]) {
        self.workerCount = workerCount
        self.slots = slots
    }

    /// The total score of an assignment (slot → worker index or nil).
    public func total(_ assignment: [Int?]) -> Double {
        var sum = 0.0
        for (slot, worker) in assignment.enumerated() {
            guard let worker, let edge = slots[slot].first(where: { $0.worker == worker }) else { continue }
            sum += edge.score
        }
        return sum
    }
}

/// Sees every day plan's assignment problem just before it is solved, so a benchmark can export the exact
/// instance and solve it with another solver (Benchmarks/Sources/labour-bench, scripts/bench/plan-scipy.py).
/// Nothing is observed unless a benchmark sets it.
public enum LabourPlanObserver {
    private static let observer = Mutex<(@Sendable (LabourAssignmentProblem) -> Void)?>(nil)

    public static func set(_ body: (@Sendable (LabourAssignmentProblem) -> Void)?) { observer.withLock { $0 = body } }

    static func notify(_ problem: LabourAssignmentProblem) { observer.withLock { $0 }?(problem) }
}

/// Maximum-score assignment (the day plan) and the greedy one-by-one matching it is compared with.
public enum LabourAssignment {
    /// The assignment with the highest total score: each worker at most once, each slot at most once.
    ///
    /// Shortest augmenting paths with node potentials (the Hungarian method in its sparse, Dijkstra form):
    /// costs are `C - score` with `C` above every score, and every slot has a private "stays empty" column
    /// of cost `C`, so a perfect assignment always exists and its minimum cost is the maximum score. Slots
    /// are added one at a time; each search stops at the first free column, and only the nodes it settled
    /// change potential. Cost: O(slots · E log V) in the worst case, far less in practice because searches
    /// stop early (500 requests over 5,000 workers: see docs/benchmarks.md).
    public static func optimal(_ problem: LabourAssignmentProblem) -> [Int?] {
        let rows = problem.slots.count
        let workers = problem.workerCount
        guard rows > 0 else { return [] }
        let columns = workers + rows  // column workers + r: slot r stays empty
        var top = 0.0
        for slot in problem.slots { for edge in slot { top = max(top, edge.score) } }
        let empty = top + 1  // the cost of leaving a slot empty; a worker's cost is empty - score

        var rowPotential = [Double](repeating: 0, count: rows)
        var columnPotential = [Double](repeating: 0, count: columns)
        var columnOfRow = [Int](repeating: -1, count: rows)
        var rowOfColumn = [Int](repeating: -1, count: columns)
        var distance = [Double](repeating: .infinity, count: columns)
        var settled = [Bool](repeating: false, count: columns)
        var previousRow = [Int](repeating: -1, count: columns)
        var touched: [Int] = []
        var settledColumns: [Int] = []
        var reachedRows: [(row: Int, distance: Double)] = []
        var heap = MinHeap()

        for start in 0..<rows {
            func relax(_ row: Int, _ base: Double) {
                let offset = base + rowPotential[row]
                for edge in problem.slots[row] where !settled[edge.worker] {
                    let next = offset + (empty - edge.score) - columnPotential[edge.worker]
                    if next < distance[edge.worker] {
                        if distance[edge.worker] == .infinity { touched.append(edge.worker) }
                        distance[edge.worker] = next
                        previousRow[edge.worker] = row
                        heap.push(next, edge.worker)
                    }
                }
                let own = workers + row
                if !settled[own] {
                    let next = offset + empty - columnPotential[own]
                    if next < distance[own] {
                        if distance[own] == .infinity { touched.append(own) }
                        distance[own] = next
                        previousRow[own] = row
                        heap.push(next, own)
                    }
                }
            }
            reachedRows.append((start, 0))
            relax(start, 0)
            var free = -1
            var reach = 0.0
            while let (value, column) = heap.pop() {
                if settled[column] || value > distance[column] { continue }
                settled[column] = true
                settledColumns.append(column)
                let owner = rowOfColumn[column]
                if owner < 0 {
                    free = column
                    reach = value
                    break
                }
                reachedRows.append((owner, value))  // the matched edge back to its row costs 0 (it is tight)
                relax(owner, value)
            }
            precondition(free >= 0, "the slot's own empty column is always free")
            // New potentials: p += min(distance, reach) - reach, so only nodes settled closer than `reach` move.
            for (row, value) in reachedRows where value < reach { rowPotential[row] += value - reach }
            for column in settledColumns where distance[column] < reach { columnPotential[column] += distance[column] - reach }
            // Augment along the path back to the start.
            var column = free
            while true {
                let row = previousRow[column]
                let before = columnOfRow[row]
                rowOfColumn[column] = row
                columnOfRow[row] = column
                if row == start { break }
                column = before
            }
            for column in touched {
                distance[column] = .infinity
                settled[column] = false
            }
            touched.removeAll(keepingCapacity: true)
            settledColumns.removeAll(keepingCapacity: true)
            reachedRows.removeAll(keepingCapacity: true)
            heap.removeAll()
        }
        return columnOfRow.map { $0 < workers ? $0 : nil }
    }

    /// One slot at a time, in the given order, each taking its best free worker (ties: lower index).
    public static func greedy(_ problem: LabourAssignmentProblem) -> [Int?] {
        var taken = [Bool](repeating: false, count: problem.workerCount)
        return problem.slots.map { slot in
            var best: LabourEdge?
            for edge in slot where !taken[edge.worker] && edge.score > 0 {
                if best == nil || edge.score > best!.score || (edge.score == best!.score && edge.worker < best!.worker) { best = edge }
            }
            if let best { taken[best.worker] = true }
            return best?.worker
        }
    }
}

/// A binary min-heap of (key, value) for Dijkstra.
struct MinHeap {
    private var keys: [Double] = []
    private var values: [Int] = []

    mutating func push(_ key: Double, _ value: Int) {
        keys.append(key)
        values.append(value)
        var child = keys.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard keys[child] < keys[parent] else { break }
            keys.swapAt(child, parent)
            values.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> (Double, Int)? {
        guard let firstKey = keys.first else { return nil }
        let first = (firstKey, values[0])
        let lastKey = keys.removeLast()
        let lastValue = values.removeLast()
        if !keys.isEmpty {
            keys[0] = lastKey
            values[0] = lastValue
            var parent = 0
            while true {
                let left = 2 * parent + 1
                let right = left + 1
                var smallest = parent
                if left < keys.count && keys[left] < keys[smallest] { smallest = left }
                if right < keys.count && keys[right] < keys[smallest] { smallest = right }
                if smallest == parent { break }
                keys.swapAt(parent, smallest)
                values.swapAt(parent, smallest)
                parent = smallest
            }
        }
        return first
    }

    mutating func removeAll() {
        keys.removeAll(keepingCapacity: true)
        values.removeAll(keepingCapacity: true)
    }
}
