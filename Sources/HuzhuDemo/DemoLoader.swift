import Foundation
import HuzhuKit
import HuzhuStore
import Logging
import PostgresNIO

/// What `DemoCounty.load(into:logger:)` wrote, and how long it took.
public struct DemoSummary: Sendable, Equatable {
    public var townships, villages, groups, households, members, membersWithPhone: Int
    /// Wall-clock time of generating and loading together.
    public var seconds: Double

    public init(
        townships: Int, villages: Int, groups: Int, households: Int, members: Int, membersWithPhone: Int,
        seconds: Double
    ) {
        self.townships = townships
        self.villages = villages
        self.groups = groups
        self.households = households
        self.members = members
        self.membersWithPhone = membersWithPhone
        self.seconds = seconds
    }
}

extension DemoCounty {
    /// Loads the county in one transaction; throws HuzhuError(.conflict, ...) with a clear English+Chinese message
    /// if any village already exists.
    ///
    /// Townships that already exist under the same name are reused. Households and members are streamed
    /// with COPY and marked `is_demo`, so no gateway ever sends them an SMS.
    public static func load(into client: PostgresClient, logger: Logger) async throws -> DemoSummary {
        let start = ContinuousClock.now
        let data = generate()
        try await client.writeTransaction(logger: logger) { connection in
            try await DemoLoad(connection: connection, logger: logger, data: data).run()
        }
        let elapsed = start.duration(to: .now)
        let summary = DemoSummary(
            townships: data.townships.count, villages: data.villages.count, groups: data.groups.count,
            households: data.households.count, members: data.members.count,
            membersWithPhone: data.membersWithPhone,
            seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
        logger.info(
            "demo county loaded",
            metadata: [
                "villages": "\(summary.villages)", "groups": "\(summary.groups)",
                "households": "\(summary.households)", "members": "\(summary.members)",
                "seconds": "\(String(format: "%.2f", summary.seconds))",
            ])
        return summary
    }
}

/// One load, inside its transaction.
private struct DemoLoad {
    let connection: PostgresConnection
    let logger: Logger
    let data: DemoData

    /// Rows that are unique by parent and name, which is how returned ids are matched to generated rows:
    /// RETURNING does not promise the order of the input.
    private struct Key: Hashable {
        let parent: Int32
        let name: String
    }

    func run() async throws {
        try await refuseUnlessEmpty()
        let townshipIDs = try await insertTownships()
        let villageIDs = try await insertVillages(townshipIDs: townshipIDs)
        let groupIDs = try await insertGroups(villageIDs: villageIDs)
        let rows = DemoCopyRows(data: data, villageIDs: villageIDs, groupIDs: groupIDs)
        try await copy("household", columns: DemoCopyRows.householdColumns, count: data.households.count, rows.household)
        try await copy("member", columns: DemoCopyRows.memberColumns, count: data.members.count, rows.member)
        // The rows carry explicit ids, so the identity sequences must be moved past them by hand.
        try await connection.query(
            "SELECT setval(pg_get_serial_sequence('household', 'id'), \(Int64(data.households.count)))",
            logger: logger)
        try await connection.query(
            "SELECT setval(pg_get_serial_sequence('member', 'id'), \(Int64(data.members.count)))", logger: logger)
        try await audit()
    }

    private func refuseUnlessEmpty() async throws {
        // Two loads started together would both find the directory empty; the second now waits, then refuses.
        try await connection.query("LOCK TABLE village IN SHARE ROW EXCLUSIVE MODE", logger: logger)
        let rows = try await connection.query(
            """
            SELECT (SELECT count(*) FROM village), (SELECT count(*) FROM household), (SELECT count(*) FROM member)
            """, logger: logger)
        var counts = (villages: Int64(0), households: Int64(0), members: Int64(0))
        for try await row in rows.decode((Int64, Int64, Int64).self) {
            counts = row
        }
        guard counts == (0, 0, 0) else {
            throw HuzhuError(
                .conflict,
                "The demo county can only be loaded into an empty directory, but it already holds "
                    + "\(counts.villages) villages, \(counts.households) households and \(counts.members) members. "
                    + "Load the demo into a new database.",
                zh: "演示县只能载入空的名录，但名录中已有 \(counts.villages) 个村（社区）、\(counts.households) 户、"
                    + "\(counts.members) 名成员。请在新的数据库中载入演示数据。")
        }
    }

