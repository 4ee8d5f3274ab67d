import Foundation
import HuzhuKit

/// What staff give to add an event.
struct NewEvent: Sendable {
    var kind: EventKind
    var subject: String
    var title: String
    var villageID: Int
    var venueID: Int?
    var startsAt: Date
    var endsAt: Date
    var capacity: Int
    var feeYuan: Int
    var organiser: String
    var openTo: [Int]
    var publish: Bool
}

/// Events and classes: add, publish, cancel, list.
struct EventStore: Sendable {
    let store: any HubStoreHandle
    let time: CultureTime
    let venues: VenueStore

    func add(_ new: NewEvent, actor: Actor) async throws -> CultureEvent {
        try await store.write(as: actor) { tx in
            if let venue = new.venueID {
                let row = try await tx.query("SELECT capacity, village_id FROM culture_venue WHERE id = \(venue)").decode((Int, Int).self).firstElement()
                guard let (venueCapacity, venueVillage) = row else { throw HuzhuError(.notFound, "no venue \(venue): see CULTURE VENUE LIST", zh: "没有编号为\(venue)的场地") }
                // An event is held in its own village: booking another village's venue would write to that
                // village's schedule (and let a cadre reach past their villages).
                guard venueVillage == new.villageID else {
                    throw HuzhuError(.invalid, "venue \(venue) is in village \(venueVillage), not the event's village \(new.villageID)",
                                     zh: "场地\(venue)不在本活动所在的村")
                }
                guard new.capacity <= venueCapacity else {
                    throw HuzhuError(.invalid, "venue \(venue) holds \(venueCapacity) people: capacity=\(new.capacity) is too many",
                                     zh: "场地\(venue)只能容纳\(venueCapacity)人")
                }
            }
            let rows = try await tx.query(
                """
                INSERT INTO culture_event (kind, subject, title, village_id, venue_id, starts_at, ends_at, capacity, fee_yuan, organiser, open_to)
                VALUES (\(new.kind.rawValue), \(new.subject), \(new.title), \(new.villageID), \(new.venueID), \(new.startsAt), \(new.endsAt),
                        \(new.capacity), \(new.feeYuan), \(new.organiser), \(new.openTo)::integer[])
                RETURNING id
                """)
            guard let id = try await rows.decode(Int64.self).firstElement() else { throw HuzhuError(.internal, "the event was not stored") }
            if let venue = new.venueID {
                _ = try await venues.book(tx, venue: venue, from: new.startsAt, to: new.endsAt, purpose: "活动\(id) \(new.title)", event: id)
            }
            var event = try await Self.load(tx.connection, id: id)
            try await tx.audit("culture.event.add", target: "culture_event:\(id)", after: event.json(time))
            if new.publish { event = try await publish(tx, event) }
            return event
        }
    }

    func publish(id: Int64, actor: Actor, scope: [Int]) async throws -> CultureEvent {
        try await store.write(as: actor) { tx in
            let event = try await Self.locked(tx, id: id, scope: scope)
            guard event.status == "draft" else {
                throw HuzhuError(.conflict, "event \(id) is \(event.status), not a draft", zh: "活动\(id)的状态为\(event.status)，不能发布")
            }
            return try await publish(tx, event)
        }
    }

    private func publish(_ tx: WriteTransaction, _ event: CultureEvent) async throws -> CultureEvent {
        try await tx.execute("UPDATE culture_event SET status = 'published' WHERE id = \(event.id)")
        var published = event
        published.status = "published"
        try await tx.audit("culture.event.publish", target: "culture_event:\(event.id)", before: ["status": .string(event.status)],
                           after: ["status": "published"])
        try await tx.emit(CultureEventPublished(event: event.id, title: event.title, kind: event.kind, village: event.villageID,
                                                startsAt: time.iso(event.startsAt), capacity: event.capacity, openTo: event.openTo),
                          publisher: CulturePlugin.identity.id)
        return published
    }

