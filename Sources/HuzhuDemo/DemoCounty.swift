/// The deterministic demo county: Xingshan County, Hubei, at the scale of the rural governance survey.
///
/// `generate()` builds it in memory; `load(into:logger:)` writes it to an empty directory.
public enum DemoCounty {
    /// The survey's figures, which the generated county matches exactly.
    enum Figures {
        static let villages = 90
        static let communities = 10
        static let groups = 511
        static let households = 40_342
        static let members = 131_379
    }

    /// Seeds of the independent streams, one per stage, so that tuning one stage leaves the others unchanged.
    enum Seed {
        static let places: UInt64 = 0x4855_5A48_5500_0001
        static let groups: UInt64 = 0x4855_5A48_5500_0002
        static let households: UInt64 = 0x4855_5A48_5500_0003
        static let members: UInt64 = 0x4855_5A48_5500_0004
    }

    /// The generated data without touching a database (deterministic: same output every call).
    public static func generate() -> DemoData {
        let (townships, villages) = generatePlaces()
        let groups = generateGroups(villages: villages)
        let (households, sizes) = generateHouseholds(townships: townships, villages: villages, groups: groups)
        let members = generateMembers(households: households, sizes: sizes, villages: villages)
        return DemoData(
            townships: townships, villages: villages, groups: groups, households: households, members: members)
    }
}
