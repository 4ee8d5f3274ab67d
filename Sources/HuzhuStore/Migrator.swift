import Crypto
import Foundation
import HuzhuKit
import Logging
import PostgresNIO

/// A migration ready to apply: its module, number, name, SQL and checksum.
public struct Migration: Sendable, Equatable {
    /// `core` or a plugin id.
    public let module: String
    public let version: Int
    public let name: String
    public let sql: String
    /// SHA-256 of the SQL, hex.
    public let checksum: String

    public init(module: String, source: MigrationSource) {
        self.module = module
        self.version = source.version
        self.name = source.name
        self.sql = source.sql
        self.checksum = SHA256.hash(data: Data(source.sql.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// `core/0001_directory`
    public var label: String { "\(module)/\(String(format: "%04d", version))_\(name)" }
}

/// The state of one migration, as `huzhud migrate --status` shows it.
public struct MigrationStatus: Sendable, Equatable {
    public enum State: String, Sendable {
        case applied, pending
        /// Applied, but the file in this build differs from what was applied.
        case changed
        /// Recorded in the database but unknown to this build (written by a newer huzhud?).
        case unknown
    }
    public let module: String
    public let version: Int
    public let name: String
    public let state: State
    public let appliedAt: Date?
}

/// Applies migrations in order, each in its own transaction, recorded with a checksum, under an advisory
/// lock so that two daemons starting together do not migrate at once.
public struct Migrator: Sendable {
    /// The advisory lock key: "huzhu" in ASCII, so it is recognisable in `pg_locks`.
    static let lockKey: Int64 = 0x68_757A_6875
    private let client: PostgresClient
    private let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// Applies every pending migration of `migrations` (all modules) in module order, then version order.
    /// Refuses, before applying anything, when an applied migration was edited or numbers repeat.
    /// Returns the migrations it applied.
    @discardableResult
    public func migrate(_ migrations: [Migration], moduleOrder: [String]) async throws -> [Migration] {
        try Self.checkNumbering(migrations)
        return try await client.withConnection { connection in
            _ = try await connection.query("SELECT pg_advisory_lock(\(Self.lockKey))", logger: logger)
            do {
                let applied = try await self.prepareAndRead(connection)
                let pending = try Self.plan(migrations, applied: applied, moduleOrder: moduleOrder)
                for migration in pending {
                    try await self.apply(migration, on: connection)
                }
                _ = try await connection.query("SELECT pg_advisory_unlock(\(Self.lockKey))", logger: logger)
                return pending
            } catch {
                _ = try? await connection.query("ROLLBACK", logger: logger)
                _ = try? await connection.query("SELECT pg_advisory_unlock(\(Self.lockKey))", logger: logger)
                throw error
            }
        }
    }

    /// The state of every migration known to this build or recorded in the database.
    public func status(_ migrations: [Migration]) async throws -> [MigrationStatus] {
        // Read-only: a database never migrated has no table yet, and asking must not create it.
        let applied = try await client.withConnection { connection in
            let rows = try await connection.query("SELECT to_regclass('huzhu_migration') IS NOT NULL", logger: logger)
            var exists = false
            for try await value in rows.decode(Bool.self) { exists = value }
            return exists ? try await self.prepareAndRead(connection) : [:]
        }
        var result: [MigrationStatus] = []
        var seen = Set<String>()
        for migration in migrations.sorted(by: { ($0.module, $0.version) < ($1.module, $1.version) }) {
            let key = "\(migration.module)/\(migration.version)"
            seen.insert(key)
            if let record = applied[key] {
                result.append(.init(
                    module: migration.module, version: migration.version, name: migration.name,
                    state: record.checksum == migration.checksum ? .applied : .changed, appliedAt: record.appliedAt))
            } else {
                result.append(.init(module: migration.module, version: migration.version, name: migration.name, state: .pending, appliedAt: nil))
            }
        }
        for (key, record) in applied where !seen.contains(key) {
            result.append(.init(module: record.module, version: record.version, name: record.name, state: .unknown, appliedAt: record.appliedAt))
        }
        return result
    }

    // MARK: - Steps

    struct Record: Sendable {
        var module: String
        var version: Int
        var name: String
        var checksum: String
        var appliedAt: Date
    }

    private func prepareAndRead(_ connection: PostgresConnection) async throws -> [String: Record] {
        _ = try await connection.query(
            """
            CREATE TABLE IF NOT EXISTS huzhu_migration (
                module text NOT NULL, version integer NOT NULL, name text NOT NULL,
                checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (module, version))
            """, logger: logger)
        var records: [String: Record] = [:]
        let rows = try await connection.query(
            "SELECT module, version, name, checksum, applied_at FROM huzhu_migration", logger: logger)
        for try await (module, version, name, checksum, appliedAt) in rows.decode((String, Int, String, String, Date).self) {
            records["\(module)/\(version)"] = Record(module: module, version: version, name: name, checksum: checksum, appliedAt: appliedAt)
        }
        return records
    }

    static func checkNumbering(_ migrations: [Migration]) throws(HuzhuError) {
        var seen: [String: Migration] = [:]
        for migration in migrations {
            let key = "\(migration.module)/\(migration.version)"
            if let other = seen[key] {
                throw HuzhuError(
                    .invalid,
                    "migrations \(other.label) and \(migration.label) share the number \(migration.version): renumber the newer one")
            }
            seen[key] = migration
        }
    }

    static func plan(_ migrations: [Migration], applied: [String: Record], moduleOrder: [String]) throws(HuzhuError) -> [Migration] {
        for migration in migrations {
            if let record = applied["\(migration.module)/\(migration.version)"], record.checksum != migration.checksum {
                throw HuzhuError(
                    .conflict,
                    "migration \(migration.label) was changed after it was applied (database checksum \(record.checksum.prefix(12)), "
                        + "this build \(migration.checksum.prefix(12))). Applied migrations must not be edited: restore the file "
                        + "and put the change in a new numbered migration",
                    zh: "迁移 \(migration.label) 在执行后被修改过。已执行的迁移不能修改：请恢复原文件，把改动写进一个新编号的迁移。")
            }
        }
        let known = Set(migrations.map { "\($0.module)/\($0.version)" })
        let modules = Set(migrations.map(\.module))
        if let stranger = applied.values.filter({ modules.contains($0.module) && !known.contains("\($0.module)/\($0.version)") })
            .min(by: { ($0.module, $0.version) < ($1.module, $1.version) })
        {
            throw HuzhuError(
                .conflict,
                "the database has migration \(stranger.module)/\(stranger.version)_\(stranger.name), which this build does not "
                    + "know: it was probably written by a newer huzhud. Run that version, or restore a backup taken before it")
        }
        let rank = Dictionary(uniqueKeysWithValues: moduleOrder.enumerated().map { ($1, $0) })
        return migrations
            .filter { applied["\($0.module)/\($0.version)"] == nil }
            .sorted { (rank[$0.module] ?? Int.max, $0.module, $0.version) < (rank[$1.module] ?? Int.max, $1.module, $1.version) }
    }

    private func apply(_ migration: Migration, on connection: PostgresConnection) async throws {
        logger.info("applying migration \(migration.label)")
        _ = try await connection.query("BEGIN", logger: logger)
        for (index, statement) in SQLStatements.split(migration.sql).enumerated() {
            do {
                _ = try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
            } catch {
                throw HuzhuError(
                    .internal,
                    "migration \(migration.label) failed at statement \(index + 1) (\(statement.prefix(80))…): "
                        + PostgresErrorText.describe(error))
            }
        }
        _ = try await connection.query(
            """
            INSERT INTO huzhu_migration (module, version, name, checksum)
            VALUES (\(migration.module), \(migration.version), \(migration.name), \(migration.checksum))
            """, logger: logger)
        _ = try await connection.query("COMMIT", logger: logger)
    }
}

/// Turns PostgresNIO errors into text a person can act on.
public enum PostgresErrorText {
    /// The server's message when there is one (PSQLError's own description is redacted).
    public static func describe(_ error: any Error) -> String {
        if let psql = error as? PSQLError, let message = psql.serverInfo?[.message] {
            var text = message
            if let detail = psql.serverInfo?[.detail] { text += " (\(detail))" }
            return text
        }
        return String(reflecting: error)
    }

    /// The SQLSTATE code of a server error, e.g. `23505` for a unique violation.
    public static func sqlState(_ error: any Error) -> String? {
        (error as? PSQLError)?.serverInfo?[.sqlState]
    }
}
