import Logging
import PostgresNIO
import Synchronization

/// Names a statement that runs so often that PostgreSQL should parse and plan it once per connection
/// rather than every time: declare a caseless enum per statement and pass it to `prepared(_:_:logger:)`.
///
/// Unprepared statements cost the server as much to parse and plan as to run; under SMS load that was half
/// of PostgreSQL's CPU (docs/benchmarks.md, "SMS intake").
public protocol PreparedStatementName {}

extension PostgresConnection {
    /// Runs `query` as the named prepared statement `name`, preparing it on this connection the first time.
    ///
    /// The statement's text must be the same at every call (interpolate values, never SQL); a call whose
    /// text differs from the first one's runs unprepared, so a mistake costs speed, not correctness.
    ///
    /// PostgreSQL fixes the parameters' types when it prepares, from the first call's values: a value that
    /// may be nil must not get its type from a cast alone. Write `\(json)::text::jsonb`, not `::jsonb`:
    /// after a first nil, `$1::jsonb` is a jsonb parameter, and text sent to it later is refused.
    public func prepared<Name: PreparedStatementName>(
        _ name: Name.Type, _ query: PostgresQuery, logger: Logger
    ) async throws -> AsyncThrowingMapSequence<PostgresRowSequence, PostgresRow> {
        guard PreparedTexts.register(Name.self, query.sql) else {
            return try await self.query(query, logger: logger).map { $0 }
        }
        return try await execute(NamedStatement<Name>(bindings: query.binds), logger: logger)
    }
}

/// The statement PostgresNIO prepares: its name and text are static, so one generic type per name.
struct NamedStatement<Name: PreparedStatementName>: PostgresPreparedStatement {
    typealias Row = PostgresRow
    /// Short: PostgreSQL cuts names at 63 bytes, and Swift's names of local types are longer than that.
    static var name: String { "huzhu_\(PreparedTexts.entry(of: Name.self).number)" }
    static var sql: String { PreparedTexts.entry(of: Name.self).sql }
    let bindings: PostgresBindings

    func makeBindings() -> PostgresBindings { bindings }
    func decodeRow(_ row: PostgresRow) -> PostgresRow { row }
}

/// Each name's statement text, as first seen, and its number in order of first use.
enum PreparedTexts {
    private static let entries = Mutex<[ObjectIdentifier: (number: Int, sql: String)]>([:])

    /// True when `sql` is the text `name` stands for (recording it the first time).
    static func register<Name: PreparedStatementName>(_ name: Name.Type, _ sql: String) -> Bool {
        entries.withLock { entries in
            if let known = entries[ObjectIdentifier(name)] { return known.sql == sql }
            entries[ObjectIdentifier(name)] = (entries.count + 1, sql)
            return true
        }
    }

    static func entry<Name: PreparedStatementName>(of name: Name.Type) -> (number: Int, sql: String) {
        entries.withLock { $0[ObjectIdentifier(name)] ?? (0, "") }
    }
}
