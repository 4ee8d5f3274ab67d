import Foundation
import HuzhuKit

/// Wedding and funeral bookings: rules, providers held for the days, quote, deposit, payment, cancel.
struct BookingStore: Sendable {
    let store: any HubStoreHandle
    private var publisher: String { CulturePlugin.identity.id }

    /// Books the services, each with a provider free for the days (the exclusion constraint
    /// `culture_provider_no_overlap` decides races), after checking the village rules; asks for the
    /// hands it needs on the bus (`labour.request.wanted`).
    func book(_ new: NewBooking, actor: Actor, scope: [Int] = [], notify: Bool) async throws -> Booking {
        try await store.write(as: actor) { tx in
            if let message = new.smsMessageID,
               let existing = try await tx.query("SELECT id FROM culture_booking WHERE sms_message_id = \(message)").decode(Int64.self).firstElement() {
                return try await Self.load(tx.connection, id: existing)
            }
            guard let village = try await tx.query("SELECT village_id FROM member WHERE id = \(new.member)").decode(Int.self).firstElement() else {
                throw HuzhuError(.notFound, "no member \(new.member)", zh: "没有成员\(new.member)")
            }
            guard scope.isEmpty || scope.contains(village) else {
                throw HuzhuError(.denied, "member \(new.member) is not in your villages", zh: "成员\(new.member)不在您管辖的村")
            }
            let services = try await resolve(tx, new)
            let broken = try await VillageRules.broken(tx.connection, village: village, occasion: new.occasion, tables: new.tables,
                                                       days: new.days, services: services.map(\.code))
            if !broken.isEmpty, new.override == nil {
                let texts = broken.map { "“\($0.text)”" }.joined(separator: "")
                // Short enough for one SMS; staff learn of override= from the command's usage and the docs.
                throw HuzhuError(.denied, "refused by the village rules: \(texts) (rule \(broken.map { String($0.id) }.joined(separator: ", ")))",
                                 zh: "按村规\(texts)，不能这样预约")
            }
            let rows = try await tx.query(
                """
                INSERT INTO culture_booking (member_id, village_id, occasion, starts_on, days, tables, helpers, quote_yuan, override_reason, sms_message_id)
                VALUES (\(new.member), \(village), \(new.occasion), \(new.date)::date, \(new.days), \(new.tables), \(new.helpers), 0,
                        \(broken.isEmpty ? nil : new.override), \(new.smsMessageID))
                RETURNING id
                """)
            guard let id = try await rows.decode(Int64.self).firstElement() else { throw HuzhuError(.internal, "the booking was not stored") }
            var quote = 0
            // Held in one order (catalogue id) whatever order they were named in, so two bookings waiting
            // for each other's providers cannot deadlock.
            for service in services.sorted(by: { $0.id < $1.id }) {
                let quantity = service.unit == "table" ? (new.tables ?? 0) : service.unit == "day" ? new.days : 1
                try await hold(tx, booking: id, service: service, quantity: quantity, village: village, date: new.date, days: new.days)
                quote += quantity * service.priceYuan
            }
            try await tx.execute("UPDATE culture_booking SET quote_yuan = \(quote) WHERE id = \(id)")
            let booking = try await Self.load(tx.connection, id: id)
            try await tx.audit("culture.booking.add", target: "culture_booking:\(id)", after: booking.json)
            if !broken.isEmpty, let reason = new.override {
                try await tx.audit("culture.booking.override", target: "culture_booking:\(id)",
                                   after: ["reason": .string(reason), "rules": .array(broken.map(\.json))])
            }
            // The hands the services need are asked for in the booking's own transaction, once (a redelivered
            // SMS returns above); the labour plugin turns the message into a request.
            if let hands = booking.handsWanted {
                try await tx.emit(LabourRequestWanted(member: booking.member, task: hands.task, date: booking.date, crew: hands.crew,
                                                      notes: hands.notes, source: "culture.booking:\(id)"), publisher: publisher)
            }
            if notify { try await tx.notify(member: new.member, CultureReplies.booked(booking)) }
            return booking
        }
    }

