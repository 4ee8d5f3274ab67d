import Foundation
import HuzhuKit

/// The result of a registration.
struct RegistrationOutcome: Sendable {
    var registration: Int64
    var event: Int64
    var title: String
    var startsAt: Date
    var people: Int
    var status: String
    /// Place on the waitlist (1 = next in line).
    var place: Int?

    func json(_ time: CultureTime) -> JSONValue {
        ["registration": .int(Int(registration)), "event": .int(Int(event)), "title": .string(title),
         "starts_at": .string(time.iso(startsAt)), "people": .int(people), "status": .string(status),
         "place": place.map(JSONValue.int) ?? .null]
    }
}

/// A cancellation and whom it promoted, in order.
struct CancellationOutcome: Sendable {
    var registration: Int64
    var event: Int64
    var title: String
    var promoted: [(member: Int64, registration: Int64)]

    var json: JSONValue {
        ["registration": .int(Int(registration)), "event": .int(Int(event)), "title": .string(title),
         "promoted": .array(promoted.map { ["member": .int(Int($0.member)), "registration": .int(Int($0.registration))] })]
    }
}

/// Registrations with a first-come waitlist.
///
/// Every change locks the event row first (`FOR UPDATE`), so registrations for one event are decided one
/// at a time in the order they reach the store, and ids (arrival order) follow that order. Capacity is the
/// store's: the trigger-kept `confirmed` counter cannot pass `capacity` (CHECK), whatever code writes.
struct RegistrationStore: Sendable {
    let store: any HubStoreHandle
    let time: CultureTime
    private var publisher: String { CulturePlugin.identity.id }

    init(store: any HubStoreHandle, time: CultureTime) {
        self.store = store
        self.time = time
    }

    /// Registers a member (and `people - 1` companions). `notify`: send the outcome by SMS (console
    /// registrations; an SMS registration gets it as the reply instead).
    func register(event id: Int64, member: Int64, people: Int, actor: Actor, scope: [Int] = [], notify: Bool) async throws -> RegistrationOutcome {
        enum RegistrationFacts: PreparedStatementName {}
        return try await store.write(as: actor, conflict: "member \(member) is already registered for event \(id)") { tx in
            let row = try await tx.connection.prepared(RegistrationFacts.self,
                """
                SELECT e.title, e.status, e.starts_at, e.capacity, e.confirmed, m.village_id,
                       (cardinality(e.open_to) = 0 OR m.village_id = ANY(e.open_to)),
                       EXISTS (SELECT 1 FROM culture_registration w WHERE w.event_id = e.id AND w.status = 'waitlisted'),
                       (SELECT r.status FROM culture_registration r WHERE r.event_id = e.id AND r.member_id = m.id AND r.status <> 'cancelled')
                FROM culture_event e, member m WHERE e.id = \(id) AND m.id = \(member)
                FOR UPDATE OF e
                """, logger: tx.logger
            ).decode((String, String, Date, Int, Int, Int, Bool, Bool, String?).self).firstElement()
            // One round trip under the lock for everything the decision needs: the lock is held to the commit.
            guard let (title, status, startsAt, capacity, confirmed, village, open, queue, existing) = row else {
                throw HuzhuError(.notFound, "no event \(id) (or no member \(member))", zh: "没有编号为\(id)的活动")
            }
            guard scope.isEmpty || scope.contains(village) else {
                throw HuzhuError(.denied, "member \(member) is not in your villages", zh: "成员\(member)不在您管辖的村")
            }
            guard status == "published" else {
                throw HuzhuError(.invalid, "event \(id) is \(status == "draft" ? "not published yet" : "cancelled")",
                                 zh: status == "draft" ? "活动\(id)尚未开放报名" : "活动\(id)已取消")
            }
            guard startsAt > time.now() else {
                throw HuzhuError(.invalid, "event \(id) has already started", zh: "活动\(id)已经开始，不能报名")
            }
            guard open else { throw HuzhuError(.denied, "event \(id) is not open to your village", zh: "活动\(id)不面向您所在的村") }
            if let existing {
                throw HuzhuError(.conflict, "member \(member) is already \(existing) for event \(id)",
                                 zh: existing == "confirmed" ? "您已报名活动\(id)" : "您已在活动\(id)的候补名单上")
            }
            // Seats go in arrival order: while anyone waits, newcomers wait behind them.
            let fits = !queue && confirmed + people <= capacity
            let state = fits ? "confirmed" : "waitlisted"
            let inserted = try await tx.query(
                """
                INSERT INTO culture_registration (event_id, member_id, people, status)
                VALUES (\(id), \(member), \(people), \(state)) RETURNING id
                """)
            guard let registration = try await inserted.decode(Int64.self).firstElement() else {
                throw HuzhuError(.internal, "the registration was not stored")
            }
            var place: Int?
            if !fits {
                place = try await tx.query(
                    "SELECT count(*)::int FROM culture_registration WHERE event_id = \(id) AND status = 'waitlisted' AND id <= \(registration)"
                ).decode(Int.self).firstElement()
            }
            let outcome = RegistrationOutcome(registration: registration, event: id, title: title, startsAt: startsAt, people: people,
                                              status: state, place: place)
            try await tx.audit("culture.registration.add", target: "culture_registration:\(registration)", after: outcome.json(time))
            let body = CultureRegistrationEvent(registration: registration, event: id, member: member, people: people, place: place)
            if fits {
                try await tx.emit(CultureRegistrationConfirmed(body: body), publisher: publisher)
            } else {
                try await tx.emit(CultureRegistrationWaitlisted(body: body), publisher: publisher)
            }
            if notify { try await tx.notify(member: member, CultureReplies.registered(outcome, time: time)) }
            return outcome
        }
    }

