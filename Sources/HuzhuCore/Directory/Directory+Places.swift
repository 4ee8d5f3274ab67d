import HuzhuKit

extension Directory {
    /// Adds a township (or town) if missing and returns its id.
    public func addTownship(name: String, kind: String = "town", actor: Actor) async throws -> Int {
        let name = try Self.trimmed(name, field: "township name")
        guard kind == "town" || kind == "township" else {
            throw HuzhuError(.invalid, "a township's kind is town or township", zh: "乡镇类型应为 town（镇）或 township（乡）")
        }
        return try await store.write(as: actor) { tx in
            let rows = try await tx.query("INSERT INTO township (name, kind) VALUES (\(name), \(kind)) ON CONFLICT (name) DO NOTHING RETURNING id")
            if let id = try await rows.decode(Int.self).firstElement() {
                try await tx.audit("township.add", target: "township:\(id)", after: ["name": .string(name), "kind": .string(kind)])
                return id
            }
            return try await tx.query("SELECT id FROM township WHERE name = \(name)").decode(Int.self).firstElement()!
        }
    }

    /// Adds a village to a township.
    public func addVillage(townshipID: Int, name: String, kind: String = "village", latitude: Double?, longitude: Double?, actor: Actor) async throws -> Int {
        let name = try Self.trimmed(name, field: "village name")
        guard kind == "village" || kind == "community" else {
            throw HuzhuError(.invalid, "a village's kind is village or community (社区)", zh: "村的类型应为 village 或 community（社区）")
        }
        return try await store.write(as: actor, conflict: "a village named \(name) already exists in that township") { tx in
            let rows = try await tx.query(
                """
                INSERT INTO village (township_id, name, kind, latitude, longitude)
                VALUES (\(townshipID), \(name), \(kind), \(latitude), \(longitude)) RETURNING id
                """)
            let id = try await rows.decode(Int.self).firstElement()!
            try await tx.audit("village.add", target: "village:\(id)",
                               after: ["township": .int(townshipID), "name": .string(name), "kind": .string(kind)])
            return id
        }
    }

    /// Villages whose name, or whose township's name, starts with `text` (all when empty).
    public func findVillages(_ text: String, limit: Int = 200) async throws -> [Village] {
        let pattern = Self.likePrefix(text)
        return try await store.read { connection in
            try await connection.query(
                """
                SELECT v.id, v.township_id, t.name, v.name, v.kind, v.latitude, v.longitude
                FROM village v JOIN township t ON t.id = v.township_id
                WHERE v.name LIKE \(pattern) OR t.name LIKE \(pattern)
                ORDER BY t.name, v.name LIMIT \(limit)
                """, logger: Self.logger
            ).decode(VillageRow.self).all().map(Self.village(from:))
        }
    }

    /// One village.
    public func village(_ id: Int) async throws -> Village? {
        try await store.read { connection in
            try await connection.query(
                """
                SELECT v.id, v.township_id, t.name, v.name, v.kind, v.latitude, v.longitude
                FROM village v JOIN township t ON t.id = v.township_id WHERE v.id = \(id)
                """, logger: Self.logger
            ).decode(VillageRow.self).firstElement().map(Self.village(from:))
        }
    }

    /// Renames a village or moves its coordinates.
    public func editVillage(_ id: Int, name: String?, latitude: Double?, longitude: Double?, actor: Actor) async throws -> Village {
        let newName = try name.map { (text) throws(HuzhuError) in try Self.trimmed(text, field: "village name") }
        return try await store.write(as: actor, conflict: "another village in that township already has the name \(name ?? "")") { tx in
            guard let before = try await tx.query(
                """
                SELECT v.id, v.township_id, t.name, v.name, v.kind, v.latitude, v.longitude
                FROM village v JOIN township t ON t.id = v.township_id WHERE v.id = \(id) FOR UPDATE OF v
                """).decode(VillageRow.self).firstElement().map(Self.village(from:))
            else { throw HuzhuError(.notFound, "no village \(id): see VILLAGE FIND", zh: "没有编号为 \(id) 的村") }
            var after = before
            if let newName { after.name = newName }
            if let latitude { after.latitude = latitude }
            if let longitude { after.longitude = longitude }
            try await tx.execute("UPDATE village SET name = \(after.name), latitude = \(after.latitude), longitude = \(after.longitude) WHERE id = \(id)")
            try await tx.audit("village.edit", target: "village:\(id)", before: before.json, after: after.json)
            return after
        }
    }

    typealias VillageRow = (Int, Int, String, String, String, Double?, Double?)

    static func village(from row: VillageRow) -> Village {
        Village(id: row.0, townshipID: row.1, township: row.2, name: row.3, kind: row.4, latitude: row.5, longitude: row.6)
    }

    static let logger = Logger(label: "huzhu.directory")
}
