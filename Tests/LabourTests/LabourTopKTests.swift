@testable import HuzhuLabour
import Testing

/// Offering a job keeps the best few of hundreds of candidates without sorting them all: the few must be
/// exactly the head of the full ranking, ties and all.
@Suite struct LabourTopKTests {
    @Test func theBestFewAreTheHeadOfTheFullRanking() {
        var state: UInt64 = 42
        func next(_ bound: Int) -> Int {  // SplitMix64, seeded: the same candidates every run
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Int((z ^ (z >> 31)) % UInt64(bound))
        }
        for round in 0..<50 {
            // Few distinct values, so many candidates tie on score and the worker id decides.
            let found = (0..<(200 + next(700))).map { index in
                (LabourCandidateFacts(worker: Int64(1000 - index), distanceKm: Double(next(5)), level: 1 + next(3), ratingSum: next(10),
                                      ratingCount: 2, price: Double(100 + 10 * next(3)), unit: "day", recentDays: next(3), recentEarnings: 0),
                 "", 1)
            }
            let all = LabourMatcher.rank(found, areaMu: 5, crew: 2, weights: LabourWeights())
            for limit in [1, 3, 8, 24] {
                let best = LabourMatcher.rank(found, areaMu: 5, crew: 2, weights: LabourWeights(), limit: limit)
                #expect(best.map(\.facts.worker) == all.prefix(limit).map(\.facts.worker), "round \(round), limit \(limit)")
            }
        }
    }
}