    /// Cancels a member's registration and promotes the waitlist in arrival order while seats allow.
    /// Returns nil when the member has no open registration for the event.
    func cancel(event id: Int64, member: Int64, actor: Actor, scope: [Int] = []) async throws -> CancellationOutcome? {
        try await store.write(as: actor) { tx in
            let locked = try await tx.query("SELECT title, village_id FROM culture_event WHERE id = \(id) FOR UPDATE")
                .decode((String, Int).self).firstElement()
            guard let (title, village) = locked else { return nil }
            guard scope.isEmpty || scope.contains(village) else {
                throw HuzhuError(.denied, "event \(id) is not in your villages", zh: "活动\(id)不在您管辖的村")
            }
            let cancelled = try await tx.query(
                """
                UPDATE culture_registration SET status = 'cancelled', updated_at = now()
                WHERE event_id = \(id) AND member_id = \(member) AND status <> 'cancelled' RETURNING id, people
                """
            ).decode((Int64, Int).self).firstElement()
            guard let (registration, people) = cancelled else { return nil }
            try await tx.audit("culture.registration.cancel", target: "culture_registration:\(registration)",
                               after: ["event": .int(Int(id)), "member": .int(Int(member)), "status": "cancelled"])
            try await tx.emit(CultureRegistrationCancelled(body: CultureRegistrationEvent(
                registration: registration, event: id, member: member, people: people, place: nil)), publisher: publisher)
            let promoted = try await promote(tx, event: id, title: title)
            return CancellationOutcome(registration: registration, event: id, title: title, promoted: promoted)
        }
    }

    /// Moves the head of the waitlist to confirmed while it fits; stops at the first that does not, so
    /// nobody is overtaken. A cancelled event promotes nobody.
    private func promote(_ tx: WriteTransaction, event id: Int64, title: String) async throws -> [(member: Int64, registration: Int64)] {
        var promoted: [(member: Int64, registration: Int64)] = []
        while true {
            let head = try await tx.query(
                """
                SELECT r.id, r.member_id, r.people, e.capacity - e.confirmed, e.starts_at
                FROM culture_registration r JOIN culture_event e ON e.id = r.event_id
                WHERE r.event_id = \(id) AND r.status = 'waitlisted' AND e.status = 'published' ORDER BY r.id LIMIT 1
                """
            ).decode((Int64, Int64, Int, Int, Date).self).firstElement()
            guard let (registration, member, people, free, startsAt) = head, people <= free else { break }
            try await tx.execute("UPDATE culture_registration SET status = 'confirmed', updated_at = now() WHERE id = \(registration)")
            try await tx.audit("culture.registration.promote", target: "culture_registration:\(registration)",
                               after: ["event": .int(Int(id)), "member": .int(Int(member)), "status": "confirmed"])
            try await tx.emit(CultureRegistrationPromoted(body: CultureRegistrationEvent(
                registration: registration, event: id, member: member, people: people, place: nil)), publisher: publisher)
            try await tx.notify(member: member, CultureReplies.promoted(event: id, title: title, startsAt: startsAt, people: people, time: time))
            promoted.append((member, registration))
        }
        return promoted
    }

    /// The registrations of an event in arrival order.
    func list(event id: Int64) async throws -> [JSONValue] {
        try await store.read { connection in
            try await connection.run(
                """
                SELECT r.id, r.member_id, m.name, r.people, r.status, r.checked_in_at IS NOT NULL, r.attended,
                       CASE WHEN r.status = 'waitlisted'
                            THEN row_number() OVER (PARTITION BY r.status = 'waitlisted' ORDER BY r.id)::int END
                FROM culture_registration r JOIN member m ON m.id = r.member_id
                WHERE r.event_id = \(id) ORDER BY r.id
                """
            ).decode((Int64, Int64, String, Int, String, Bool, Int?, Int?).self).all().map { row in
                ["registration": .int(Int(row.0)), "member": .int(Int(row.1)), "name": .string(row.2), "people": .int(row.3),
                 "status": .string(row.4), "checked_in": .bool(row.5), "attended": row.6.map(JSONValue.int) ?? .null,
                 "place": row.4 == "waitlisted" ? (row.7.map(JSONValue.int) ?? .null) : .null]
            }
        }
    }

    /// Check-in at the door: a confirmed registration, with how many actually came.
    func checkIn(event id: Int64, member: Int64, attended: Int?, actor: Actor, scope: [Int]) async throws -> JSONValue {
        try await store.write(as: actor) { tx in
            let row = try await tx.query(
                """
                UPDATE culture_registration r SET checked_in_at = now(), attended = COALESCE(\(attended)::int, r.people), updated_at = now()
                FROM culture_event e
                WHERE r.event_id = \(id) AND r.member_id = \(member) AND r.status = 'confirmed' AND e.id = r.event_id
                  AND (cardinality(\(scope)::int[]) = 0 OR e.village_id = ANY(\(scope)::int[]))
                RETURNING r.id, r.attended
                """
            ).decode((Int64, Int).self).firstElement()
            guard let (registration, count) = row else {
                throw HuzhuError(.notFound, "member \(member) has no confirmed registration for event \(id)",
                                 zh: "成员\(member)没有活动\(id)的有效报名")
            }
            let result: JSONValue = ["registration": .int(Int(registration)), "event": .int(Int(id)), "member": .int(Int(member)), "attended": .int(count)]
            try await tx.audit("culture.registration.checkin", target: "culture_registration:\(registration)", after: result)
            return result
        }
    }
}
