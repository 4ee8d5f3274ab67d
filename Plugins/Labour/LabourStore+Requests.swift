import HuzhuKit

/// A request to be created.
struct NewLabourRequest: Sendable {
    var member: Int64
    var task: String
    var dateFrom: String
    var dateTo: String?
    var areaMu: Double?
    var crew: Int
    var notes: String = ""
    /// Another plugin's reference (`culture.booking:12`): the request is stored once per source.
    var source: String?
}

extension LabourStore {
    /// Creates a request and, when `auto_offer` is on, offers its job to the best candidates in the same
    /// transaction (`offered`: how many; nil when offers wait for staff). Returns nil when a request with
    /// the same `source` exists already (redelivery). The household's flags (无劳力户, 独居老人) make it a
    /// priority request.
    func createRequest(_ new: NewLabourRequest, scope: [Int], actor: Actor) async throws -> (request: LabourRequest, offered: Int?)? {
        let now = clock.now()
        return try await store.write(as: actor) { tx in
            try await tasks.require(new.task, tx.connection, logger: tx.logger)
            // Prepared (every 找人 runs it), so each value that may be nil carries its type in a cast. With
            // `auto_offer` the job is created in the same statement, ready for `placeOffers`.
            enum RequestInsert: PreparedStatementName {}
            let rows = try await tx.connection.prepared(RequestInsert.self,
                """
                WITH r AS (
                    INSERT INTO labour_request AS r (member_id, household_id, village_id, task, area_mu, date_from, date_to, crew, notes, priority, entered_by, source)
                    SELECT m.id, m.household_id, m.village_id, \(new.task), \(new.areaMu)::float8, \(new.dateFrom)::date,
                           coalesce(\(new.dateTo)::date, \(new.dateFrom)::date), \(new.crew), \(new.notes),
                           coalesce(h.no_labour OR h.elderly_alone, false), \(actor.name), \(new.source)::text
                    FROM member m LEFT JOIN household h ON h.id = m.household_id
                    WHERE m.id = \(new.member) AND (cardinality(\(scope)::int[]) = 0 OR m.village_id = ANY(\(scope)::int[]))
                    ON CONFLICT (source) DO NOTHING
                    RETURNING r.*
                ), j AS (
                    INSERT INTO labour_job (request_id, day, crew) SELECT id, date_from, crew FROM r WHERE \(settings.autoOffer)
                    RETURNING id
                )
                SELECT \(unescaped: LabourRequest.columns), (SELECT id FROM j) FROM r
                """, logger: tx.logger)
            guard let row = try await rows.decode((Int64, Int64, Int64?, Int, String, Double?, String, String, Int, String, Bool, String, String?, String, Int64?).self)
                .firstElement()
            else {
                if new.source != nil { return nil }
                throw HuzhuError(.notFound, "no member \(new.member) in your villages", zh: "您管辖的村里没有成员 \(new.member)")
            }
            let request = LabourRequest((row.0, row.1, row.2, row.3, row.4, row.5, row.6, row.7, row.8, row.9, row.10, row.11, row.12, row.13))
            try await tx.audit("labour.request.add", target: "labour_request:\(request.id)", after: request.json)
            try await tx.emit(LabourRequestCreated(
                request: request.id, member: request.member, household: request.household, village: request.village, task: request.task,
                date: request.dateFrom, dateTo: request.dateTo, areaMu: request.areaMu, crew: request.crew, priority: request.priority,
                enteredBy: request.enteredBy, source: request.source), publisher: "labour")
            guard let jobID = row.14 else { return (request, nil) }
            let job = LabourJob((jobID, request.id, request.dateFrom, request.crew, "open", nil, nil, nil, nil, nil, nil))
            let (_, offered) = try await placeOffers(tx, request, count: nil, now: now, newJob: job, named: 0)
            return (request, offered.count)
        }
    }

    func request(_ id: Int64, scope: [Int]) async throws -> LabourRequest? {
        try await read { try await Self.request($0, id, scope: scope, logger: logger) }
    }