    /// The services asked for (or the package), each checked against the occasion.
    private func resolve(_ tx: WriteTransaction, _ new: NewBooking) async throws -> [CultureService] {
        let all = try await tx.query("SELECT \(unescaped: CultureService.columns) FROM culture_service ORDER BY id")
            .decode(CultureService.Row.self).all().map(CultureService.init)
        let chosen: [CultureService]
        if let codes = new.services {
            chosen = try codes.map { code throws(HuzhuError) in
                guard let service = all.first(where: { $0.code == code }) else {
                    throw HuzhuError(.notFound, "no service \(code): see CULTURE SERVICE LIST", zh: "没有服务项目\(code)")
                }
                return service
            }
        } else {
            chosen = all.filter { $0.inPackage && $0.occasions.contains(new.occasion) }
        }
        guard !chosen.isEmpty else {
            throw HuzhuError(.invalid, "no services to book: name them with services=<code>,… or mark some as package",
                             zh: "没有可预约的服务项目，请联系服务中心")
        }
        if let wrong = chosen.first(where: { !$0.occasions.contains(new.occasion) }) {
            throw HuzhuError(.invalid, "\(wrong.code) is not offered for a \(new.occasion)", zh: "\(wrong.name)不用于\(new.occasion == "wedding" ? "婚宴" : "丧事")")
        }
        if new.tables == nil, let table = chosen.first(where: { $0.unit == "table" }) {
            throw HuzhuError(.invalid, "\(table.code) is priced per table: say how many tables (tables=<n>)",
                             zh: "\(table.name)按桌计价，请写桌数，如：预约 婚宴 10月1日 15桌")
        }
        return chosen
    }

    /// Holds a provider of `service` for the days: the nearest free one; on a race the constraint refuses
    /// the insert and the next provider is tried; when none is left the CONFLICT names who holds the last.
    private func hold(_ tx: WriteTransaction, booking: Int64, service: CultureService, quantity: Int, village: Int, date: String, days: Int) async throws {
        var tried: [Int] = []
        while true {
            let candidate = try await tx.query(
                """
                SELECT p.id FROM culture_provider p
                WHERE p.service_id = \(service.id) AND p.active AND NOT (p.id = ANY(\(tried)::int[]))
                  AND NOT EXISTS (SELECT 1 FROM culture_booking_item i WHERE i.provider_id = p.id AND i.active
                                  AND i.during && daterange(\(date)::date, \(date)::date + \(days)::int, '[)'))
                ORDER BY (p.village_id IS NOT DISTINCT FROM \(village)) DESC, p.id LIMIT 1
                """
            ).decode(Int.self).firstElement()
            guard let provider = candidate else {
                let holder = try await tx.query(
                    """
                    SELECT i.booking_id, p.name FROM culture_booking_item i JOIN culture_provider p ON p.id = i.provider_id
                    WHERE p.service_id = \(service.id) AND i.active AND i.during && daterange(\(date)::date, \(date)::date + \(days)::int, '[)')
                    ORDER BY i.id LIMIT 1
                    """
                ).decode((Int64, String).self).firstElement()
                let who = holder.map { " (\($0.1) is held by booking \($0.0))" } ?? ""
                let whoZh = holder.map { "（\($0.1)已被预约\($0.0)占用）" } ?? ""
                throw HuzhuError(.conflict, "no \(service.code) provider is free from \(date) for \(days) day(s)\(who)",
                                 zh: "\(CultureTime.chineseDay(date))\(service.name)已约满\(whoZh)，请换个日子")
            }
            tried.append(provider)
            try await tx.execute("SAVEPOINT culture_hold")
            do {
                // Holds of one provider queue on its row first, so the exclusion constraint only ever meets
                // committed holds. Left to itself, it lets two concurrent inserts each see the other's entry
                // and wait for each other (PostgreSQL checks exclusion after inserting): a deadlock, one side
                // refused without a word about who holds the team — even when another team was free. Taken
                // inside the savepoint, the lock goes again when this provider turns out to be held.
                try await tx.execute("SELECT 1 FROM culture_provider WHERE id = \(provider) FOR NO KEY UPDATE")
                try await tx.execute(
                    """
                    INSERT INTO culture_booking_item (booking_id, service_id, provider_id, quantity, amount_yuan, during)
                    VALUES (\(booking), \(service.id), \(provider), \(quantity), \(quantity * service.priceYuan),
                            daterange(\(date)::date, \(date)::date + \(days)::int, '[)'))
                    """)
                try await tx.execute("RELEASE SAVEPOINT culture_hold")
                return
            } catch let error as PSQLError where error.sqlState == "23P01" {
                try await tx.execute("ROLLBACK TO SAVEPOINT culture_hold")
            }
        }
    }