    private func insertTownships() async throws -> [Int32] {
        let names = data.townships.map(\.name)
        let kinds = data.townships.map(\.kind.rawValue)
        try await connection.query(
            """
            INSERT INTO township (name, kind) SELECT * FROM unnest(\(names)::text[], \(kinds)::text[])
            ON CONFLICT (name) DO NOTHING
            """, logger: logger)
        let rows = try await connection.query(
            "SELECT id, name FROM township WHERE name = ANY(\(names)::text[])", logger: logger)
        var ids: [String: Int32] = [:]
        for try await (id, name) in rows.decode((Int32, String).self) {
            ids[name] = id
        }
        return try names.map { name in
            guard let id = ids[name] else { throw missing("township", name) }
            return id
        }
    }

    private func insertVillages(townshipIDs: [Int32]) async throws -> [Int32] {
        let parents = data.villages.map { townshipIDs[$0.township] }
        let names = data.villages.map(\.name)
        let kinds = data.villages.map(\.kind.rawValue)
        let latitudes = data.villages.map(\.latitude)
        let longitudes = data.villages.map(\.longitude)
        let rows = try await connection.query(
            """
            INSERT INTO village (township_id, name, kind, latitude, longitude)
            SELECT * FROM unnest(\(parents)::integer[], \(names)::text[], \(kinds)::text[],
                                 \(latitudes)::float8[], \(longitudes)::float8[])
            RETURNING id, township_id, name
            """, logger: logger)
        return try await matchIDs(rows, parents: parents, names: names, table: "village")
    }

    private func insertGroups(villageIDs: [Int32]) async throws -> [Int32] {
        let parents = data.groups.map { villageIDs[$0.village] }
        let names = data.groups.map(\.name)
        let kinds = data.groups.map(\.kind.rawValue)
        let rows = try await connection.query(
            """
            INSERT INTO village_group (village_id, name, kind)
            SELECT * FROM unnest(\(parents)::integer[], \(names)::text[], \(kinds)::text[])
            RETURNING id, village_id, name
            """, logger: logger)
        return try await matchIDs(rows, parents: parents, names: names, table: "village_group")
    }

    private func matchIDs(
        _ rows: PostgresRowSequence, parents: [Int32], names: [String], table: String
    ) async throws -> [Int32] {
        var ids: [Key: Int32] = [:]
        for try await (id, parent, name) in rows.decode((Int32, Int32, String).self) {
            ids[Key(parent: parent, name: name)] = id
        }
        return try zip(parents, names).map { parent, name in
            guard let id = ids[Key(parent: parent, name: name)] else { throw missing(table, name) }
            return id
        }
    }

    /// Streams `count` rows in chunks, so the whole table never sits in memory as COPY text.
    private func copy(
        _ table: String, columns: [String], count: Int, _ encode: (Int, inout CopyTextBuffer) -> Void
    ) async throws {
        try await connection.copyFrom(table: table, columns: columns, format: .text(.init()), logger: logger) {
            writer in
            var buffer = CopyTextBuffer()
            for index in 0..<count {
                encode(index, &buffer)
                if buffer.isFull { try await writer.write(buffer.take()) }
            }
            if !buffer.isEmpty { try await writer.write(buffer.take()) }
        }
    }

    private func audit() async throws {
        let counts = AuditCounts(
            townships: data.townships.count, villages: data.villages.count, groups: data.groups.count,
            households: data.households.count, members: data.members.count,
            membersWithPhone: data.membersWithPhone)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json = String(decoding: try encoder.encode(counts), as: UTF8.self)
        try await connection.query(
            """
            INSERT INTO audit_log (actor, action, target, after)
            VALUES (\("system"), \("demo.load"), \("county"), \(json)::jsonb)
            """, logger: logger)
    }

    private func missing(_ table: String, _ name: String) -> HuzhuError {
        HuzhuError(
            .internal, "The demo load inserted \(table) '\(name)' but did not get its id back.",
            zh: "载入演示数据时已插入 \(table)「\(name)」，但未取回其编号。")
    }
}

/// The audit row's `after`: what the load added.
private struct AuditCounts: Encodable {
    let townships, villages, groups, households, members, membersWithPhone: Int

    enum CodingKeys: String, CodingKey {
        case townships, villages, groups, households, members
        case membersWithPhone = "members_with_phone"
    }
}