    static func request(_ connection: PostgresConnection, _ id: Int64, scope: [Int], logger: Logger, lock: Bool = false) async throws -> LabourRequest? {
        let rows = try await connection.query(
            """
            SELECT \(unescaped: LabourRequest.columns) FROM labour_request r
            WHERE r.id = \(id) AND (cardinality(\(scope)::int[]) = 0 OR r.village_id = ANY(\(scope)::int[]))
            \(unescaped: lock ? "FOR UPDATE" : "")
            """, logger: logger)
        return try await rows.decode(LabourRequest.Row.self).firstElement().map(LabourRequest.init)
    }

    func findRequests(state: String?, task: String?, village: Int?, date: String?, member: Int64?, scope: [Int], limit: Int) async throws -> [LabourRequest] {
        try await read { connection in
            let rows = try await connection.query(
                """
                SELECT \(unescaped: LabourRequest.columns) FROM labour_request r
                WHERE (\(state)::text IS NULL OR r.state = \(state)) AND (\(task)::text IS NULL OR r.task = \(task))
                  AND (\(village)::int IS NULL OR r.village_id = \(village))
                  AND (\(date)::date IS NULL OR (r.date_from <= \(date)::date AND r.date_to >= \(date)::date))
                  AND (\(member)::bigint IS NULL OR r.member_id = \(member))
                  AND (cardinality(\(scope)::int[]) = 0 OR r.village_id = ANY(\(scope)::int[]))
                ORDER BY r.priority DESC, r.date_from, r.id LIMIT \(limit)
                """, logger: logger)
            return try await rows.decode(LabourRequest.Row.self).all().map(LabourRequest.init)
        }
    }

    /// Changes an open request's date, area, crew or notes.
    func editRequest(_ id: Int64, dateFrom: String?, dateTo: String?, areaMu: Double?, crew: Int?, notes: String?, scope: [Int], actor: Actor) async throws -> LabourRequest {
        try await store.write(as: actor) { tx in
            guard let before = try await Self.request(tx.connection, id, scope: scope, logger: tx.logger, lock: true) else {
                throw HuzhuError(.notFound, "no request \(id) in your villages", zh: "您管辖的村里没有找人请求 \(id)")
            }
            guard before.state == "open" else {
                throw HuzhuError(.conflict, "request \(id) is \(before.state): only open requests can be changed", zh: "请求 \(id) 已\(before.state)，只能修改未派工的请求")
            }
            let rows = try await tx.query(
                """
                UPDATE labour_request r SET date_from = coalesce(\(dateFrom)::date, date_from),
                    date_to = coalesce(\(dateTo)::date, \(dateFrom)::date, date_to), area_mu = coalesce(\(areaMu), area_mu),
                    crew = coalesce(\(crew)::int, crew), notes = coalesce(\(notes), notes)
                WHERE r.id = \(id) RETURNING \(unescaped: LabourRequest.columns)
                """)
            let after = LabourRequest(try await rows.decode(LabourRequest.Row.self).firstElement()!)
            try await tx.audit("labour.request.edit", target: "labour_request:\(id)", before: before.json, after: after.json)
            return after
        }
    }

    /// Cancels a request and its live job (workers told, bookings released). `member` set: only the
    /// requester's own request (SMS `取消`); returns nil when that member has no such request.
    func cancelRequest(_ id: Int64, member: Int64?, scope: [Int], actor: Actor) async throws -> LabourRequest? {
        try await store.write(as: actor) { tx in
            guard let request = try await Self.request(tx.connection, id, scope: scope, logger: tx.logger, lock: true),
                  member == nil || request.member == member else {
                if member != nil { return nil }
                throw HuzhuError(.notFound, "no request \(id) in your villages", zh: "您管辖的村里没有找人请求 \(id)")
            }
            guard request.state == "open" || request.state == "matched" else {
                throw HuzhuError(.conflict, "request \(id) is \(request.state) and cannot be cancelled", zh: "请求 \(id) 状态为\(request.state)，不能取消")
            }
            if let job = try await Self.liveJob(tx.connection, request: id, logger: tx.logger) {
                try await Self.cancelJob(tx, job, request: request, reason: "request cancelled")
            }
            try await tx.execute("UPDATE labour_request SET state = 'cancelled' WHERE id = \(id)")
            var after = request
            after.state = "cancelled"
            try await tx.audit("labour.request.cancel", target: "labour_request:\(id)", before: request.json, after: after.json)
            return after
        }
    }
}
