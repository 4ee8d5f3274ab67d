import Foundation
import HuzhuKit

extension AsyncSequence {
    /// The first element, or nil: most of the plugin's queries return one row. Reads the answer to the end
    /// even so: with PostgresNIO, a statement sent after one whose rows were left unread can wait forever
    /// if the server goes away between them.
    func firstElement() async throws -> Element? {
        var first: Element?
        for try await element in self where first == nil { first = element }
        return first
    }

    /// Every element, for short result sets.
    func collect() async throws -> [Element] {
        var all: [Element] = []
        for try await element in self { all.append(element) }
        return all
    }
}

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
