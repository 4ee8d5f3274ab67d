import HuzhuKit

/// A technical contract (技术承包): a household entrusts a worker or a team with a crop for a season.
struct LabourContract: Sendable {
    var id: Int64
    var household: Int64
    var village: Int
    var worker: Int64?
    var team: Int64?
    var scope: String
    var areaMu: Double?
    var fee: Double
    var milestones: String
    var seasonFrom: String
    var seasonTo: String
    var status: String

    static let columns = "id, household_id, village_id, worker_id, team_id, scope, area_mu, fee, milestones, season_from::text, season_to::text, status"
    typealias Row = (Int64, Int64, Int, Int64?, Int64?, String, Double?, Double, String, String, String, String)

    init(_ row: Row) {
        (id, household, village, worker, team, scope, areaMu, fee, milestones, seasonFrom, seasonTo, status) = row
    }

    var json: JSONValue {
        ["id": .int(Int(id)), "household": .int(Int(household)), "village": .int(village), "worker": worker.map { .int(Int($0)) } ?? .null,
         "team": team.map { .int(Int($0)) } ?? .null, "scope": .string(scope), "area_mu": areaMu.map(JSONValue.double) ?? .null,
         "fee": .double(fee), "milestones": .string(milestones), "from": .string(seasonFrom), "to": .string(seasonTo), "status": .string(status)]
    }
}

struct LabourContractFields: Sendable {
    var household: Int64?
    var worker: Int64?
    var team: Int64?
    var scope: String?
    var areaMu: Double?
    var fee: Double?
    var milestones: String?
    var from: String?
    var to: String?
    var status: String?
}

extension LabourStore {
    func addContract(_ f: LabourContractFields, scope villages: [Int], actor: Actor) async throws -> LabourContract {
        try await store.write(as: actor) { tx in
            let rows = try await tx.query(
                """
                INSERT INTO labour_contract (household_id, village_id, worker_id, team_id, scope, area_mu, fee, milestones, season_from, season_to, status)
                SELECT h.id, h.village_id, \(f.worker), \(f.team), \(f.scope ?? ""), \(f.areaMu), \(f.fee ?? 0), \(f.milestones ?? ""),
                       \(f.from)::date, \(f.to)::date, coalesce(\(f.status), 'active')
                FROM household h WHERE h.id = \(f.household) AND (cardinality(\(villages)::int[]) = 0 OR h.village_id = ANY(\(villages)::int[]))
                RETURNING \(unescaped: LabourContract.columns)
                """)
            guard let row = try await rows.decode(LabourContract.Row.self).firstElement() else {
                throw HuzhuError(.notFound, "no household \(f.household ?? 0) in your villages", zh: "您管辖的村里没有农户 \(f.household ?? 0)")
            }
            let contract = LabourContract(row)
            try await tx.audit("labour.contract.add", target: "labour_contract:\(contract.id)", after: contract.json)
            return contract
        }
    }

    func editContract(_ id: Int64, _ f: LabourContractFields, scope: [Int], actor: Actor) async throws -> LabourContract {
        try await store.write(as: actor) { tx in
            guard let before = try await Self.contract(tx.connection, id, scope: scope, logger: tx.logger) else {
                throw HuzhuError(.notFound, "no contract \(id) in your villages", zh: "您管辖的村里没有承包合同 \(id)")
            }
            let rows = try await tx.query(
                """
                UPDATE labour_contract SET scope = coalesce(\(f.scope), scope), area_mu = coalesce(\(f.areaMu), area_mu), fee = coalesce(\(f.fee), fee),
                    milestones = coalesce(\(f.milestones), milestones), season_from = coalesce(\(f.from)::date, season_from),
                    season_to = coalesce(\(f.to)::date, season_to), status = coalesce(\(f.status), status)
                WHERE id = \(id) RETURNING \(unescaped: LabourContract.columns)
                """)
            let after = LabourContract(try await rows.decode(LabourContract.Row.self).firstElement()!)
            try await tx.audit(f.status == "cancelled" ? "labour.contract.cancel" : "labour.contract.edit", target: "labour_contract:\(id)",
                               before: before.json, after: after.json)
            return after
        }
    }

    func contract(_ id: Int64, scope: [Int]) async throws -> LabourContract? {
        try await read { try await Self.contract($0, id, scope: scope, logger: logger) }
    }

    func findContracts(household: Int64?, worker: Int64?, status: String?, scope: [Int], limit: Int) async throws -> [LabourContract] {
        try await read { connection in
            try await connection.query(
                """
                SELECT \(unescaped: LabourContract.columns) FROM labour_contract
                WHERE (\(household)::bigint IS NULL OR household_id = \(household)) AND (\(worker)::bigint IS NULL OR worker_id = \(worker))
                  AND (\(status)::text IS NULL OR status = \(status)) AND (cardinality(\(scope)::int[]) = 0 OR village_id = ANY(\(scope)::int[]))
                ORDER BY id DESC LIMIT \(limit)
                """, logger: logger).decode(LabourContract.Row.self).all().map(LabourContract.init)
        }
    }

    static func contract(_ connection: PostgresConnection, _ id: Int64, scope: [Int], logger: Logger) async throws -> LabourContract? {
        try await connection.query(
            """
            SELECT \(unescaped: LabourContract.columns) FROM labour_contract
            WHERE id = \(id) AND (cardinality(\(scope)::int[]) = 0 OR village_id = ANY(\(scope)::int[]))
            """, logger: logger).decode(LabourContract.Row.self).firstElement().map(LabourContract.init)
    }
}
