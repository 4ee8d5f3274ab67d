import Foundation
import HuzhuKit

extension PostgresConnection {
    /// A query with the plugin's logger (PostgresNIO wants one on every call).
    func run(_ query: PostgresQuery) async throws -> PostgresRowSequence {
        try await self.query(query, logger: CultureLog.logger)
    }
}

enum CultureLog {
    static let logger = Logger(label: "huzhu.culture")
}

extension PSQLError {
    /// The SQLSTATE of a server error (`23P01` for an exclusion violation).
    var sqlState: String? { serverInfo?[.sqlState] }
}
