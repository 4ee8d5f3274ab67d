import Foundation
import HuzhuKit

/// The kinds of event, with the words replies use.
enum EventKind: String, CaseIterable, Sendable {
    case performance, `class`, film, sports, meeting, other

    var zh: String {
        switch self {
        case .performance: "演出"
        case .class: "培训"
        case .film: "电影"
        case .sports: "体育"
        case .meeting: "会议"
        case .other: "活动"
        }
    }
}

/// An event or class as stored.
struct CultureEvent: Sendable {
    var id: Int64
    var kind: String
    var subject: String
    var title: String
    var villageID: Int
    var venueID: Int?
    var venueName: String?
    var startsAt: Date
    var endsAt: Date
    var capacity: Int
    var confirmed: Int
    var waitlisted: Int
    var feeYuan: Int
    var organiser: String
    var openTo: [Int]
    var status: String

    /// The columns `init(row:)` reads, in order.
    static let columns = """
        e.id, e.kind, e.subject, e.title, e.village_id, e.venue_id, v.name, e.starts_at, e.ends_at, e.capacity, e.confirmed,
        (SELECT count(*)::int FROM culture_registration r WHERE r.event_id = e.id AND r.status = 'waitlisted'),
        e.fee_yuan, e.organiser, e.open_to::int8[], e.status
        """
    static let from = "culture_event e LEFT JOIN culture_venue v ON v.id = e.venue_id"

    typealias Row = (Int64, String, String, String, Int, Int?, String?, Date, Date, Int, Int, Int, Int, String, [Int64], String)

    init(_ row: Row) {
        (id, kind, subject, title, villageID, venueID, venueName, startsAt, endsAt, capacity, confirmed, waitlisted, feeYuan, organiser, _, status) = row
        openTo = row.14.map { Int($0) }
    }

    func json(_ time: CultureTime) -> JSONValue {
        ["id": .int(Int(id)), "kind": .string(kind), "subject": .string(subject), "title": .string(title), "village": .int(villageID),
         "venue": venueID.map(JSONValue.int) ?? .null, "venue_name": .optional(venueName),
         "starts_at": .string(time.iso(startsAt)), "ends_at": .string(time.iso(endsAt)), "capacity": .int(capacity),
         "confirmed": .int(confirmed), "waitlisted": .int(waitlisted), "fee_yuan": .int(feeYuan), "organiser": .string(organiser),
         "open_to": .array(openTo.map(JSONValue.int)), "status": .string(status)]
    }
}
