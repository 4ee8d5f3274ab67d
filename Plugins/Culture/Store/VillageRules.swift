import Foundation
import HuzhuKit

/// A village rule (村规民约) as data: a limit on tables or days, or a service not allowed.
struct VillageRule: Sendable {
    var id: Int
    var villageID: Int?
    var occasion: String
    var kind: String
    var limit: Int?
    var service: String?
    var text: String
    var active: Bool

    static let columns = "id, village_id, occasion, kind, limit_value, service, text, active"
    typealias Row = (Int, Int?, String, String, Int?, String?, String, Bool)
    init(_ r: Row) { (id, villageID, occasion, kind, limit, service, text, active) = r }
    init(id: Int, villageID: Int?, occasion: String, kind: String, limit: Int?, service: String?, text: String, active: Bool) {
        (self.id, self.villageID, self.occasion, self.kind, self.limit, self.service, self.text, self.active) = (id, villageID, occasion, kind, limit, service, text, active)
    }

    var json: JSONValue {
        ["id": .int(id), "village": villageID.map(JSONValue.int) ?? .null, "occasion": .string(occasion), "kind": .string(kind),
         "limit": limit.map(JSONValue.int) ?? .null, "service": .optional(service), "text": .string(text), "active": .bool(active)]
    }

    /// Whether a booking breaks this rule.
    func isBroken(occasion: String, tables: Int?, days: Int, services: [String]) -> Bool {
        guard active, self.occasion == "any" || self.occasion == occasion else { return false }
        switch kind {
        case "max_tables": return (tables ?? 0) > (limit ?? .max)
        case "max_days": return days > (limit ?? .max)
        case "forbidden": return services.contains(service ?? "")
        default: return false
        }
    }
}

/// The rules, editable on the console; bookings are checked against them.
struct VillageRules: Sendable {
    let store: any HubStoreHandle

    func add(_ rule: VillageRule, actor: Actor) async throws -> VillageRule {
        try await store.write(as: actor) { tx in
            let rows = try await tx.query(
                """
                INSERT INTO culture_rule (village_id, occasion, kind, limit_value, service, text)
                VALUES (\(rule.villageID), \(rule.occasion), \(rule.kind), \(rule.limit), \(rule.service), \(rule.text)) RETURNING id
                """)
            var added = rule
            guard let id = try await rows.decode(Int.self).firstElement() else { throw HuzhuError(.internal, "the rule was not stored") }
            added.id = id
            try await tx.audit("culture.rule.add", target: "culture_rule:\(id)", after: added.json)
            return added
        }
    }

    func edit(id: Int, text: String?, limit: Int?, active: Bool?, actor: Actor, scope: [Int]) async throws -> VillageRule {
        try await store.write(as: actor) { tx in
            let before = try await tx.query("SELECT \(unescaped: VillageRule.columns) FROM culture_rule WHERE id = \(id) FOR UPDATE")
                .decode(VillageRule.Row.self).firstElement().map(VillageRule.init)
            guard let before, scope.isEmpty || before.villageID.map(scope.contains) == true else {
                throw HuzhuError(.notFound, "no rule \(id) you may edit: see CULTURE RULE LIST", zh: "没有可修改的村规\(id)")
            }
            if limit != nil, before.kind == "forbidden" {
                throw HuzhuError(.invalid, "rule \(id) forbids a service: it has no limit to change", zh: "村规\(id)是禁止项，没有数量限制")
            }
            let rows = try await tx.query(
                """
                UPDATE culture_rule SET text = COALESCE(\(text), text), limit_value = COALESCE(\(limit)::int, limit_value),
                       active = COALESCE(\(active), active)
                WHERE id = \(id) RETURNING \(unescaped: VillageRule.columns)
                """)
            guard let after = try await rows.decode(VillageRule.Row.self).firstElement().map(VillageRule.init) else {
                throw HuzhuError(.internal, "the rule was not changed")
            }
            try await tx.audit("culture.rule.edit", target: "culture_rule:\(id)", before: before.json, after: after.json)
            return after
        }
    }

    func list(village: Int?, scope: [Int]) async throws -> [VillageRule] {
        try await store.read { connection in
            try await connection.run(
                """
                SELECT \(unescaped: VillageRule.columns) FROM culture_rule
                WHERE (\(village)::int IS NULL OR village_id = \(village) OR village_id IS NULL)
                  AND (cardinality(\(scope)::int[]) = 0 OR village_id IS NULL OR village_id = ANY(\(scope)::int[]))
                ORDER BY village_id NULLS FIRST, id LIMIT 500
                """
            ).decode(VillageRule.Row.self).all().map(VillageRule.init)
        }
    }

    /// The active rules of a village (and the county-wide ones) that a booking would break.
    static func broken(_ connection: PostgresConnection, village: Int, occasion: String, tables: Int?, days: Int, services: [String]) async throws -> [VillageRule] {
        try await connection.run(
            "SELECT \(unescaped: VillageRule.columns) FROM culture_rule WHERE active AND (village_id IS NULL OR village_id = \(village)) ORDER BY id"
        ).decode(VillageRule.Row.self).all().map(VillageRule.init)
            .filter { $0.isBroken(occasion: occasion, tables: tables, days: days, services: services) }
    }
}