    /// Cancels an event, frees its venue and tells everyone registered (confirmed or waiting) by SMS.
    func cancel(id: Int64, reason: String, actor: Actor, scope: [Int]) async throws -> (CultureEvent, notified: Int) {
        try await store.write(as: actor) { tx in
            var event = try await Self.locked(tx, id: id, scope: scope)
            guard event.status != "cancelled" else {
                throw HuzhuError(.conflict, "event \(id) is already cancelled", zh: "活动\(id)已取消")
            }
            try await tx.execute("UPDATE culture_event SET status = 'cancelled' WHERE id = \(id)")
            try await tx.execute("UPDATE culture_venue_booking SET cancelled = true WHERE event_id = \(id)")
            let members = try await tx.query(
                "SELECT member_id FROM culture_registration WHERE event_id = \(id) AND status <> 'cancelled' ORDER BY id"
            ).decode(Int64.self).all()
            let when = time.short(event.startsAt)
            let title = String(event.title.prefix(12))
            for member in members {
                try await tx.notify(member: member, LocalizedText(
                    en: "Event \(id) \(title) on \(when) is cancelled. \(reason)", zh: "活动\(id)“\(title)”（\(when)）已取消。\(reason)"))
            }
            try await tx.audit("culture.event.cancel", target: "culture_event:\(id)", before: ["status": .string(event.status)],
                               after: ["status": "cancelled", "reason": .string(reason), "notified": .int(members.count)])
            try await tx.emit(CultureEventCancelled(event: id, title: event.title, reason: reason, notified: members.count),
                              publisher: CulturePlugin.identity.id)
            event.status = "cancelled"
            return (event, members.count)
        }
    }

    func show(id: Int64, scope: [Int]) async throws -> CultureEvent {
        try await store.read { connection in
            guard let event = try await Self.find(connection, id: id), scope.isEmpty || scope.contains(event.villageID) else {
                throw HuzhuError(.notFound, "no event \(id): see CULTURE EVENT LIST", zh: "没有编号为\(id)的活动")
            }
            return event
        }
    }

    /// Events from `after` on, of a village (or all within the scope), in start order.
    func list(village: Int?, after: Date, status: String?, limit: Int, scope: [Int]) async throws -> [CultureEvent] {
        try await store.read { connection in
            try await connection.run(
                """
                SELECT \(unescaped: CultureEvent.columns) FROM \(unescaped: CultureEvent.from)
                WHERE e.ends_at > \(after) AND (\(village)::int IS NULL OR e.village_id = \(village))
                  AND (\(status)::text IS NULL OR e.status = \(status))
                  AND (cardinality(\(scope)::int[]) = 0 OR e.village_id = ANY(\(scope)::int[]))
                ORDER BY e.starts_at, e.id LIMIT \(limit)
                """
            ).decode(CultureEvent.Row.self).all().map(CultureEvent.init)
        }
    }

    /// The next published events a member of `village` may attend (the SMS 活动 listing): one index scan
    /// in start order (culture_event_upcoming_idx), filtered by the audience.
    func upcoming(forVillage village: Int, after: Date, limit: Int) async throws -> [(id: Int64, title: String, startsAt: Date, full: Bool)] {
        try await store.read { connection in
            try await connection.run(
                """
                SELECT id, title, starts_at, confirmed >= capacity FROM culture_event
                WHERE status = 'published' AND starts_at > \(after)
                  AND (cardinality(open_to) = 0 OR \(village)::int = ANY(open_to))
                ORDER BY starts_at, id LIMIT \(limit)
                """
            ).decode((Int64, String, Date, Bool).self).all().map { (id: $0.0, title: $0.1, startsAt: $0.2, full: $0.3) }
        }
    }

    static func find(_ connection: PostgresConnection, id: Int64) async throws -> CultureEvent? {
        try await connection.run("SELECT \(unescaped: CultureEvent.columns) FROM \(unescaped: CultureEvent.from) WHERE e.id = \(id)")
            .decode(CultureEvent.Row.self).firstElement().map(CultureEvent.init)
    }

    static func load(_ connection: PostgresConnection, id: Int64) async throws -> CultureEvent {
        guard let event = try await find(connection, id: id) else {
            throw HuzhuError(.notFound, "no event \(id): see CULTURE EVENT LIST", zh: "没有编号为\(id)的活动")
        }
        return event
    }

    /// The event, its row locked for the rest of the transaction, within the caller's scope.
    static func locked(_ tx: WriteTransaction, id: Int64, scope: [Int]) async throws -> CultureEvent {
        _ = try await tx.query("SELECT 1 FROM culture_event WHERE id = \(id) FOR UPDATE").all()
        let event = try await load(tx.connection, id: id)
        guard scope.isEmpty || scope.contains(event.villageID) else {
            throw HuzhuError(.notFound, "no event \(id) in your villages", zh: "您管辖的村没有编号为\(id)的活动")
        }
        return event
    }
}

extension EventStore {
    /// A member's village (the audience check of 活动).
    func villageOf(member: Int64) async throws -> Int {
        enum MemberVillage: PreparedStatementName {}
        return try await store.read { connection in
            guard let village = try await connection.prepared(MemberVillage.self, "SELECT village_id FROM member WHERE id = \(member)", logger: CultureLog.logger)
                .decode(Int.self).firstElement() else {
                throw HuzhuError(.notFound, "no member \(member)")
            }
            return village
        }
    }
}
