/// Demo mobile numbers: real-looking, unique by construction, the same on every run.
///
/// The n-th number comes from a permutation of n over the space of all numbers with the prefixes below, so
/// numbers never collide (no retry loop, no set of used numbers) and neighbouring members get numbers
/// with nothing in common.
enum DemoPhones {
    /// Mobile prefixes in use in China (13x, 15x, 17x, 18x, 19x).
    static let prefixes = [
        "130", "131", "132", "133", "134", "135", "136", "137", "138", "139",
        "150", "151", "152", "153", "155", "156", "157", "158", "159",
        "170", "173", "175", "176", "177", "178",
        "180", "181", "182", "183", "184", "185", "186", "187", "188", "189",
        "191", "193", "195", "198", "199",
    ]

    private static let suffixSpace: UInt32 = 100_000_000
    /// 40 prefixes × 10⁸ = 4·10⁹ numbers, just below 2³², so a 32-bit permutation covers them.
    private static let space = UInt32(prefixes.count) * suffixSpace

    /// The E.164 form of the `index`-th demo number.
    static func number(_ index: Int) -> String {
        precondition(index >= 0 && index < Int(space))
        // Cycle walking: a permutation of 0..<2³², applied until the value falls in 0..<space, is a
        // permutation of 0..<space.
        var value = UInt32(index)
        repeat {
            value = permute(value)
        } while value >= space
        let prefix = prefixes[Int(value / suffixSpace)]
        let suffix = String(value % suffixSpace)
        return "+86" + prefix + String(repeating: "0", count: 8 - suffix.count) + suffix
    }

    /// A four-round Feistel network on 32 bits: invertible whatever the round function is.
    private static func permute(_ value: UInt32) -> UInt32 {
        var left = UInt16(truncatingIfNeeded: value >> 16)
        var right = UInt16(truncatingIfNeeded: value)
        for round in 0..<4 as Range<UInt64> {
            (left, right) = (right, left ^ UInt16(truncatingIfNeeded: mix(UInt64(right) | round << 16)))
        }
        return UInt32(left) << 16 | UInt32(right)
    }

    /// SplitMix64's finaliser, keyed so the demo numbers are not those of some other program using it.
    private static func mix(_ input: UInt64) -> UInt64 {
        var z = input ^ 0x4855_5A48_5550_484E
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