    /// Records the deposit: the booking is confirmed and `culture.booking.confirmed` is published.
    func deposit(id: Int64, amount: Int, actor: Actor, scope: [Int]) async throws -> Booking {
        try await store.write(as: actor) { tx in
            let before = try await Self.locked(tx, id: id, scope: scope)
            guard before.status == "booked" else {
                throw HuzhuError(.conflict, "booking \(id) is \(before.status): a deposit is taken once, on a new booking", zh: "预约\(id)当前状态为\(before.status)")
            }
            try await tx.execute("UPDATE culture_booking SET deposit_yuan = \(amount), status = 'confirmed' WHERE id = \(id)")
            let booking = try await Self.load(tx.connection, id: id)
            try await tx.audit("culture.booking.deposit", target: "culture_booking:\(id)", before: before.json, after: booking.json)
            try await tx.emit(CultureBookingConfirmed(
                booking: id, member: booking.member, village: booking.village, occasion: booking.occasion, date: booking.date,
                days: booking.days, tables: booking.tables, quote: booking.quote, deposit: amount, services: booking.items.map(\.service)),
                              publisher: publisher)
            try await tx.notify(member: booking.member, LocalizedText(
                en: "Booking \(id) confirmed: deposit \(amount) yuan received, \(booking.quote - amount) to pay.",
                zh: "预约\(id)已确认：收到定金\(amount)元，尚余\(booking.quote - amount)元。"))
            return booking
        }
    }

    /// Records a payment; fully paid bookings become `paid`.
    func pay(id: Int64, amount: Int, actor: Actor, scope: [Int]) async throws -> Booking {
        try await store.write(as: actor) { tx in
            let before = try await Self.locked(tx, id: id, scope: scope)
            guard before.status == "confirmed" else {
                throw HuzhuError(.conflict, "booking \(id) is \(before.status): payments follow the deposit (CULTURE BOOKING DEPOSIT)",
                                 zh: "预约\(id)当前状态为\(before.status)，请先收定金")
            }
            guard before.deposit + before.paid + amount <= before.quote else {
                throw HuzhuError(.invalid, "booking \(id) has \(before.quote - before.deposit - before.paid) yuan left to pay, not \(amount)",
                                 zh: "预约\(id)尚余\(before.quote - before.deposit - before.paid)元")
            }
            try await tx.execute(
                """
                UPDATE culture_booking SET paid_yuan = paid_yuan + \(amount),
                       status = CASE WHEN deposit_yuan + paid_yuan + \(amount) = quote_yuan THEN 'paid' ELSE status END
                WHERE id = \(id)
                """)
            let booking = try await Self.load(tx.connection, id: id)
            try await tx.audit("culture.booking.pay", target: "culture_booking:\(id)", before: before.json, after: booking.json)
            return booking
        }
    }

