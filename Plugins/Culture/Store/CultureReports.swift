import Foundation
import HuzhuKit

/// Attendance per event, the monthly report, and the day-before reminders.
struct CultureReports: Sendable {
    let store: any HubStoreHandle
    let time: CultureTime

    /// Who registered and who came.
    func attendance(event id: Int64, scope: [Int]) async throws -> JSONValue {
        try await store.read { connection in
            let row = try await connection.run(
                """
                SELECT e.title, e.capacity, e.village_id,
                       COALESCE(sum(r.people) FILTER (WHERE r.status = 'confirmed'), 0)::int,
                       COALESCE(sum(r.people) FILTER (WHERE r.status = 'waitlisted'), 0)::int,
                       count(*) FILTER (WHERE r.checked_in_at IS NOT NULL)::int,
                       COALESCE(sum(r.attended) FILTER (WHERE r.checked_in_at IS NOT NULL), 0)::int
                FROM culture_event e LEFT JOIN culture_registration r ON r.event_id = e.id
                WHERE e.id = \(id) GROUP BY e.id
                """
            ).decode((String, Int, Int, Int, Int, Int, Int).self).firstElement()
            guard let (title, capacity, village, confirmed, waiting, checkedIn, attended) = row, scope.isEmpty || scope.contains(village) else {
                throw HuzhuError(.notFound, "no event \(id): see CULTURE EVENT LIST", zh: "没有编号为\(id)的活动")
            }
            let rate = confirmed == 0 ? 0 : Double(attended) / Double(confirmed)
            return ["event": .int(Int(id)), "title": .string(title), "capacity": .int(capacity), "confirmed_people": .int(confirmed),
                    "waitlisted_people": .int(waiting), "checked_in_registrations": .int(checkedIn), "attended_people": .int(attended),
                    "attendance_rate": .double((rate * 1000).rounded() / 1000)]
        }
    }

    /// The month's events by kind, attendance, services booked and income (`YYYY-MM`).
    func monthly(month: String, village: Int?, scope: [Int]) async throws -> JSONValue {
        try await store.read { connection in
            let start = "\(month)-01"
            let events = try await connection.run(
                """
                SELECT e.kind, count(DISTINCT e.id)::int, COALESCE(sum(r.people) FILTER (WHERE r.status = 'confirmed'), 0)::int,
                       COALESCE(sum(r.attended) FILTER (WHERE r.checked_in_at IS NOT NULL), 0)::int
                FROM culture_event e LEFT JOIN culture_registration r ON r.event_id = e.id
                WHERE e.status = 'published' AND e.starts_at >= (\(start)::date::timestamp AT TIME ZONE \(time.timeZone.identifier))
                  AND e.starts_at < ((\(start)::date + interval '1 month')::timestamp AT TIME ZONE \(time.timeZone.identifier))
                  AND (\(village)::int IS NULL OR e.village_id = \(village))
                  AND (cardinality(\(scope)::int[]) = 0 OR e.village_id = ANY(\(scope)::int[]))
                GROUP BY e.kind ORDER BY e.kind
                """
            ).decode((String, Int, Int, Int).self).all()
            let bookings = try await connection.run(
                """
                SELECT b.occasion, count(*)::int, COALESCE(sum(b.quote_yuan), 0)::int, COALESCE(sum(b.deposit_yuan + b.paid_yuan), 0)::int
                FROM culture_booking b
                WHERE b.status <> 'cancelled' AND b.starts_on >= \(start)::date AND b.starts_on < (\(start)::date + interval '1 month')
                  AND (\(village)::int IS NULL OR b.village_id = \(village))
                  AND (cardinality(\(scope)::int[]) = 0 OR b.village_id = ANY(\(scope)::int[]))
                GROUP BY b.occasion ORDER BY b.occasion
                """
            ).decode((String, Int, Int, Int).self).all()
            let services = try await connection.run(
                """
                SELECT s.code, count(*)::int, COALESCE(sum(i.amount_yuan), 0)::int
                FROM culture_booking_item i JOIN culture_booking b ON b.id = i.booking_id JOIN culture_service s ON s.id = i.service_id
                WHERE i.active AND b.starts_on >= \(start)::date AND b.starts_on < (\(start)::date + interval '1 month')
                  AND (\(village)::int IS NULL OR b.village_id = \(village))
                  AND (cardinality(\(scope)::int[]) = 0 OR b.village_id = ANY(\(scope)::int[]))
                GROUP BY s.code ORDER BY s.code
                """
            ).decode((String, Int, Int).self).all()
            return [
                "month": .string(month), "village": village.map(JSONValue.int) ?? .null,
                "events": .array(events.map { ["kind": .string($0.0), "events": .int($0.1), "registered_people": .int($0.2), "attended_people": .int($0.3)] }),
                "bookings": .array(bookings.map { ["occasion": .string($0.0), "bookings": .int($0.1), "quoted_yuan": .int($0.2), "received_yuan": .int($0.3)] }),
                "services": .array(services.map { ["service": .string($0.0), "booked": .int($0.1), "amount_yuan": .int($0.2)] }),
                "income_yuan": .int(bookings.reduce(0) { $0 + $1.3 }),
            ]
        }
    }

    /// Reminds everyone confirmed for an event on `day` (and every booking starting then), once: the
    /// outbox holds them through quiet hours. Returns how many SMS were queued. The daily job runs as
    /// `plugin:culture`; `CULTURE REMIND` as the account that ran it.
    func remind(day: String, actor: Actor = Actor("plugin:culture")) async throws -> (events: Int, registrations: Int, bookings: Int) {
        try await store.write(as: actor) { tx in
            let zone = time.timeZone.identifier
            let events = try await tx.query(
                """
                UPDATE culture_event SET reminded_on = \(day)::date
                WHERE status = 'published' AND reminded_on IS NULL
                  AND starts_at >= (\(day)::date::timestamp AT TIME ZONE \(zone))
                  AND starts_at < ((\(day)::date + 1)::timestamp AT TIME ZONE \(zone))
                RETURNING id, title, starts_at
                """
            ).decode((Int64, String, Date).self).all()
            var registrations = 0
            for (id, title, startsAt) in events {
                let members = try await tx.query(
                    "SELECT member_id FROM culture_registration WHERE event_id = \(id) AND status = 'confirmed' ORDER BY id"
                ).decode(Int64.self).all()
                for member in members {
                    try await tx.notify(member: member, CultureReplies.reminder(event: id, title: title, startsAt: startsAt, time: time))
                }
                registrations += members.count
            }
            let bookings = try await tx.query(
                """
                UPDATE culture_booking SET reminded = true
                WHERE starts_on = \(day)::date AND status IN ('booked', 'confirmed', 'paid') AND NOT reminded
                RETURNING id, member_id, occasion
                """
            ).decode((Int64, Int64, String).self).all()
            for (id, member, occasion) in bookings {
                try await tx.notify(member: member, LocalizedText(
                    en: "Reminder: your \(occasion) services (booking \(id)) start tomorrow.",
                    zh: "提醒：您预约的\(occasion == "wedding" ? "婚宴" : "丧事")服务（预约\(id)）明天开始。"))
            }
            try await tx.audit("culture.remind", target: "culture_day:\(day)",
                               after: ["events": .int(events.count), "registrations": .int(registrations), "bookings": .int(bookings.count)])
            return (events.count, registrations, bookings.count)
        }
    }
}
