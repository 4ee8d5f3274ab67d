import HuzhuKit

extension Directory {
    /// Adds a household in a village the caller may touch.
    public func addHousehold(villageID: Int, groupID: Int? = nil, address: String = "", flags: HouseholdFlags = .init(),
                             notes: String = "", scope: [Int] = [], actor: Actor) async throws -> Household {
        try Self.checkScope(villageID, scope)
        return try await store.write(as: actor) { tx in
            if let groupID {
                let owner = try await tx.query("SELECT village_id FROM village_group WHERE id = \(groupID)").decode(Int.self).firstElement()
                guard owner == villageID else {
                    throw HuzhuError(.invalid, "group \(groupID) is not a group of village \(villageID)", zh: "小组 \(groupID) 不属于村 \(villageID)")
                }
            }
            let rows = try await tx.query(
                """
                INSERT INTO household (village_id, group_id, address, no_labour, elderly_alone, low_income, notes)
                VALUES (\(villageID), \(groupID), \(address), \(flags.noLabour), \(flags.elderlyAlone), \(flags.lowIncome), \(notes)) RETURNING id
                """)
            let id = try await rows.decode(Int64.self).firstElement()!
            let household = Household(id: id, villageID: villageID, groupID: groupID, address: address, flags: flags, notes: notes)
            try await tx.audit("household.add", target: "household:\(id)", after: household.json)
            return household
        }
    }

    /// One household in the caller's villages.
    public func household(_ id: Int64, scope: [Int] = []) async throws -> Household? {
        try await store.read { connection in
            try await connection.query(
                """
                SELECT id, village_id, group_id, address, no_labour, elderly_alone, low_income, notes FROM household
                WHERE id = \(id) AND (cardinality(\(scope)::int[]) = 0 OR village_id = ANY(\(scope)::int[]))
                """, logger: Self.logger
            ).decode(HouseholdRow.self).firstElement().map(Self.household(from:))
        }
    }

    /// Households of a village, optionally only those with a priority flag (`no_labour`, `elderly_alone`, `low_income`).
    public func findHouseholds(villageID: Int, flag: String? = nil, scope: [Int] = [], limit: Int = 200) async throws -> [Household] {
        try Self.checkScope(villageID, scope)
        if let flag, !["no_labour", "elderly_alone", "low_income"].contains(flag) {
            throw HuzhuError(.syntax, "flag must be no_labour, elderly_alone or low_income", zh: "flag 应为 no_labour、elderly_alone 或 low_income")
        }
        return try await store.read { connection in
            try await connection.query(
                """
                SELECT id, village_id, group_id, address, no_labour, elderly_alone, low_income, notes FROM household
                WHERE village_id = \(villageID)
                  AND (\(flag)::text IS NULL OR (\(flag)::text = 'no_labour' AND no_labour)
                       OR (\(flag)::text = 'elderly_alone' AND elderly_alone) OR (\(flag)::text = 'low_income' AND low_income))
                ORDER BY id LIMIT \(limit)
                """, logger: Self.logger
            ).decode(HouseholdRow.self).all().map(Self.household(from:))
        }
    }

    /// Changes a household's address, flags or notes, recording before and after.
    public func editHousehold(_ id: Int64, _ changes: HouseholdChanges, scope: [Int] = [], actor: Actor) async throws -> Household {
        try await store.write(as: actor) { tx in
            guard let before = try await tx.query(
                """
                SELECT id, village_id, group_id, address, no_labour, elderly_alone, low_income, notes FROM household
                WHERE id = \(id) AND (cardinality(\(scope)::int[]) = 0 OR village_id = ANY(\(scope)::int[])) FOR UPDATE
                """).decode(HouseholdRow.self).firstElement().map(Self.household(from:))
            else { throw HuzhuError(.notFound, "no household \(id) in your villages", zh: "您管辖的村里没有户 \(id)") }
            var after = before
            if let address = changes.address { after.address = address }
            if let value = changes.noLabour { after.flags.noLabour = value }
            if let value = changes.elderlyAlone { after.flags.elderlyAlone = value }
            if let value = changes.lowIncome { after.flags.lowIncome = value }
            if let notes = changes.notes { after.notes = notes }
            try await tx.execute(
                """
                UPDATE household SET address = \(after.address), no_labour = \(after.flags.noLabour), elderly_alone = \(after.flags.elderlyAlone),
                    low_income = \(after.flags.lowIncome), notes = \(after.notes) WHERE id = \(id)
                """)
            try await tx.audit("household.edit", target: "household:\(id)", before: before.json, after: after.json)
            return after
        }
    }

    typealias HouseholdRow = (Int64, Int, Int?, String, Bool, Bool, Bool, String)

    static func household(from row: HouseholdRow) -> Household {
        Household(id: row.0, villageID: row.1, groupID: row.2, address: row.3,
                  flags: HouseholdFlags(noLabour: row.4, elderlyAlone: row.5, lowIncome: row.6), notes: row.7)
    }
}
