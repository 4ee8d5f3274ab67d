import HuzhuKit
import Synchronization

/// Task codes and their names, in memory for the SMS path (every 找人 checks its task and names it twice).
///
/// Tasks are only ever added (`LABOUR TASK ADD`; there is no edit and no removal), so an entry once read
/// stays right, and a code that is not known yet is read again from the store before it is called
/// unknown: a task staff add, from this daemon or another, is found on its first use.
final class LabourTaskNames: Sendable {
    private let names = Mutex<[String: LocalizedText]>([:])

    /// The task's names (the code itself for a code the store does not know).
    func name(_ code: String, _ connection: PostgresConnection, logger: Logger) async throws -> LocalizedText {
        if let known = names.withLock({ $0[code] }) { return known }
        return try await reload(connection, logger: logger)[code] ?? LocalizedText(en: code, zh: code)
    }

    /// The task's names, taking a connection from the store only when they are not in memory yet.
    func name(_ code: String, in store: LabourStore) async throws -> LocalizedText {
        if let known = names.withLock({ $0[code] }) { return known }
        return try await store.read { try await name(code, $0, logger: store.logger) }
    }

    /// Refuses a code that is not a task, listing the tasks there are.
    func require(_ code: String, _ connection: PostgresConnection, logger: Logger) async throws {
        if names.withLock({ $0[code] }) != nil { return }
        let all = try await reload(connection, logger: logger)
        guard all[code] == nil else { return }
        let codes = all.keys.sorted()
        throw HuzhuError(.invalid, "unknown task '\(code)': use one of \(codes.joined(separator: ", ")) (staff add more with LABOUR TASK ADD)",
                         zh: "未知农活“\(code)”：可用 \(codes.joined(separator: "、"))（可用 LABOUR TASK ADD 新增）")
    }

    private func reload(_ connection: PostgresConnection, logger: Logger) async throws -> [String: LocalizedText] {
        var all: [String: LocalizedText] = [:]
        let rows = try await connection.query("SELECT code, name_en, name_zh FROM labour_task", logger: logger)
        for try await (code, en, zh) in rows.decode((String, String, String).self) { all[code] = LocalizedText(en: en, zh: zh) }
        names.withLock { $0 = all }
        return all
    }
}
