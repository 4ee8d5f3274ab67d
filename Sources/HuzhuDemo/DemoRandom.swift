/// SplitMix64, a small seeded generator.
///
/// It deliberately does not conform to `RandomNumberGenerator`: the standard library's `random(in:using:)` and
/// `shuffled(using:)` may change their algorithms between Swift releases, and the demo county must come out the
/// same on every build, so all draws go through the helpers below.
struct DemoRandom {
    private var state: UInt64

    init(seed: UInt64) {
        self.state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A value in `0..<bound`. The multiply-high reduction has a bias of at most bound/2⁶⁴, invisible here.
    mutating func int(below bound: Int) -> Int {
        precondition(bound > 0)
        return Int(next().multipliedFullWidth(by: UInt64(bound)).high)
    }

    /// A value in `0..<1` with 53 random bits.
    mutating func unit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// True with probability `p`.
    mutating func chance(_ p: Double) -> Bool {
        unit() < p
    }

    /// A value in `range`, uniformly.
    mutating func double(in range: ClosedRange<Double>) -> Double {
        range.lowerBound + unit() * (range.upperBound - range.lowerBound)
    }

    mutating func element<T>(of array: [T]) -> T {
        array[int(below: array.count)]
    }

    /// Fisher–Yates, so the order depends on the seed only.
    mutating func shuffle<T>(_ array: inout [T]) {
        guard array.count > 1 else { return }
        for i in stride(from: array.count - 1, to: 0, by: -1) {
            array.swapAt(i, int(below: i + 1))
        }
    }
}

/// Picks items with given integer weights in O(log n) per draw.
struct WeightedPicker<T: Sendable>: Sendable {
    private let items: [T]
    private let cumulative: [Int]

    init(_ weighted: [(T, Int)]) {
        precondition(!weighted.isEmpty && weighted.allSatisfy { $0.1 > 0 })
        items = weighted.map(\.0)
        var running = 0
        cumulative = weighted.map { running += $0.1; return running }
    }

    func pick(_ random: inout DemoRandom) -> T {
        let target = random.int(below: cumulative.last!)
        var low = 0
        var high = cumulative.count - 1
        while low < high {
            let mid = (low + high) / 2
            if cumulative[mid] > target { high = mid } else { low = mid + 1 }
        }
        return items[low]
    }
}

/// Splits `total` into parts proportional to `weights`, each at least `minimum`, summing exactly to `total`
/// (largest-remainder method). The survey's figures are exact, so rounding must not drift.
func apportion(_ total: Int, weights: [Double], minimum: Int) -> [Int] {
    precondition(!weights.isEmpty && total >= minimum * weights.count)
    let rest = total - minimum * weights.count
    let sum = weights.reduce(0, +)
    var counts = Array(repeating: minimum, count: weights.count)
    var fractions: [(fraction: Double, index: Int)] = []
    fractions.reserveCapacity(weights.count)
    var assigned = 0
    for (index, weight) in weights.enumerated() {
        let exact = Double(rest) * weight / sum
        let whole = Int(exact)
        counts[index] += whole
        assigned += whole
        fractions.append((exact - Double(whole), index))
    }
    // Ties broken by index so the order is total and the result does not depend on the sort's stability.
    fractions.sort { $0.fraction != $1.fraction ? $0.fraction > $1.fraction : $0.index < $1.index }
    for k in 0..<(rest - assigned) {
        counts[fractions[k % fractions.count].index] += 1
    }
    return counts
}