    /// Cancels a booking and frees its providers. `member`: only that member's booking (SMS 取消).
    /// Returns nil when there is no such booking.
    func cancel(id: Int64, member: Int64?, reason: String, actor: Actor, scope: [Int] = []) async throws -> Booking? {
        try await store.write(as: actor) { tx in
            let owner = try await tx.query("SELECT member_id, village_id FROM culture_booking WHERE id = \(id) FOR UPDATE")
                .decode((Int64, Int).self).firstElement()
            guard let (bookingMember, village) = owner, member == nil || member == bookingMember else { return nil }
            guard scope.isEmpty || scope.contains(village) else {
                throw HuzhuError(.denied, "booking \(id) is not in your villages", zh: "预约\(id)不在您管辖的村")
            }
            let before = try await Self.load(tx.connection, id: id)
            guard before.status != "cancelled" else {
                throw HuzhuError(.conflict, "booking \(id) is already cancelled", zh: "预约\(id)已取消")
            }
            try await tx.execute("UPDATE culture_booking SET status = 'cancelled' WHERE id = \(id)")
            try await tx.execute("UPDATE culture_booking_item SET active = false WHERE booking_id = \(id)")
            let booking = try await Self.load(tx.connection, id: id)
            try await tx.audit("culture.booking.cancel", target: "culture_booking:\(id)", before: before.json,
                               after: ["status": "cancelled", "reason": .string(reason)])
            try await tx.emit(CultureBookingCancelled(booking: id, member: booking.member, date: booking.date, reason: reason,
                                                      source: "culture.booking:\(id)"), publisher: publisher)
            return booking
        }
    }

    func show(id: Int64, scope: [Int]) async throws -> Booking {
        try await store.read { connection in
            let booking = try await Self.load(connection, id: id)
            guard scope.isEmpty || scope.contains(booking.village) else {
                throw HuzhuError(.notFound, "no booking \(id) in your villages", zh: "您管辖的村没有预约\(id)")
            }
            return booking
        }
    }

    func list(village: Int?, member: Int64?, from: String?, scope: [Int]) async throws -> [Booking] {
        try await store.read { connection in
            let ids = try await connection.run(
                """
                SELECT id FROM culture_booking
                WHERE (\(village)::int IS NULL OR village_id = \(village)) AND (\(member)::bigint IS NULL OR member_id = \(member))
                  AND (\(from)::date IS NULL OR starts_on >= \(from)::date)
                  AND (cardinality(\(scope)::int[]) = 0 OR village_id = ANY(\(scope)::int[]))
                ORDER BY starts_on, id LIMIT 200
                """
            ).decode(Int64.self).all()
            var bookings: [Booking] = []
            for id in ids { bookings.append(try await Self.load(connection, id: id)) }
            return bookings
        }
    }

    static func load(_ connection: PostgresConnection, id: Int64) async throws -> Booking {
        guard let row = try await connection.run("SELECT \(unescaped: Booking.columns) FROM culture_booking WHERE id = \(id)")
            .decode(Booking.Row.self).firstElement() else {
            throw HuzhuError(.notFound, "no booking \(id): see CULTURE BOOKING LIST", zh: "没有预约\(id)")
        }
        let items = try await connection.run(
            """
            SELECT s.code, s.name, p.id, p.name, i.quantity, i.amount_yuan, s.hands_task, s.hands_crew
            FROM culture_booking_item i JOIN culture_service s ON s.id = i.service_id JOIN culture_provider p ON p.id = i.provider_id
            WHERE i.booking_id = \(id) ORDER BY i.id
            """
        ).decode((String, String, Int, String, Int, Int, String?, Int).self).all().map {
            Booking.Item(service: $0.0, name: $0.1, provider: $0.2, providerName: $0.3, quantity: $0.4, amount: $0.5, handsTask: $0.6, handsCrew: $0.7)
        }
        return Booking(row, items: items)
    }

    static func locked(_ tx: WriteTransaction, id: Int64, scope: [Int]) async throws -> Booking {
        _ = try await tx.query("SELECT 1 FROM culture_booking WHERE id = \(id) FOR UPDATE").all()
        let booking = try await load(tx.connection, id: id)
        guard scope.isEmpty || scope.contains(booking.village) else {
            throw HuzhuError(.notFound, "no booking \(id) in your villages", zh: "您管辖的村没有预约\(id)")
        }
        return booking
    }
}
