import HuzhuKit
import Logging
import PostgresNIO

extension PostgresClient {
    /// Runs `body` in one transaction and reports failures as the hub's errors: a `HuzhuError` thrown by
    /// `body` comes out as it is, and constraint violations become `CONFLICT`,
    /// `NOT_FOUND` or `INVALID` with a message saying what clashed. Everything is rolled back either way.
    ///
    /// Not PostgresNIO's `withTransaction`: after a failure it always sends ROLLBACK, and a ROLLBACK sent on
    /// a connection the server is closing can wait forever (`OutageTests` shows it: about one transaction
    /// in eight hangs when PostgreSQL stops under them). When the failure is the connection itself, the
    /// server has already rolled the transaction back, so nothing is sent.
    ///
    /// The same hazard remains for any statement sent after one whose rows were never read (a discarded
    /// `query` result): PostgresNIO may then wait forever if the server goes away between the two. Use
    /// `WriteTransaction.execute` for statements whose rows you do not need.
    public func writeTransaction<T: Sendable>(
        logger: Logger, conflict: @autoclosure () -> String = "the change clashes with an existing record",
        _ body: (PostgresConnection) async throws -> T
    ) async throws -> T {
        let message = conflict()
        do {
            return try await withConnection { connection in
                // BEGIN and COMMIT prepared (every write runs both): only Bind and Execute go to the server.
                for try await _ in try await connection.prepared(Begin.self, "BEGIN", logger: logger) {}  // read to the end: see above
                let value: T
                do {
                    value = try await body(connection)
                } catch {
                    if !connection.isClosed, !StoreErrors.isConnectionLost(error) {
                        do { for try await _ in try await connection.query("ROLLBACK", logger: logger) {} } catch {}
                    }
                    throw error
                }
                for try await _ in try await connection.prepared(Commit.self, "COMMIT", logger: logger) {}
                return value
            }
        } catch {
            throw StoreErrors.translate(error, conflict: message)
        }
    }
}

private enum Begin: PreparedStatementName {}
private enum Commit: PreparedStatementName {}

/// Maps PostgreSQL errors to the console's error codes.
public enum StoreErrors {
    public static func translate(_ error: any Error, conflict: String) -> any Error {
        if error is HuzhuError { return error }
        if let psql = error as? PSQLError, isUnavailable(psql) {
            return HuzhuError(.unavailable, "the database is not reachable right now: try again shortly",
                              zh: "数据库暂时无法连接，请稍后再试")
        }
        switch PostgresErrorText.sqlState(error) {
        case "23505", "23P01": return HuzhuError(.conflict, conflict)
        case "23503": return HuzhuError(.notFound, "a record it refers to does not exist: \(PostgresErrorText.describe(error))")
        case "23514", "23502", "22001", "22P02", "22003": return HuzhuError(.invalid, "the value was refused: \(PostgresErrorText.describe(error))")
        case "40001", "40P01": return HuzhuError(.conflict, "a concurrent change got in the way: try again")
        default: return error
        }
    }

    /// The connection broke (rather than a statement being refused).
    /// Includes the server's own goodbye: SQLSTATE class 57 (`57P01` admin shutdown, `57P02` crash) and
    /// class 08 (connection exceptions), after which the server closes the connection.
    public static func isConnectionLost(_ error: any Error) -> Bool {
        guard let psql = error as? PSQLError else { return false }
        switch psql.code {
        case .connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown: return true
        default:
            let state = PostgresErrorText.sqlState(error) ?? ""
            return state.hasPrefix("57") || state.hasPrefix("08")
        }
    }

    /// Connection trouble rather than a refused statement: the caller should retry later.
    static func isUnavailable(_ error: PSQLError) -> Bool {
        switch error.code {
        case .connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown, .poolClosed,
             .sslUnsupported, .failedToAddSSLHandler:
            return true
        case .server:
            // 08: connection exceptions; 57P0x: shutdown or crash; 53300: too many connections;
            // 55000 at connect: the database does not allow connections (maintenance).
            guard let state = error.serverInfo?[.sqlState] else { return false }
            return state.hasPrefix("08") || state.hasPrefix("57P") || state == "53300"
                || (state == "55000" && (error.serverInfo?[.message] ?? "").contains("not currently accepting connections"))
        default:
            return false
        }
    }
}
