import Foundation
import HuzhuTesting
import PostgresNIO

/// Records, for one test database only, every row written and every audit row, each with the id of the
/// transaction that wrote it, so a test can tell which transactions changed data without an audit row.
///
/// `install` adds a schema `audit_probe` with two tables and row triggers on every table of every other
/// schema: `audit_probe.write` gets (txid, table, operation) for each row inserted, updated or deleted (and
/// each TRUNCATE), `audit_probe.audit` gets (txid, actor, on_behalf_of, action, target) for each audit row.
/// An UPDATE or DELETE of `audit_log` itself is recorded as a write (the log is append-only), never exempt.
/// Run it after the daemon has started, so the plugins' tables exist.
struct WriteRecorder: Sendable {
    let client: PostgresClient

    struct Write: Sendable, Hashable {
        var id: Int64
        var txid: Int64
        var table: String
        var operation: String
    }

    struct AuditRow: Sendable {
        var txid: Int64
        var actor: String
        var onBehalfOf: Int64?
        var action: String
    }

    /// Where the next sample's rows start.
    struct Mark: Sendable {
        var write: Int64
    }

    /// Installs the triggers; returns the tables instrumented.
    func install() async throws -> [String] {
        for sql in [
            "CREATE SCHEMA audit_probe",
            """
            CREATE TABLE audit_probe.write (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, txid bigint NOT NULL,
                                            relation text NOT NULL, operation text NOT NULL)
            """,
            """
            CREATE TABLE audit_probe.audit (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, txid bigint NOT NULL,
                                            actor text NOT NULL, on_behalf_of bigint, action text NOT NULL)
            """,
            """
            CREATE FUNCTION audit_probe.note_write() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                INSERT INTO audit_probe.write (txid, relation, operation) VALUES (txid_current(), TG_TABLE_NAME, TG_OP);
                RETURN NULL;
            END $$
            """,
            """
            CREATE FUNCTION audit_probe.note_audit() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                INSERT INTO audit_probe.audit (txid, actor, on_behalf_of, action) VALUES (txid_current(), NEW.actor, NEW.on_behalf_of, NEW.action);
                RETURN NULL;
            END $$
            """,
            """
            DO $$
            DECLARE t record;
            BEGIN
                FOR t IN SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                         WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
                           AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'audit_probe') AND n.nspname NOT LIKE 'pg_toast%'
                LOOP
                    IF t.relname = 'audit_log' THEN
                        EXECUTE format('CREATE TRIGGER audit_probe_audit AFTER INSERT ON %I.%I FOR EACH ROW EXECUTE FUNCTION audit_probe.note_audit()', t.nspname, t.relname);
                        EXECUTE format('CREATE TRIGGER audit_probe_write AFTER UPDATE OR DELETE ON %I.%I FOR EACH ROW EXECUTE FUNCTION audit_probe.note_write()', t.nspname, t.relname);
                    ELSE
                        EXECUTE format('CREATE TRIGGER audit_probe_write AFTER INSERT OR UPDATE OR DELETE ON %I.%I FOR EACH ROW EXECUTE FUNCTION audit_probe.note_write()', t.nspname, t.relname);
                    END IF;
                    EXECUTE format('CREATE TRIGGER audit_probe_truncate AFTER TRUNCATE ON %I.%I FOR EACH STATEMENT EXECUTE FUNCTION audit_probe.note_write()', t.nspname, t.relname);
                END LOOP;
            END $$
            """,
        ] {
            try await execute(sql)
        }
        return try await strings(
            "SELECT DISTINCT c.relname FROM pg_trigger g JOIN pg_class c ON c.oid = g.tgrelid WHERE g.tgname LIKE 'audit_probe_%' ORDER BY 1")
    }

    func mark() async throws -> Mark {
        Mark(write: try await scalar("SELECT coalesce(max(id), 0) FROM audit_probe.write"))
    }

    /// Rows written since `mark`, in order.
    func writes(since mark: Mark) async throws -> [Write] {
        try await writes(where: "id > \(mark.write)")
    }

    /// Every row written since the triggers were installed.
    func allWrites() async throws -> [Write] {
        try await writes(where: "true")
    }

    /// The audit rows written by these transactions.
    func audits(of txids: Set<Int64>) async throws -> [AuditRow] {
        guard !txids.isEmpty else { return [] }
        var rows: [AuditRow] = []
        let ids = Array(txids)
        let query: PostgresQuery = "SELECT txid, actor, on_behalf_of, action FROM audit_probe.audit WHERE txid = ANY(\(ids)) ORDER BY id"
        for try await (txid, actor, member, action) in try await client.query(query, logger: TestLog.logger).decode((Int64, String, Int64?, String).self) {
            rows.append(AuditRow(txid: txid, actor: actor, onBehalfOf: member, action: action))
        }
        return rows
    }

    // MARK: - Plumbing

    private func writes(where condition: String) async throws -> [Write] {
        var rows: [Write] = []
        let sql = "SELECT id, txid, relation, operation FROM audit_probe.write WHERE \(condition) ORDER BY id"
        for try await (id, txid, table, operation) in try await client.query(PostgresQuery(unsafeSQL: sql), logger: TestLog.logger)
            .decode((Int64, Int64, String, String).self) {
            rows.append(Write(id: id, txid: txid, table: table, operation: operation))
        }
        return rows
    }

    private func execute(_ sql: String) async throws {
        for try await _ in try await client.query(PostgresQuery(unsafeSQL: sql), logger: TestLog.logger) {}
    }

    private func scalar(_ sql: String) async throws -> Int64 {
        for try await value in try await client.query(PostgresQuery(unsafeSQL: sql), logger: TestLog.logger).decode(Int64.self) { return value }
        return 0
    }

    private func strings(_ sql: String) async throws -> [String] {
        var all: [String] = []
        for try await text in try await client.query(PostgresQuery(unsafeSQL: sql), logger: TestLog.logger).decode(String.self) { all.append(text) }
        return all
    }
}
