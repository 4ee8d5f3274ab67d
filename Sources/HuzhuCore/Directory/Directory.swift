import HuzhuKit
import Logging
import HuzhuStore
import PostgresNIO

/// A member as the directory stores it.
public struct Member: Sendable, Equatable {
    public var id: Int64
    public var householdID: Int64?
    public var villageID: Int
    public var name: String
    public var phone: PhoneNumber?
    public var language: Language
    public var optedOut: Bool

    /// The member as JSON (the phone in full: staff see it; SMS replies never show others' numbers).
    public var json: JSONValue {
        ["id": .int(Int(id)), "household": householdID.map { .int(Int($0)) } ?? .null, "village": .int(villageID),
         "name": .string(name), "phone": .optional(phone?.e164), "language": .string(language.rawValue), "opted_out": .bool(optedOut)]
    }
}

/// What staff give to register a member.
public struct NewMember: Sendable {
    public var villageID: Int
    public var householdID: Int64?
    public var name: String
    /// As typed; normalised to E.164 before it is stored.
    public var phone: String?
    public var language: Language

    public init(villageID: Int, householdID: Int64? = nil, name: String, phone: String? = nil, language: Language = .zh) {
        self.villageID = villageID
        self.householdID = householdID
        self.name = name
        self.phone = phone
        self.language = language
    }
}

/// A change to a member; nil fields stay as they are.
public struct MemberChanges: Sendable {
    public var name: String?
    public var phone: String?
    public var language: Language?
    public var optedOut: Bool?
    public init(name: String? = nil, phone: String? = nil, language: Language? = nil, optedOut: Bool? = nil) {
        self.name = name
        self.phone = phone
        self.language = language
        self.optedOut = optedOut
    }
}

/// Flags of a household that matter for priority and agency services.
public struct HouseholdFlags: Sendable, Equatable {
    public var noLabour = false
    public var elderlyAlone = false
    public var lowIncome = false
    public init(noLabour: Bool = false, elderlyAlone: Bool = false, lowIncome: Bool = false) {
        self.noLabour = noLabour
        self.elderlyAlone = elderlyAlone
        self.lowIncome = lowIncome
    }
}

/// The member directory. Every write runs in one transaction with its audit row. Reads and writes take
/// the caller's village scope (empty: all villages), applied in the SQL itself.
public struct Directory: Sendable {
    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    // MARK: - Places

    /// Adds a township (or town) if missing and returns its id.
    public func addTownship(name: String, kind: String = "town", actor: Actor) async throws -> Int {
        guard kind == "town" || kind == "township" else {
            throw HuzhuError(.invalid, "a township's kind is town or township", zh: "乡镇类型应为 town（镇）或 township（乡）")
        }
        return try await client.writeTransaction(logger: logger) { connection in
            let rows = try await connection.query(
                "INSERT INTO township (name, kind) VALUES (\(name), \(kind)) ON CONFLICT (name) DO NOTHING RETURNING id", logger: logger)
            if let id = try await rows.decode(Int.self).first(where: { _ in true }) {
                try await Audit.record("township.add", target: "township:\(id)", actor: actor,
                                       after: ["name": .string(name), "kind": .string(kind)], on: connection, logger: logger)
                return id
            }
            let existing = try await connection.query("SELECT id FROM township WHERE name = \(name)", logger: logger)
            return try await existing.decode(Int.self).first(where: { _ in true })!
        }
    }

    /// Adds a village to a township.
    public func addVillage(townshipID: Int, name: String, kind: String = "village", latitude: Double?, longitude: Double?, actor: Actor) async throws -> Int {
        try await write(conflict: "a village named \(name) already exists in that township") { connection in
            let rows = try await connection.query(
                """
                INSERT INTO village (township_id, name, kind, latitude, longitude)
                VALUES (\(townshipID), \(name), \(kind), \(latitude), \(longitude)) RETURNING id
                """, logger: logger)
            let id = try await rows.decode(Int.self).first(where: { _ in true })!
            try await Audit.record("village.add", target: "village:\(id)", actor: actor,
                                   after: ["township": .int(townshipID), "name": .string(name), "kind": .string(kind)], on: connection, logger: logger)
            return id
        }
    }

    /// Adds a household in a village the caller may touch.
    public func addHousehold(villageID: Int, groupID: Int? = nil, address: String = "", flags: HouseholdFlags = .init(),
                             scope: [Int] = [], actor: Actor) async throws -> Int64 {
        try Self.checkScope(villageID, scope)
        return try await write(conflict: "the household conflicts with an existing record") { connection in
            let rows = try await connection.query(
                """
                INSERT INTO household (village_id, group_id, address, no_labour, elderly_alone, low_income)
                VALUES (\(villageID), \(groupID), \(address), \(flags.noLabour), \(flags.elderlyAlone), \(flags.lowIncome)) RETURNING id
                """, logger: logger)
            let id = try await rows.decode(Int64.self).first(where: { _ in true })!
            try await Audit.record(
                "household.add", target: "household:\(id)", actor: actor,
                after: ["village": .int(villageID), "group": groupID.map { .int($0) } ?? .null, "no_labour": .bool(flags.noLabour),
                        "elderly_alone": .bool(flags.elderlyAlone), "low_income": .bool(flags.lowIncome)],
                on: connection, logger: logger)
            return id
        }
    }

    // MARK: - Members

