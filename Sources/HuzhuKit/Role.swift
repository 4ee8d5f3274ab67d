/// A staff role. Every console command and HTTP route declares which roles may use it; `admin` may use all.
public enum Role: String, Sendable, CaseIterable, Codable, Comparable {
    /// Everything, including accounts and configuration.
    case admin
    /// The centre's staff: all associations, all villages.
    case staff
    /// Industry association staff.
    case labour
    /// Cultural association staff.
    case culture
    /// Sales association staff.
    case market
    /// A village cadre: staff rights limited to the villages in the account's scope.
    case cadre
    /// SMS gateway scripts: SMS intake and the outbox only.
    case gateway
    /// Read-only access to reports and records.
    case readonly

    /// A rough order of power, used only to sort listings.
    private var rank: Int {
        switch self {
        case .admin: 0
        case .staff: 1
        case .labour, .culture, .market: 2
        case .cadre: 3
        case .gateway: 4
        case .readonly: 5
        }
    }

    public static func < (lhs: Role, rhs: Role) -> Bool {
        lhs.rank == rhs.rank ? lhs.rawValue < rhs.rawValue : lhs.rank < rhs.rank
    }

    /// Parses a role name, with an error that lists the valid ones.
    public static func parse(_ text: String) throws(HuzhuError) -> Role {
        guard let role = Role(rawValue: text.lowercased()) else {
            let names = Role.allCases.map(\.rawValue).joined(separator: ", ")
            throw HuzhuError(
                .invalid, "unknown role '\(text)': use one of \(names)",
                zh: "未知角色“\(text)”：可用角色为 \(names)")
        }
        return role
    }
}
