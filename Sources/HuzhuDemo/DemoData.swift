/// The demo county as plain values, before it touches a database.
///
/// Rows refer to each other by their index in these arrays (a village's `township` is an index into
/// `townships`), because database ids are only known once the rows are inserted.
public struct DemoData: Sendable, Equatable {
    /// The 6 towns and 2 townships.
    public var townships: [DemoTownship]
    /// The villages and residents' committees, grouped by township in `townships` order.
    public var villages: [DemoVillage]
    /// Villager groups and responsibility areas, grouped by village in `villages` order.
    public var groups: [DemoGroup]
    /// Households, grouped by villager group in `groups` order.
    public var households: [DemoHousehold]
    /// Members, grouped by household in `households` order; the head of a household comes first.
    public var members: [DemoMember]

    /// The number of members that have a phone number.
    public var membersWithPhone: Int {
        members.reduce(0) { $0 + ($1.phone == nil ? 0 : 1) }
    }
}

/// A town (镇) or township (乡).
public struct DemoTownship: Sendable, Equatable, Hashable {
    /// The `township.kind` column's values.
    public enum Kind: String, Sendable, Hashable {
        case town
        case township
    }

    public var name: String
    public var kind: Kind
}

/// A village (村) or residents' committee (社区).
public struct DemoVillage: Sendable, Equatable, Hashable {
    /// The `village.kind` column's values.
    public enum Kind: String, Sendable, Hashable {
        case village
        case community
    }

    /// Index into `DemoData.townships`.
    public var township: Int
    public var name: String
    public var kind: Kind
    public var latitude: Double
    public var longitude: Double
}

/// A villager group (村民小组) or household-linked responsibility area (户联责任区).
public struct DemoGroup: Sendable, Equatable, Hashable {
    /// The `village_group.kind` column's values.
    public enum Kind: String, Sendable, Hashable {
        case group
        case area
    }

    /// Index into `DemoData.villages`.
    public var village: Int
    public var name: String
    public var kind: Kind
}

/// A household; every one belongs to a village and one of its groups.
public struct DemoHousehold: Sendable, Equatable, Hashable {
    /// Index into `DemoData.villages`.
    public var village: Int
    /// Index into `DemoData.groups`.
    public var group: Int
    /// Township, village, group and house number, e.g. `古夫镇咸水村一组12号`.
    public var address: String
    /// 无劳力户: nobody in the household can do field work.
    public var noLabour: Bool
    /// 独居老人: an old person living alone.
    public var elderlyAlone: Bool
    public var lowIncome: Bool
    public var notes: String
}

/// A person in a household. All demo members speak Chinese and have not opted out.
public struct DemoMember: Sendable, Equatable, Hashable {
    /// Index into `DemoData.households`.
    public var household: Int
    /// Index into `DemoData.villages` (the household's village).
    public var village: Int
    public var name: String
    /// A mobile number in E.164 form (`+86` and 11 digits), or nil for members without a phone.
    public var phone: String?
}
