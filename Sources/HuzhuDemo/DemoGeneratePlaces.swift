extension DemoCounty {
    static func generatePlaces() -> ([DemoTownship], [DemoVillage]) {
        var random = DemoRandom(seed: Seed.places)
        let plans = DemoPlaces.townships
        let named = Set(plans.flatMap { $0.namedVillages + $0.communities })
        var stems = DemoPlaces.villageStems(&random, excluding: named)[...]

        var townships: [DemoTownship] = []
        var villages: [DemoVillage] = []
        for (index, plan) in plans.enumerated() {
            townships.append(DemoTownship(name: plan.name, kind: plan.kind))
            var names = plan.namedVillages
            while names.count < plan.villages {
                names.append(stems.removeFirst() + "村")
            }
            for name in names {
                // Villages lie tens of kilometres apart by road, a few kilometres from their town's centre.
                villages.append(place(name, .village, township: index, plan: plan, spread: 0.05, &random))
            }
            for name in plan.communities {
                // Residents' committees are the town's streets, close to its centre.
                villages.append(place(name, .community, township: index, plan: plan, spread: 0.01, &random))
            }
        }
        precondition(villages.count(where: { $0.kind == .village }) == Figures.villages)
        precondition(villages.count(where: { $0.kind == .community }) == Figures.communities)
        return (townships, villages)
    }

    private static func place(
        _ name: String, _ kind: DemoVillage.Kind, township: Int, plan: DemoPlaces.Township, spread: Double,
        _ random: inout DemoRandom
    ) -> DemoVillage {
        let latitude = clamp(plan.latitude + random.double(in: -spread...spread), to: DemoPlaces.latitudes)
        let longitude = clamp(plan.longitude + random.double(in: -spread...spread) * 1.2, to: DemoPlaces.longitudes)
        return DemoVillage(
            township: township, name: name, kind: kind, latitude: round5(latitude), longitude: round5(longitude))
    }

    private static func clamp(_ value: Double, to range: ClosedRange<Double>) -> Double {
        min(max(value, range.lowerBound), range.upperBound)
    }

    /// Five decimals is about a metre: precise enough for a map, and it keeps dumps readable.
    private static func round5(_ value: Double) -> Double {
        (value * 100_000).rounded() / 100_000
    }

    static func generateGroups(villages: [DemoVillage]) -> [DemoGroup] {
        var random = DemoRandom(seed: Seed.groups)
        // Residents' committees are denser than villages, so they get more groups for their count.
        let weights = villages.map { village in
            village.kind == .community ? random.double(in: 1.2...2.0) : random.double(in: 0.6...1.6)
        }
        let counts = apportion(Figures.groups, weights: weights, minimum: 2)

        var groups: [DemoGroup] = []
        for (index, count) in counts.enumerated() {
            // Some villages organise their last units as 户联责任区 instead of numbered groups.
            let areas = count >= 4 && random.chance(0.2) ? (count >= 7 ? 1 + random.int(below: 2) : 1) : 0
            for n in 1...(count - areas) {
                groups.append(DemoGroup(village: index, name: DemoPlaces.numeral(n) + "组", kind: .group))
            }
            for n in stride(from: 1, through: areas, by: 1) {
                groups.append(DemoGroup(village: index, name: "第" + DemoPlaces.numeral(n) + "责任区", kind: .area))
            }
        }
        precondition(groups.count == Figures.groups)
        return groups
    }
}
