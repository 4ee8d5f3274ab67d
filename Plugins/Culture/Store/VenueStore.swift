import Foundation
import HuzhuKit

/// A venue as stored.
struct Venue: Sendable {
    var id: Int
    var villageID: Int
    var name: String
    var capacity: Int

    var json: JSONValue { ["id": .int(id), "village": .int(villageID), "name": .string(name), "capacity": .int(capacity)] }
}

/// Venues and their bookings. Overlap is refused by the exclusion constraint `culture_venue_no_overlap`;
/// this code only turns the refusal into a message naming the booking that clashed.
struct VenueStore: Sendable {
    let store: any HubStoreHandle
    let time: CultureTime

    func add(name: String, village: Int, capacity: Int, actor: Actor) async throws -> Venue {
        try await store.write(as: actor, conflict: "village \(village) already has a venue named \(name)") { tx in
            let rows = try await tx.query(
                "INSERT INTO culture_venue (village_id, name, capacity) VALUES (\(village), \(name), \(capacity)) RETURNING id")
            guard let id = try await rows.decode(Int.self).firstElement() else { throw HuzhuError(.internal, "the venue was not stored") }
            let venue = Venue(id: id, villageID: village, name: name, capacity: capacity)
            try await tx.audit("culture.venue.add", target: "culture_venue:\(id)", after: venue.json)
            return venue
        }
    }

    func list(village: Int?, scope: [Int]) async throws -> [Venue] {
        try await store.read { connection in
            try await connection.run(
                """
                SELECT id, village_id, name, capacity FROM culture_venue
                WHERE (\(village)::int IS NULL OR village_id = \(village))
                  AND (cardinality(\(scope)::int[]) = 0 OR village_id = ANY(\(scope)::int[]))
                ORDER BY village_id, id LIMIT 500
                """
            ).decode((Int, Int, String, Int).self).all().map { Venue(id: $0.0, villageID: $0.1, name: $0.2, capacity: $0.3) }
        }
    }

    /// Books a venue on its own (a wedding hall, a meeting): `[from, to)`.
    func book(venue: Int, from: Date, to: Date, purpose: String, actor: Actor, scope: [Int]) async throws -> Int64 {
        try await store.write(as: actor) { tx in
            let village = try await tx.query("SELECT village_id FROM culture_venue WHERE id = \(venue)").decode(Int.self).firstElement()
            guard let village, scope.isEmpty || scope.contains(village) else {
                throw HuzhuError(.notFound, "no venue \(venue) in your villages: see CULTURE VENUE LIST", zh: "没有编号为\(venue)的场地")
            }
            let id = try await book(tx, venue: venue, from: from, to: to, purpose: purpose, event: nil)
            try await tx.audit("culture.venue.book", target: "culture_venue_booking:\(id)",
                               after: ["venue": .int(venue), "from": .string(time.iso(from)), "to": .string(time.iso(to)), "purpose": .string(purpose)])
            return id
        }
    }

    /// Inserts a booking inside a transaction. On an overlap the savepoint is rolled back and the clashing
    /// booking (committed by then: the constraint waits for concurrent writers) is named in the CONFLICT.
    func book(_ tx: WriteTransaction, venue: Int, from: Date, to: Date, purpose: String, event: Int64?) async throws -> Int64 {
        guard to > from else { throw HuzhuError(.invalid, "the booking must end after it starts", zh: "结束时间应晚于开始时间") }
        try await tx.execute("SAVEPOINT culture_venue_booking")
        do {
            // Bookings of one venue queue on its row first, so the exclusion constraint only ever meets
            // committed bookings: left to itself it lets two concurrent inserts each see the other's entry and
            // wait for each other (PostgreSQL checks exclusion after inserting), a deadlock that refuses one
            // side without naming the clash. NO KEY UPDATE: an event being added holds the venue's key share.
            try await tx.execute("SELECT 1 FROM culture_venue WHERE id = \(venue) FOR NO KEY UPDATE")
            let rows = try await tx.query(
                """
                INSERT INTO culture_venue_booking (venue_id, during, purpose, event_id, booked_by)
                VALUES (\(venue), tstzrange(\(from), \(to), '[)'), \(purpose), \(event), \(tx.actor.name)) RETURNING id
                """)
            guard let id = try await rows.decode(Int64.self).firstElement() else { throw HuzhuError(.internal, "the booking was not stored") }
            try await tx.execute("RELEASE SAVEPOINT culture_venue_booking")
            return id
        } catch let error as PSQLError where error.sqlState == "23P01" {
            try await tx.execute("ROLLBACK TO SAVEPOINT culture_venue_booking")
            let clash = try await tx.query(
                """
                SELECT id, lower(during), upper(during), purpose FROM culture_venue_booking
                WHERE venue_id = \(venue) AND NOT cancelled AND during && tstzrange(\(from), \(to), '[)') ORDER BY lower(during) LIMIT 1
                """
            ).decode((Int64, Date, Date, String).self).firstElement()
            guard let (other, start, end, otherPurpose) = clash else {
                throw HuzhuError(.conflict, "venue \(venue) is already booked for that time", zh: "场地\(venue)该时段已被预订")
            }
            throw HuzhuError(.conflict, "venue \(venue) is already booked by booking \(other) (\(otherPurpose)) from \(time.iso(start)) to \(time.iso(end))",
                             zh: "场地\(venue)该时段已被预订：预订\(other)（\(otherPurpose)），\(time.short(start))至\(time.short(end))")
        }
    }

    /// A venue's bookings from `after` on, in time order.
    func schedule(venue: Int, after: Date, scope: [Int]) async throws -> [JSONValue] {
        try await store.read { connection in
            let village = try await connection.run("SELECT village_id FROM culture_venue WHERE id = \(venue)").decode(Int.self).firstElement()
            guard let village, scope.isEmpty || scope.contains(village) else {
                throw HuzhuError(.notFound, "no venue \(venue) in your villages: see CULTURE VENUE LIST", zh: "没有编号为\(venue)的场地")
            }
            return try await connection.run(
                """
                SELECT id, lower(during), upper(during), purpose, event_id, booked_by FROM culture_venue_booking
                WHERE venue_id = \(venue) AND NOT cancelled AND upper(during) > \(after) ORDER BY lower(during) LIMIT 200
                """
            ).decode((Int64, Date, Date, String, Int64?, String).self).all().map {
                ["booking": .int(Int($0.0)), "from": .string(time.iso($0.1)), "to": .string(time.iso($0.2)), "purpose": .string($0.3),
                 "event": $0.4.map { .int(Int($0)) } ?? .null, "booked_by": .string($0.5)]
            }
        }
    }

    func cancelBooking(_ id: Int64, actor: Actor, scope: [Int]) async throws {
        try await store.write(as: actor) { tx in
            let rows = try await tx.query(
                """
                UPDATE culture_venue_booking b SET cancelled = true FROM culture_venue v
                WHERE b.id = \(id) AND v.id = b.venue_id AND NOT b.cancelled AND b.event_id IS NULL
                  AND (cardinality(\(scope)::int[]) = 0 OR v.village_id = ANY(\(scope)::int[]))
                RETURNING b.venue_id
                """)
            guard let venue = try await rows.decode(Int.self).firstElement() else {
                throw HuzhuError(.notFound, "no open venue booking \(id) you may cancel (an event's booking goes with CULTURE EVENT CANCEL)",
                                 zh: "没有可取消的场地预订\(id)")
            }
            try await tx.audit("culture.venue.unbook", target: "culture_venue_booking:\(id)", after: ["venue": .int(venue), "cancelled": true])
        }
    }
}
