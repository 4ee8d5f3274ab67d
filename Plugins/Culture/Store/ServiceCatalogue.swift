import Foundation
import HuzhuKit

/// A service of the wedding and funeral catalogue (红白喜事有偿服务).
struct CultureService: Sendable {
    var id: Int
    var code: String
    var name: String
    var unit: String
    var priceYuan: Int
    var occasions: [String]
    var inPackage: Bool
    var handsTask: String?
    var handsCrew: Int

    static let columns = "id, code, name, unit, price_yuan, occasions, in_package, hands_task, hands_crew"
    typealias Row = (Int, String, String, String, Int, [String], Bool, String?, Int)
    init(_ r: Row) { (id, code, name, unit, priceYuan, occasions, inPackage, handsTask, handsCrew) = r }
    init(id: Int, code: String, name: String, unit: String, priceYuan: Int, occasions: [String], inPackage: Bool, handsTask: String?, handsCrew: Int) {
        self.init((id, code, name, unit, priceYuan, occasions, inPackage, handsTask, handsCrew))
    }

    var json: JSONValue {
        ["id": .int(id), "code": .string(code), "name": .string(name), "unit": .string(unit), "price_yuan": .int(priceYuan),
         "occasions": .array(occasions.map(JSONValue.string)), "package": .bool(inPackage), "hands_task": .optional(handsTask),
         "hands_crew": .int(handsCrew)]
    }
}

/// The catalogue and the teams or stock (providers) behind each service.
struct ServiceCatalogue: Sendable {
    let store: any HubStoreHandle

    func add(_ service: CultureService, actor: Actor) async throws -> CultureService {
        try await store.write(as: actor, conflict: "a service with the code \(service.code) exists already") { tx in
            let rows = try await tx.query(
                """
                INSERT INTO culture_service (code, name, unit, price_yuan, occasions, in_package, hands_task, hands_crew)
                VALUES (\(service.code), \(service.name), \(service.unit), \(service.priceYuan), \(service.occasions)::text[],
                        \(service.inPackage), \(service.handsTask), \(service.handsCrew))
                RETURNING id
                """)
            var added = service
            guard let id = try await rows.decode(Int.self).firstElement() else { throw HuzhuError(.internal, "the service was not stored") }
            added.id = id
            try await tx.audit("culture.service.add", target: "culture_service:\(id)", after: added.json)
            return added
        }
    }

    func list() async throws -> [CultureService] {
        try await store.read { connection in
            try await connection.run("SELECT \(unescaped: CultureService.columns) FROM culture_service ORDER BY id")
                .decode(CultureService.Row.self).all().map(CultureService.init)
        }
    }

    func addProvider(service code: String, name: String, village: Int?, actor: Actor) async throws -> JSONValue {
        try await store.write(as: actor, conflict: "service \(code) already has a provider named \(name)") { tx in
            let rows = try await tx.query(
                """
                INSERT INTO culture_provider (service_id, name, village_id)
                SELECT id, \(name), \(village) FROM culture_service WHERE code = \(code) RETURNING id
                """)
            guard let id = try await rows.decode(Int.self).firstElement() else {
                throw HuzhuError(.notFound, "no service \(code): see CULTURE SERVICE LIST", zh: "没有代码为\(code)的服务项目")
            }
            let provider: JSONValue = ["id": .int(id), "service": .string(code), "name": .string(name), "village": village.map(JSONValue.int) ?? .null]
            try await tx.audit("culture.provider.add", target: "culture_provider:\(id)", after: provider)
            return provider
        }
    }

    func providers(service code: String?) async throws -> [JSONValue] {
        try await store.read { connection in
            try await connection.run(
                """
                SELECT p.id, s.code, p.name, p.village_id, p.active FROM culture_provider p JOIN culture_service s ON s.id = p.service_id
                WHERE \(code)::text IS NULL OR s.code = \(code) ORDER BY s.id, p.id LIMIT 500
                """
            ).decode((Int, String, String, Int?, Bool).self).all().map {
                ["id": .int($0.0), "service": .string($0.1), "name": .string($0.2), "village": $0.3.map(JSONValue.int) ?? .null, "active": .bool($0.4)]
            }
        }
    }
}
