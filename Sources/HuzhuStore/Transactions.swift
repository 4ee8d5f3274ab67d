import HuzhuKit
import Logging
import PostgresNIO

extension PostgresClient {
    /// Runs `body` in one transaction and reports failures as the hub's errors: a `HuzhuError` thrown by
    /// `body` comes out as it is (PostgresNIO wraps it), and constraint violations become `CONFLICT`,
    /// `NOT_FOUND` or `INVALID` with a message saying what clashed. Everything is rolled back either way.
    public func writeTransaction<T: Sendable>(
        logger: Logger, conflict: @autoclosure () -> String = "the change clashes with an existing record",
        _ body: (PostgresConnection) async throws -> T
    ) async throws -> T {
        do {
            return try await withTransaction(logger: logger) { try await body($0) }
        } catch let error as PostgresTransactionError {
            if let closureError = error.closureError {
                throw StoreErrors.translate(closureError, conflict: conflict())
            }
            throw StoreErrors.translate(error.commitError ?? error.beginError ?? error, conflict: conflict())
        } catch {
            throw StoreErrors.translate(error, conflict: conflict())
        }
    }
}

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
