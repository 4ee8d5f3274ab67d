import Foundation
import HuzhuKit

/// What 活动, 报名, 预约 and 取消 do for the sender.
struct CultureSMSHandlers: Sendable {
    let stores: CultureStores

    func handle(_ request: SMSRequest) async throws -> LocalizedText {
        guard let member = request.memberID else {
            return LocalizedText(en: "Please register first: REG <name> <village>", zh: "请先注册：注册 姓名 村名")
        }
        do {
            switch request.intent {
            case CultureSMS.list: return try await list(member: member, village: request.villageID, at: request.receivedAt)
            case CultureSMS.join: return try await join(request, member: member)
            case CultureSMS.book: return try await book(request, member: member)
            default: return LocalizedText(en: "This service is not available now.", zh: "该服务暂未开通。")
            }
        } catch let error as HuzhuError where error.code != .internal && error.code != .unavailable {
            // Refusals (full rules, unknown event, not open to the village) are the reply.
            return error.message
        }
    }

    private func list(member: Int64, village known: Int?, at: Date) async throws -> LocalizedText {
        let village: Int
        if let known { village = known } else { village = try await stores.events.villageOf(member: member) }
        let events = try await stores.events.upcoming(forVillage: village, after: at, limit: stores.settings.listCount)
        return CultureReplies.listing(events, time: stores.time)
    }

    private func join(_ request: SMSRequest, member: Int64) async throws -> LocalizedText {
        guard case .int(let event)? = request.slots["event"] else {
            return LocalizedText(en: "Write the event number, e.g. JOIN 7", zh: "请写活动编号，如：报名 7")
        }
        var people = 1
        if case .int(let count)? = request.slots["people"] { people = count }
        let outcome = try await stores.registrations.register(event: Int64(event), member: member, people: people, actor: request.actor, notify: false)
        return CultureReplies.registered(outcome, time: stores.time)
    }

    private func book(_ request: SMSRequest, member: Int64) async throws -> LocalizedText {
        guard case .string(let occasion)? = request.slots["service"], case .string(let date)? = request.slots["date"] else {
            return LocalizedText(en: "e.g. BOOK wedding 10/1 15 tables", zh: "如：预约 婚宴 10月1日 15桌")
        }
        var tables: Int?
        if case .int(let count)? = request.slots["tables"] { tables = count }
        let today = stores.time.dayString(request.receivedAt)
        guard date > today else {
            return LocalizedText(en: "Book at least a day ahead.", zh: "请至少提前一天预约。")
        }
        let booking = try await stores.bookings.book(
            NewBooking(member: member, occasion: occasion, date: date,
                       days: occasion == "wedding" ? stores.settings.weddingDays : stores.settings.funeralDays,
                       tables: tables, services: nil, helpers: 0, override: nil, smsMessageID: request.messageID),
            actor: request.actor, notify: false)
        return CultureReplies.booked(booking)
    }

    /// `取消 <ref>`: the sender's registration for event ref, else the sender's booking numbered ref.
    func cancel(_ request: SMSRequest, ref: Int64) async throws -> LocalizedText? {
        guard let member = request.memberID else { return nil }
        // 取消 asks every plugin in turn: one read says whether the number is this member's registration or
        // booking before any write transaction is opened.
        enum OwnEntries: PreparedStatementName {}
        let (registered, booked) = try await stores.registrations.store.read { connection in
            try await connection.prepared(OwnEntries.self,
                """
                SELECT EXISTS (SELECT 1 FROM culture_registration WHERE event_id = \(ref) AND member_id = \(member) AND status <> 'cancelled'),
                       EXISTS (SELECT 1 FROM culture_booking WHERE id = \(ref) AND member_id = \(member))
                """, logger: CultureLog.logger).decode((Bool, Bool).self).firstElement() ?? (false, false)
        }
        do {
            if registered, let outcome = try await stores.registrations.cancel(event: ref, member: member, actor: request.actor) {
                return CultureReplies.cancelledRegistration(outcome)
            }
            if booked, let booking = try await stores.bookings.cancel(id: ref, member: member, reason: "取消 by SMS", actor: request.actor) {
                return CultureReplies.cancelledBooking(booking)
            }
            return nil
        } catch let error as HuzhuError where error.code == .conflict {
            return error.message  // e.g. the booking was already cancelled
        }
    }
}
