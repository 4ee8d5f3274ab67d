import HuzhuLabour
import Testing

/// The day plan's solver against known optima, brute force and greedy.
@Suite struct LabourAssignmentTests {
    func problem(_ workers: Int, _ slots: [[(Int, Double)]]) -> LabourAssignmentProblem {
        LabourAssignmentProblem(workerCount: workers, slots: slots.map { $0.map { LabourEdge(worker: $0.0, score: $0.1) } })
    }

    @Test func beatsGreedyWhereGreedyTakesTheContestedWorker() {
        // Greedy gives slot 0 its best (w0, 10) and leaves slot 1 with w1 (1): 11. The optimum swaps: 9 + 8 = 17.
        let p = problem(2, [[(0, 10), (1, 9)], [(0, 8), (1, 1)]])
        #expect(p.total(LabourAssignment.greedy(p)) == 11)
        let optimal = LabourAssignment.optimal(p)
        #expect(optimal == [1, 0])
        #expect(p.total(optimal) == 17)
    }

    @Test func fillsCrewSlotsAndLeavesAPlaceEmptyWhenNoOneFits() {
        // A crew of two (two identical slots) and a slot nobody can fill.
        let p = problem(3, [[(0, 5), (1, 4), (2, 1)], [(0, 5), (1, 4), (2, 1)], []])
        let optimal = LabourAssignment.optimal(p)
        #expect(Set(optimal.prefix(2).compactMap { $0 }) == [0, 1])
        #expect(optimal[2] == nil)
        #expect(p.total(optimal) == 9)
    }

    @Test func aChainOfSwapsIsFound() {
        // Greedy gives slot 0 its favourite w1, pushing slot 1 to w2, which leaves slot 2 (only w2) empty: 18.
        // The optimum moves along the chain: slot 0 → w0, slot 1 → w1, slot 2 → w2: 9 + 9 + 10 = 28.
        let p = problem(3, [[(1, 10), (0, 9)], [(1, 9), (2, 8)], [(2, 10)]])
        #expect(p.total(LabourAssignment.greedy(p)) == 18)
        #expect(LabourAssignment.optimal(p) == [0, 1, 2])
        #expect(p.total(LabourAssignment.optimal(p)) == 28)
    }

    @Test func equalsBruteForceAndNeverLosesToGreedyOnRandomCases() {
        var generator = SplitMix(seed: 20_270_612)
        for _ in 0..<300 {
            let workers = Int.random(in: 1...6, using: &generator)
            let slots = (0..<Int.random(in: 1...6, using: &generator)).map { _ in
                (0..<workers).filter { _ in Double.random(in: 0..<1, using: &generator) < 0.6 }
                    .map { ($0, Double(Int.random(in: 1...100, using: &generator)) / 10) }
            }
            let p = problem(workers, slots)
            let optimal = LabourAssignment.optimal(p)
            #expect(Set(optimal.compactMap { $0 }).count == optimal.compactMap { $0 }.count, "a worker used twice")
            for (slot, worker) in optimal.enumerated() { if let worker { #expect(slots[slot].contains { $0.0 == worker }) } }
            let best = bruteForce(p)
            #expect(abs(p.total(optimal) - best) < 1e-9, "optimal \(p.total(optimal)) vs brute force \(best) on \(slots)")
            #expect(p.total(optimal) >= p.total(LabourAssignment.greedy(p)) - 1e-9)
        }
    }

    @Test func largeRandomCasesStayAtLeastGreedy() {
        var generator = SplitMix(seed: 7)
        for _ in 0..<5 {
            let workers = 400
            let slots = (0..<150).map { _ in
                (0..<40).map { _ in (Int.random(in: 0..<workers, using: &generator), Double.random(in: 1...11, using: &generator)) }
                    .reduce(into: [(Int, Double)]()) { list, edge in if !list.contains(where: { $0.0 == edge.0 }) { list.append(edge) } }
            }
            let p = problem(workers, slots)
            #expect(p.total(LabourAssignment.optimal(p)) >= p.total(LabourAssignment.greedy(p)) - 1e-9)
        }
    }

    @Test func giniOfDaysWorked() {
        #expect(LabourReportMath.gini([3, 3, 3, 3]) == 0)
        #expect(abs(LabourReportMath.gini([0, 0, 0, 4]) - 0.75) < 1e-9)
        #expect(abs(LabourReportMath.gini([1, 2, 3, 4]) - 0.25) < 1e-9)
    }

    @Test func scoreTermsAreWeightedAndExplainable() {
        let weights = LabourWeights()
        let idle = LabourCandidateFacts(worker: 1, distanceKm: 0, level: 5, ratingSum: 0, ratingCount: 0, price: 60, unit: "mu", recentDays: 0, recentEarnings: 0)
        var busy = idle
        busy.recentDays = 10
        busy.recentEarnings = 3000
        let a = LabourScore.of(idle, cost: 300, cheapest: 300, weights: weights)
        let b = LabourScore.of(busy, cost: 300, cheapest: 300, weights: weights)
        #expect(a.fairness == 1 && b.fairness == 0)
        #expect(abs(a.total - (weights.distance * a.distance + weights.level * a.level + weights.rating * a.rating + weights.price * a.price + weights.fairness * a.fairness)) < 1e-9)
        #expect(abs(a.total - b.total - weights.fairness) < 1e-9, "an idle craftsman ranks above a busy one, all else equal")
        #expect(LabourScore.cost(price: 60, unit: "mu", areaMu: 5, crew: 2) == 150)
    }

    func bruteForce(_ p: LabourAssignmentProblem) -> Double {
        var used = Set<Int>()
        func best(_ slot: Int) -> Double {
            guard slot < p.slots.count else { return 0 }
            var value = best(slot + 1)
            for edge in p.slots[slot] where !used.contains(edge.worker) {
                used.insert(edge.worker)
                value = max(value, edge.score + best(slot + 1))
                used.remove(edge.worker)
            }
            return value
        }
        return best(0)
    }
}

/// A small deterministic generator, so random cases are the same on every run.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
