extension DemoCounty {
    /// Household sizes other than old people living alone and households without labour: weights for 1 to 7
    /// people. The exact total is reached afterwards by nudging sizes, so these only shape the distribution.
    private static let familySizeWeights = WeightedPicker<Int>([(1, 4), (2, 18), (3, 27), (4, 26), (5, 15), (6, 7), (7, 3)])

    /// The households and, in the same order, how many members each has.
    static func generateHouseholds(
        townships: [DemoTownship], villages: [DemoVillage], groups: [DemoGroup]
    ) -> (households: [DemoHousehold], sizes: [Int]) {
        var random = DemoRandom(seed: Seed.households)
        // Numbered groups are the old production teams; responsibility areas are usually smaller.
        let weights = groups.map { random.double(in: 0.6...1.4) * ($0.kind == .area ? 0.6 : 1) }
        let counts = apportion(Figures.households, weights: weights, minimum: 15)

        var households: [DemoHousehold] = []
        var sizes: [Int] = []
        households.reserveCapacity(Figures.households)
        sizes.reserveCapacity(Figures.households)
        for (groupIndex, group) in groups.enumerated() {
            let village = villages[group.village]
            let prefix = townships[village.township].name + village.name + group.name
            for number in 1...counts[groupIndex] {
                // Rates from the brief: about 8% old people alone, 6% without labour, 10% low income; the
                // flags go together, as they do in life.
                let elderlyAlone = random.chance(0.08)
                let noLabour = random.chance(elderlyAlone ? 0.30 : 0.039)
                let lowIncome = random.chance(elderlyAlone || noLabour ? 0.25 : 0.08)
                var notes: [String] = []
                if elderlyAlone && random.chance(0.5) { notes.append("子女在外务工") }
                if noLabour { notes.append("农忙需帮工") }
                if lowIncome { notes.append("低保户") }
                households.append(
                    DemoHousehold(
                        village: group.village, group: groupIndex, address: "\(prefix)\(number)号",
                        noLabour: noLabour, elderlyAlone: elderlyAlone, lowIncome: lowIncome,
                        notes: notes.joined(separator: "；")))
                if elderlyAlone {
                    sizes.append(1)
                } else if noLabour {
                    sizes.append(random.chance(0.7) ? 2 : 1)  // mostly an old couple
                } else {
                    sizes.append(familySizeWeights.pick(&random))
                }
            }
        }
        adjustSizes(&sizes, households: households, to: Figures.members, &random)
        return (households, sizes)
    }

    /// Nudges ordinary families up or down one person at a time until the sizes sum to `total`, keeping every
    /// household between 1 and 8 people and leaving old people alone and households without labour as they are.
    private static func adjustSizes(
        _ sizes: inout [Int], households: [DemoHousehold], to total: Int, _ random: inout DemoRandom
    ) {
        let adjustable = households.indices.filter { !households[$0].elderlyAlone && !households[$0].noLabour }
        var difference = total - sizes.reduce(0, +)
        while difference != 0 {
            let i = adjustable[random.int(below: adjustable.count)]
            if difference > 0, sizes[i] < 8 {
                sizes[i] += 1
                difference -= 1
            } else if difference < 0, sizes[i] > 2 {
                sizes[i] -= 1
                difference += 1
            }
        }
    }

    static func generateMembers(households: [DemoHousehold], sizes: [Int], villages: [DemoVillage]) -> [DemoMember] {
        var random = DemoRandom(seed: Seed.members)
        let clans = villages.map { village in villageClans(village, &random) }
        var members: [DemoMember] = []
        members.reserveCapacity(Figures.members)
        var phones = 0

        func add(_ name: String, household: Int, phoneChance: Double, _ random: inout DemoRandom) {
            var phone: String?
            if random.chance(phoneChance) {
                phone = DemoPhones.number(phones)
                phones += 1
            }
            members.append(
                DemoMember(household: household, village: households[household].village, name: name, phone: phone))
        }

        for (index, household) in households.enumerated() {
            let clan = clans[household.village]
            // Widows head many of the households of old people alone; otherwise the head is usually a man.
            let headFemale = random.chance(household.elderlyAlone ? 0.6 : 0.12)
            let headSurname = surname(clan, &random)
            var partnerSurname = surname(clan, &random)
            while partnerSurname == headSurname {  // marriage within one surname is rare
                partnerSurname = surname(clan, &random)
            }
            // Children carry the father's surname, except after a husband married into his wife's family (入赘).
            let familySurname = headFemale && random.chance(0.8) ? partnerSurname : headSurname
            var names: Set<String> = []

            func person(_ surname: String, female: Bool, _ random: inout DemoRandom) -> String {
                var name = surname + DemoNames.given(female: female, &random)
                var attempts = 0
                while names.contains(name) && attempts < 8 {  // no two siblings share a name
                    name = surname + DemoNames.given(female: female, &random)
                    attempts += 1
                }
                names.insert(name)
                return name
            }

            let size = sizes[index]
            let head = person(headSurname, female: headFemale, &random)
            add(head, household: index, phoneChance: household.elderlyAlone ? 0.55 : 0.88, &random)
            if size >= 2 {
                let spouse = person(partnerSurname, female: !headFemale, &random)
                add(spouse, household: index, phoneChance: 0.75, &random)
            }
            for _ in stride(from: 2, to: size, by: 1) {
                // Children and grandchildren; the old and the young have phones less often.
                let female = random.chance(0.48)
                let child = person(familySurname, female: female, &random)
                add(child, household: index, phoneChance: 0.45, &random)
            }
        }
        precondition(members.count == Figures.members)
        return members
    }

    /// The one or two families that dominate a village; a village named after a family (向家坪村) is mostly that
    /// family's.
    private static func villageClans(_ village: DemoVillage, _ random: inout DemoRandom) -> [String] {
        var clans: [String] = []
        let characters = Array(village.name)
        if characters.count >= 3, characters[1] == "家" {
            clans.append(String(characters[0]))
        }
        while clans.count < 2 {
            let candidate = DemoNames.surnames.pick(&random)
            if !clans.contains(candidate) { clans.append(candidate) }
        }
        return clans
    }

    /// A household head's surname: the village's first family a quarter of the time, its second a sixth,
    /// otherwise any surname by national frequency.
    private static func surname(_ clans: [String], _ random: inout DemoRandom) -> String {
        let draw = random.unit()
        if draw < 0.25 { return clans[0] }
        if draw < 0.40 { return clans[1] }
        return DemoNames.surnames.pick(&random)
    }
}
