import HuzhuKit

/// `LABOUR REPORT`: what the association did over a period, for 村务公开 and for the association's meetings.
struct LabourReport: Sendable {
    var from: String
    var to: String
    var workers: [(id: Int64, name: String, days: Int, earnings: Double)]
    var unmet: [(task: String, month: String, requests: Int, places: Int)]
    var activeWorkers: Int
    var daysWorked: Int
    var daysAvailable: Int
    var gini: Double

    var utilisation: Double { daysAvailable == 0 ? 0 : Double(daysWorked) / Double(daysAvailable) }

    var json: JSONValue {
        ["from": .string(from), "to": .string(to), "active_workers": .int(activeWorkers), "days_worked": .int(daysWorked),
         "days_available": .int(daysAvailable), "utilisation": .double(LabourCandidate.round(utilisation)), "gini": .double(LabourCandidate.round(gini)),
         "workers": .array(workers.map { ["worker": .int(Int($0.id)), "name": .string($0.name), "days": .int($0.days), "earnings": .double($0.earnings)] }),
         "unmet": .array(unmet.map { ["task": .string($0.task), "month": .string($0.month), "requests": .int($0.requests), "places": .int($0.places)] })]
    }
}

/// Arithmetic of the report, public so it can be checked on its own.
public enum LabourReportMath {
    /// The Gini coefficient of `values` (0: all equal; near 1: one has everything). Zeros count: an idle
    /// worker is part of the unfairness.
    public static func gini(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        let total = sorted.reduce(0, +)
        guard sorted.count > 1, total > 0 else { return 0 }
        let n = Double(sorted.count)
        let weighted = sorted.enumerated().reduce(0.0) { $0 + Double($1.offset + 1) * $1.element }
        return 2 * weighted / (n * total) - (n + 1) / n
    }
}

extension LabourStore {
    func report(from: String, to: String, scope: [Int], limit: Int) async throws -> LabourReport {
        try await read { connection in
            // Days worked and earnings per active worker in the period (jobs that went ahead).
            let rows = try await connection.query(
                """
                SELECT w.member_id, m.name, count(a.job_id)::int, coalesce(sum(a.amount), 0)::float8,
                       (SELECT count(*) FROM generate_series(\(from)::date, \(to)::date, interval '1 day') d
                        WHERE (w.weekdays >> (extract(isodow FROM d)::int - 1)) & 1 = 1)::int
                FROM labour_worker w JOIN member m ON m.id = w.member_id
                LEFT JOIN labour_assignment a ON a.worker_id = w.member_id AND a.day BETWEEN \(from)::date AND \(to)::date
                     AND EXISTS (SELECT 1 FROM labour_job j WHERE j.id = a.job_id AND j.state IN ('assigned', 'done', 'rated'))
                WHERE w.status = 'active' AND (cardinality(\(scope)::int[]) = 0 OR w.village_id = ANY(\(scope)::int[]))
                GROUP BY w.member_id, m.name
                """, logger: logger)
            var all: [(id: Int64, name: String, days: Int, earnings: Double)] = []
            var available = 0
            for try await row in rows.decode((Int64, String, Int, Double, Int).self) {
                all.append((row.0, row.1, row.2, row.3))
                available += row.4
            }
            let unmetRows = try await connection.query(
                """
                SELECT task, to_char(date_from, 'YYYY-MM'), count(*)::int, sum(crew)::int FROM labour_request
                WHERE date_from BETWEEN \(from)::date AND \(to)::date
                  AND (state = 'unmet' OR (state = 'open' AND date_to < current_date))
                  AND (cardinality(\(scope)::int[]) = 0 OR village_id = ANY(\(scope)::int[]))
                GROUP BY 1, 2 ORDER BY 2, 1
                """, logger: logger)
            let unmet = try await unmetRows.decode((String, String, Int, Int).self).all().map { (task: $0.0, month: $0.1, requests: $0.2, places: $0.3) }
            let top = all.sorted { $0.days != $1.days ? $0.days > $1.days : $0.id < $1.id }.prefix(limit)
            return LabourReport(from: from, to: to, workers: Array(top), unmet: unmet, activeWorkers: all.count,
                                daysWorked: all.reduce(0) { $0 + $1.days }, daysAvailable: available,
                                gini: LabourReportMath.gini(all.map { Double($0.days) }))
        }
    }
}
