import Foundation
import HuzhuKit
import HuzhuTesting
import Testing

/// Every write is audited with its actor (and the member it was done for), over the whole registry: the
/// audit walk runs a valid invocation of every command HELP lists while row triggers (`WriteRecorder`)
/// note which transactions wrote which tables and which wrote audit rows.
@Suite struct AuditTrailTests {
    @Test func everyWritingCommandLeavesAnAuditRowWithItsActor() async throws {
        try await withTestDaemon(plugins: AuditFixture.plugins) { daemon in
            let accounts: [(name: String, roles: [Role])] = [("clerk", [.staff, .labour, .culture, .market]), ("sms1", [.gateway]), ("chief", [.admin])]
            var sessions: [(name: String, console: ConsoleClient, visible: Set<String>)] = []
            for account in accounts {
                let console = try await daemon.console(as: account.name, roles: account.roles)
                sessions.append((account.name, console, Set(try await PermissionAudit.helpNames(console))))
            }
            let registry = sessions.last!.visible  // an admin's HELP lists every command
            let samples = AuditWalk.samples
            let covered = Set(samples.compactMap { $0.command(among: registry) })
            #expect(registry.count > 120, "the core's and the plugins' commands: \(registry.count)")
            #expect(registry.subtracting(covered).isEmpty, "commands HELP lists without a sample in AuditWalk: \(registry.subtracting(covered).sorted())")
            for sample in samples where sample.command(among: registry) == nil {
                Issue.record("AuditWalk line names no command HELP lists: \(sample.line)")
            }
            let walkers = sessions
            try await daemon.database.withClient { client in
                let recorder = WriteRecorder(client: client)
                let tables = try await recorder.install()
                #expect(tables.count > 40 && ["member", "audit_log", "labour_job", "culture_booking", "market_deal", "sms_outbox"].allSatisfy(tables.contains),
                        "every table of the core and the plugins is watched: \(tables)")
                var values = AuditWalk.dates()
                var seen = Set<Int64>()
                for sample in samples {
                    guard let line = Self.fill(sample.line, values) else {
                        Issue.record("the walk uses a placeholder before saving it (an earlier sample failed?): \(sample.line)")
                        continue
                    }
                    let command = sample.command(among: registry)
                    let mark = try await recorder.mark()
                    let account: String
                    let answer: (ok: Bool, raw: String, data: Any?)
                    if sample.kind == .session {
                        account = "-"
                        let fresh = try await ConsoleClient.connect(port: daemon.consolePort)
                        let raw = try await fresh.send(line)
                        answer = (raw.hasPrefix("+"), raw, nil)
                        await fresh.close()
                    } else {
                        let session = walkers.first { command.map($0.visible.contains) == true } ?? walkers[0]
                        account = session.name
                        let parsed = try await session.console.json(line)
                        answer = (parsed.ok, parsed.raw, parsed.data)
                    }
                    guard answer.ok else {
                        Issue.record("\(line) (as \(account)) did not succeed: \(answer.raw)")
                        continue
                    }
                    for (name, path) in sample.save {
                        guard let value = Self.value(at: path, in: answer.data) else {
                            Issue.record("\(line): no \(path) in the answer to save as {\(name)}: \(answer.raw)")
                            continue
                        }
                        values[name] = value
                    }
                    let writes = try await recorder.writes(since: mark)
                    seen.formUnion(writes.map(\.txid))
                    let member = sample.member.flatMap { values[$0] }.flatMap { Int64($0) }
                    if let name = sample.member, member == nil { Issue.record("\(line): {\(name)}, the member it acts for, is not saved") }
                    let problems = try await Self.problems(
                        sample, line: line, answer: answer.raw, command: command, writes: writes, recorder: recorder,
                        actor: sample.actor ?? "staff:\(account)", member: member)
                    if let known = sample.knownIssue {
                        if problems.isEmpty {
                            Issue.record("\(line): the known issue is gone (\(known)): drop knownIssue from its sample")
                        } else {
                            withKnownIssue(Comment(rawValue: known)) {
                                for problem in problems { Issue.record(Comment(rawValue: problem)) }
                            }
                        }
                    } else {
                        for problem in problems { Issue.record(Comment(rawValue: problem)) }
                    }
                }
                // Nothing wrote outside the samples' windows (a write after its command answered, say).
                let stray = try await recorder.allWrites().filter { !seen.contains($0.txid) && !Self.exempt($0, command: nil) }
                #expect(stray.isEmpty, "writes no sample accounts for: \(stray.map { "\($0.table) \($0.operation)" })")
            }
        }
    }

    /// What is wrong with one sample's writes: a read that wrote, a write that wrote nothing, a transaction
    /// that changed data without an audit row, an audit row with another actor or member.
    static func problems(
        _ sample: AuditSample, line: String, answer: String, command: String?, writes: [WriteRecorder.Write], recorder: WriteRecorder, actor: String, member: Int64?
    ) async throws -> [String] {
        let counted = writes.filter { !exempt($0, command: nil) }  // the hub's bookkeeping may land in any window
        let unexempt = counted.filter { !exempt($0, command: command) }
        var problems: [String] = []
        switch sample.kind {
        case .read, .session:
            if !counted.isEmpty { problems.append("\(line) should write nothing but wrote \(describe(counted))") }
            return problems
        case .bookkeeping:
            if counted.isEmpty { problems.append("\(line) wrote nothing: the sample does not reach the command's bookkeeping: \(answer)") }
            if !unexempt.isEmpty { problems.append("\(line) should write only exempt bookkeeping but wrote \(describe(unexempt))") }
        case .write:
            if unexempt.isEmpty { problems.append("\(line) wrote nothing audited: the sample does not reach the command's write: \(answer)") }
        }
        for write in counted where write.table == "audit_log" {
            problems.append("\(line) changed audit_log (\(write.operation)): the audit log is append-only")
        }
        let byTransaction = Dictionary(grouping: counted, by: \.txid)
        let audits = try await recorder.audits(of: Set(byTransaction.keys))
        let audited = Set(audits.map(\.txid))
        for (txid, rows) in byTransaction.sorted(by: { $0.key < $1.key }) where !audited.contains(txid) {
            if rows.allSatisfy({ exempt($0, command: command) }) { continue }
            problems.append("\(line): a transaction wrote \(describe(rows)) without an audit row")
        }
        for audit in audits {
            if audit.actor != actor {
                problems.append("\(line): audit \(audit.action) names actor \(audit.actor), not \(actor)")
            }
            if audit.onBehalfOf != member {
                problems.append("\(line): audit \(audit.action) is on behalf of \(audit.onBehalfOf.map(String.init) ?? "nobody"), not \(member.map(String.init) ?? "nobody")")
            }
        }
        return problems
    }

    static func exempt(_ write: WriteRecorder.Write, command: String?) -> Bool {
        AuditExemption.all.contains { $0.covers(write, command: command) }
    }

    static func describe(_ writes: [WriteRecorder.Write]) -> String {
        var counts: [String: Int] = [:]
        for write in writes { counts["\(write.table) \(write.operation)", default: 0] += 1 }
        return counts.sorted { $0.key < $1.key }.map { "\($0.key) ×\($0.value)" }.joined(separator: ", ")
    }

    /// Replaces `{name}` with saved values; nil when a name is not saved.
    static func fill(_ line: String, _ values: [String: String]) -> String? {
        var result = ""
        var rest = Substring(line)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            result += rest[..<open]
            let name = String(rest[rest.index(after: open)..<close])
            guard let value = values[name] else { return nil }
            result += value
            rest = rest[rest.index(after: close)...]
        }
        return result + rest
    }

    /// A value in a JSON answer's data by path (`id`, `offer.id`, `0.id`), as text.
    static func value(at path: String, in data: Any?) -> String? {
        var current = data
        for key in path.split(separator: ".") {
            if let index = Int(key), let array = current as? [Any], array.indices.contains(index) {
                current = array[index]
            } else {
                current = (current as? [String: Any])?[String(key)]
            }
        }
        switch current {
        case let number as Int: return String(number)
        case let text as String: return text
        default: return nil
        }
    }
}
