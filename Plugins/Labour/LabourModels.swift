import HuzhuKit

/// A farmer's request for hands.
struct LabourRequest: Sendable {
    var id: Int64
    var member: Int64
    var household: Int64?
    var village: Int
    var task: String
    var areaMu: Double?
    var dateFrom: String
    var dateTo: String
    var crew: Int
    var notes: String
    var priority: Bool
    var enteredBy: String
    var source: String?
    var state: String

    static let columns = "r.id, r.member_id, r.household_id, r.village_id, r.task, r.area_mu, r.date_from::text, r.date_to::text, r.crew, r.notes, r.priority, r.entered_by, r.source, r.state"
    typealias Row = (Int64, Int64, Int64?, Int, String, Double?, String, String, Int, String, Bool, String, String?, String)

    init(_ row: Row) {
        (id, member, household, village, task, areaMu, dateFrom, dateTo, crew, notes, priority, enteredBy, source, state) = row
    }

    var json: JSONValue {
        ["id": .int(Int(id)), "member": .int(Int(member)), "household": household.map { .int(Int($0)) } ?? .null,
         "village": .int(village), "task": .string(task), "area_mu": areaMu.map(JSONValue.double) ?? .null,
         "date": .string(dateFrom), "date_to": .string(dateTo), "crew": .int(crew), "notes": .string(notes),
         "priority": .bool(priority), "entered_by": .string(enteredBy), "source": .optional(source), "state": .string(state)]
    }
}

/// The assignment of worker(s) to a request.
struct LabourJob: Sendable {
    var id: Int64
    var request: Int64
    var day: String
    var crew: Int
    var state: String
    var team: Int64?
    var leader: Int64?
    var price: Double?
    var rating: Int?
    var paidAmount: Double?
    var paidMethod: String?
    var workers: [Int64] = []

    static let columns = "j.id, j.request_id, j.day::text, j.crew, j.state, j.team_id, j.leader_id, j.price, j.rating, j.paid_amount, j.paid_method"
    typealias Row = (Int64, Int64, String, Int, String, Int64?, Int64?, Double?, Int?, Double?, String?)

    init(_ row: Row) {
        (id, request, day, crew, state, team, leader, price, rating, paidAmount, paidMethod) = row
    }

    var json: JSONValue {
        ["id": .int(Int(id)), "request": .int(Int(request)), "date": .string(day), "crew": .int(crew), "state": .string(state),
         "team": team.map { .int(Int($0)) } ?? .null, "leader": leader.map { .int(Int($0)) } ?? .null,
         "price": price.map(JSONValue.double) ?? .null, "rating": rating.map(JSONValue.int) ?? .null,
         "paid_amount": paidAmount.map(JSONValue.double) ?? .null, "paid_method": .optional(paidMethod),
         "workers": .array(workers.map { .int(Int($0)) })]
    }
}

/// A worker's skill: a task with a level and a price.
struct LabourSkill: Sendable, Equatable {
    var task: String
    var level: Int
    var price: Double
    var unit: String

    var json: JSONValue { ["task": .string(task), "level": .int(level), "price": .double(price), "unit": .string(unit)] }
    var text: String { "\(task):\(level):\(LabourFormat.number(price))/\(unit)" }
}

/// A craftsman.
struct LabourWorker: Sendable {
    var id: Int64
    var name: String
    var village: Int
    var travelKm: Double
    var equipment: [String]
    var weekdays: Int
    var status: String
    var ratingSum: Int
    var ratingCount: Int
    var notes: String
    var skills: [LabourSkill] = []
    var daysOff: [String] = []

    var json: JSONValue {
        ["id": .int(Int(id)), "name": .string(name), "village": .int(village), "travel_km": .double(travelKm),
         "equipment": .array(equipment.map { .string($0) }), "days": .string(LabourFormat.weekdays(weekdays)), "status": .string(status),
         "rating": ratingCount == 0 ? .null : .double((Double(ratingSum) / Double(ratingCount) * 10).rounded() / 10),
         "ratings": .int(ratingCount), "notes": .string(notes), "skills": .array(skills.map(\.json)),
         "days_off": .array(daysOff.map { .string($0) })]
    }
}

/// Small formatting helpers shared by replies.
enum LabourFormat {
    /// `5`, `5.5`, `12.25`.
    static func number(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String((value * 100).rounded() / 100)
    }

    /// `1234567` for every day, `12345` for weekdays (1 = Monday).
    static func weekdays(_ mask: Int) -> String {
        (1...7).filter { mask & (1 << ($0 - 1)) != 0 }.map(String.init).joined()
    }

    /// `2026-06-12` → `6月12日`.
    static func zhDate(_ iso: String) -> String {
        let parts = iso.split(separator: "-")
        guard parts.count == 3, let month = Int(parts[1]), let day = Int(parts[2]) else { return iso }
        return "\(month)月\(day)日"
    }

    /// A phone number as people at home write it: `+8613800138000` → `13800138000`.
    static func phone(_ e164: String?) -> String {
        guard let e164 else { return "-" }
        return e164.hasPrefix("+86") ? String(e164.dropFirst(3)) : e164
    }
}