    /// Registers a member. The phone is normalised; a number already registered is refused.
    public func addMember(_ new: NewMember, scope: [Int] = [], actor: Actor) async throws -> Member {
        try Self.checkScope(new.villageID, scope)
        let name = new.name.trimmingSpaces()
        guard (1...100).contains(name.count) else {
            throw HuzhuError(.invalid, "a member needs a name of 1-100 characters", zh: "成员姓名应为 1-100 个字")
        }
        let phone = try new.phone.map { (text) throws(HuzhuError) in try PhoneNumber(parsing: text) }
        return try await write(conflict: "the phone number \(phone?.e164 ?? "") is already registered to another member") { connection in
            let rows = try await connection.query(
                """
                INSERT INTO member (household_id, village_id, name, phone, language)
                VALUES (\(new.householdID), \(new.villageID), \(name), \(phone?.e164), \(new.language.rawValue)) RETURNING id
                """, logger: logger)
            let id = try await rows.decode(Int64.self).first(where: { _ in true })!
            let member = Member(id: id, householdID: new.householdID, villageID: new.villageID, name: name, phone: phone,
                                language: new.language, optedOut: false)
            try await Audit.record("member.add", target: "member:\(id)", actor: actor, after: member.json, on: connection, logger: logger)
            return member
        }
    }

    /// Changes a member, recording before and after.
    public func editMember(_ id: Int64, _ changes: MemberChanges, scope: [Int] = [], actor: Actor) async throws -> Member {
        let phone = try changes.phone.map { (text) throws(HuzhuError) in try PhoneNumber(parsing: text) }
        return try await write(conflict: "the phone number \(phone?.e164 ?? "") is already registered to another member") { connection in
            guard let before = try await Self.member(id, scope: scope, forUpdate: true, on: connection, logger: logger) else {
                throw HuzhuError(.notFound, "no member \(id) in your villages", zh: "您管辖的村里没有成员 \(id)")
            }
            var after = before
            if let name = changes.name { after.name = name.trimmingSpaces() }
            if let phone { after.phone = phone }
            if let language = changes.language { after.language = language }
            if let optedOut = changes.optedOut { after.optedOut = optedOut }
            _ = try await connection.query(
                """
                UPDATE member SET name = \(after.name), phone = \(after.phone?.e164), language = \(after.language.rawValue),
                    opted_out = \(after.optedOut), updated_at = now()
                WHERE id = \(id)
                """, logger: logger)
            try await Audit.record("member.edit", target: "member:\(id)", actor: actor, before: before.json, after: after.json,
                                   on: connection, logger: logger)
            return after
        }
    }

    /// One member, if it exists in the caller's villages.
    public func member(_ id: Int64, scope: [Int] = []) async throws -> Member? {
        try await client.withConnection { try await Self.member(id, scope: scope, forUpdate: false, on: $0, logger: logger) }
    }

    /// The member with this phone number (how SMS senders are recognised).
    public func member(phone: PhoneNumber) async throws -> Member? {
        let rows = try await client.query(
            "SELECT id, household_id, village_id, name, phone, language, opted_out FROM member WHERE phone = \(phone.e164)", logger: logger)
        return try await rows.decode(MemberRow.self).first(where: { _ in true }).map(Self.member(from:))
    }

    /// Members whose name starts with `text`, or whose number is `text`, in the caller's villages.
    public func findMembers(_ text: String, scope: [Int] = [], limit: Int = 50) async throws -> [Member] {
        let phone = try? PhoneNumber(parsing: text)
        let pattern = Self.likePrefix(text)
        let rows = try await client.query(
            """
            SELECT id, household_id, village_id, name, phone, language, opted_out FROM member
            WHERE (name LIKE \(pattern) OR phone = \(phone?.e164))
              AND (cardinality(\(scope)::int[]) = 0 OR village_id = ANY(\(scope)::int[]))
            ORDER BY name, id LIMIT \(limit)
            """, logger: logger)
        var members: [Member] = []
        for try await row in rows.decode(MemberRow.self) { members.append(Self.member(from: row)) }
        return members
    }

    // MARK: - Helpers

    typealias MemberRow = (Int64, Int64?, Int, String, String?, String, Bool)

    static func member(from row: MemberRow) -> Member {
        Member(id: row.0, householdID: row.1, villageID: row.2, name: row.3, phone: row.4.flatMap(PhoneNumber.init(e164:)),
               language: Language(rawValue: row.5) ?? .zh, optedOut: row.6)
    }

    static func member(_ id: Int64, scope: [Int], forUpdate: Bool, on connection: PostgresConnection, logger: Logger) async throws -> Member? {
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
        return try await rows.decode(MemberRow.self).first(where: { _ in true }).map(member(from:))
    }

    static func checkScope(_ villageID: Int, _ scope: [Int]) throws(HuzhuError) {
        guard scope.isEmpty || scope.contains(villageID) else {
            throw HuzhuError(.denied, "village \(villageID) is outside your villages (\(scope.map(String.init).joined(separator: ",")))",
                             zh: "村 \(villageID) 不在您管辖的范围内")
        }
    }

    /// A LIKE pattern matching names that start with `text`, with LIKE's wildcards escaped.
    static func likePrefix(_ text: String) -> String {
        var out = ""
        for c in text {
            if c == "%" || c == "_" || c == "\\" { out.append("\\") }
            out.append(c)
        }
        return out + "%"
    }

    /// Runs a write transaction; constraint violations come out as CONFLICT/INVALID/NOT_FOUND.
    func write<T: Sendable>(conflict: String, _ body: (PostgresConnection) async throws -> T) async throws -> T {
        try await client.writeTransaction(logger: logger, conflict: conflict, body)
    }
}

extension String {
    func trimmingSpaces() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
        return String(scalars[first...last])
    }
}
