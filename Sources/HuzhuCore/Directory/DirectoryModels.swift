import HuzhuKit

/// A township or town (乡镇).
public struct Township: Sendable, Equatable {
    public var id: Int
    public var name: String
    public var kind: String
    public var json: JSONValue { ["id": .int(id), "name": .string(name), "kind": .string(kind)] }
}

/// A village or residents' committee.
public struct Village: Sendable, Equatable {
    public var id: Int
    public var townshipID: Int
    public var township: String
    public var name: String
    public var kind: String
    public var latitude: Double?
    public var longitude: Double?

    public var json: JSONValue {
        ["id": .int(id), "township_id": .int(townshipID), "township": .string(township), "name": .string(name), "kind": .string(kind),
         "latitude": latitude.map(JSONValue.double) ?? .null, "longitude": longitude.map(JSONValue.double) ?? .null]
    }
}

/// A household and the flags that give it priority (无劳力户, 独居老人, low income).
public struct Household: Sendable, Equatable {
    public var id: Int64
    public var villageID: Int
    public var groupID: Int?
    public var address: String
    public var flags: HouseholdFlags
    public var notes: String

    public var json: JSONValue {
        ["id": .int(Int(id)), "village": .int(villageID), "group": groupID.map(JSONValue.int) ?? .null, "address": .string(address),
         "no_labour": .bool(flags.noLabour), "elderly_alone": .bool(flags.elderlyAlone), "low_income": .bool(flags.lowIncome),
         "notes": .string(notes)]
    }
}

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

/// What changes in a household; nil fields stay as they are.
public struct HouseholdChanges: Sendable {
    public var address: String?
    public var noLabour: Bool?
    public var elderlyAlone: Bool?
    public var lowIncome: Bool?
    public var notes: String?
    public init(address: String? = nil, noLabour: Bool? = nil, elderlyAlone: Bool? = nil, lowIncome: Bool? = nil, notes: String? = nil) {
        self.address = address
        self.noLabour = noLabour
        self.elderlyAlone = elderlyAlone
        self.lowIncome = lowIncome
        self.notes = notes
    }
}

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
    /// Registered by the member themselves (by SMS): staff should check them.
    public var needsReview: Bool

    public init(villageID: Int, householdID: Int64? = nil, name: String, phone: String? = nil, language: Language = .zh, needsReview: Bool = false) {
        self.villageID = villageID
        self.householdID = householdID
        self.name = name
        self.phone = phone
        self.language = language
        self.needsReview = needsReview
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
