import HuzhuKit

extension Directory {
    /// Registers a member. The phone is normalised; a number already registered is refused.
    public func addMember(_ new: NewMember, scope: [Int] = [], actor: Actor) async throws -> Member {
        try Self.checkScope(new.villageID, scope)
        let name = try Self.trimmed(new.name, field: "name")
        let phone = try new.phone.map { (text) throws(HuzhuError) in try PhoneNumber(parsing: text) }
        return try await store.write(as: actor, conflict: "the phone number \(phone?.e164 ?? "") is already registered to another member") { tx in
            if let household = new.householdID {
                let village = try await tx.query("SELECT village_id FROM household WHERE id = \(household)").decode(Int.self).firstElement()
                guard village == new.villageID else {
                    throw HuzhuError(.invalid, "household \(household) is not in village \(new.villageID)", zh: "户 \(household) 不在村 \(new.villageID)")
                }
            }
            let rows = try await tx.query(
                """
                INSERT INTO member (household_id, village_id, name, phone, language, needs_review)
                VALUES (\(new.householdID), \(new.villageID), \(name), \(phone?.e164), \(new.language.rawValue), \(new.needsReview)) RETURNING id
                """)
            let id = try await rows.decode(Int64.self).firstElement()!
            let member = Member(id: id, householdID: new.householdID, villageID: new.villageID, name: name, phone: phone,
                                language: new.language, optedOut: false)
            var after = member.json
            if new.needsReview, case .object(let fields) = after { after = .object(fields + [("needs_review", true)]) }
            try await tx.audit("member.add", target: "member:\(id)", after: after)
            return member
        }
    }

    /// Changes a member, recording before and after.
    public func editMember(_ id: Int64, _ changes: MemberChanges, scope: [Int] = [], actor: Actor) async throws -> Member {
        let phone = try changes.phone.map { (text) throws(HuzhuError) in try PhoneNumber(parsing: text) }
        let name = try changes.name.map { (text) throws(HuzhuError) in try Self.trimmed(text, field: "name") }
        return try await store.write(as: actor, conflict: "the phone number \(phone?.e164 ?? "") is already registered to another member") { tx in
            guard let before = try await Self.member(id, scope: scope, forUpdate: true, on: tx.connection) else {
                throw HuzhuError(.notFound, "no member \(id) in your villages", zh: "您管辖的村里没有成员 \(id)")
            }
            var after = before
            if let name { after.name = name }
            if let phone { after.phone = phone }
            if let language = changes.language { after.language = language }
            if let optedOut = changes.optedOut { after.optedOut = optedOut }
            try await tx.execute(
                """
                UPDATE member SET name = \(after.name), phone = \(after.phone?.e164), language = \(after.language.rawValue),
                    opted_out = \(after.optedOut), updated_at = now()
                WHERE id = \(id)
                """)
            try await tx.audit("member.edit", target: "member:\(id)", before: before.json, after: after.json)
            return after
        }
    }

    /// One member, if it exists in the caller's villages.
    public func member(_ id: Int64, scope: [Int] = []) async throws -> Member? {
        try await store.read { try await Self.member(id, scope: scope, forUpdate: false, on: $0) }
    }

    /// The member with this phone number (how SMS senders are recognised).
    public func member(phone: PhoneNumber) async throws -> Member? {
        try await store.read { connection in
            try await connection.query(
                "SELECT id, household_id, village_id, name, phone, language, opted_out FROM member WHERE phone = \(phone.e164)",
                logger: Self.logger
            ).decode(MemberRow.self).firstElement().map(Self.member(from:))
        }
    }

    /// Members whose name starts with `text`, or whose number is `text`, in the caller's villages.
    public func findMembers(_ text: String, scope: [Int] = [], limit: Int = 50) async throws -> [Member] {
        let phone = try? PhoneNumber(parsing: text)
        let pattern = Self.likePrefix(text)
        return try await store.read { connection in
            try await connection.query(
                """
                SELECT id, household_id, village_id, name, phone, language, opted_out FROM member
                WHERE (name LIKE \(pattern) OR phone = \(phone?.e164))
                  AND (cardinality(\(scope)::int[]) = 0 OR village_id = ANY(\(scope)::int[]))
                ORDER BY name, id LIMIT \(limit)
                """, logger: Self.logger
            ).decode(MemberRow.self).all().map(Self.member(from:))
        }
    }

    typealias MemberRow = (Int64, Int64?, Int, String, String?, String, Bool)

    static func member(from row: MemberRow) -> Member {
        Member(id: row.0, householdID: row.1, villageID: row.2, name: row.3, phone: row.4.flatMap(PhoneNumber.init(e164:)),
               language: Language(rawValue: row.5) ?? .zh, optedOut: row.6)
    }

    static func member(_ id: Int64, scope: [Int], forUpdate: Bool, on connection: PostgresConnection) async throws -> Member? {
        // FOR UPDATE cannot be spliced onto an interpolated query, hence two spellings.
        let rows = forUpdate
            ? try await connection.query(
                """
                SELECT id, household_id, village_id, name, phone, language, opted_out FROM member
                WHERE id = \(id) AND (cardinality(\(scope)::int[]) = 0 OR village_id = ANY(\(scope)::int[])) FOR UPDATE
                """, logger: logger)
            : try await connection.query(
                """
                SELECT id, household_id, village_id, name, phone, language, opted_out FROM member
                WHERE id = \(id) AND (cardinality(\(scope)::int[]) = 0 OR village_id = ANY(\(scope)::int[]))
                """, logger: logger)
        return try await rows.decode(MemberRow.self).firstElement().map(member(from:))
    }
}
