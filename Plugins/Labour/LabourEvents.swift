import HuzhuKit

// The industry association's bus events (durable: emitted in the transaction that made the change).
// Their JSON payloads are contracts for other plugins, documented in docs/plugins/labour.md; a change of
// payload is a new topic, never an edit of these.

/// `labour.request.created`: a farmer (or staff on their behalf, or another plugin) asked for hands.
public struct LabourRequestCreated: BusMessage {
    public static let topic = "labour.request.created"
    public let request: Int64, member: Int64, household: Int64?, village: Int, task: String
    public let date: String, dateTo: String, areaMu: Double?, crew: Int, priority: Bool, enteredBy: String, source: String?

    public var json: JSONValue {
        ["request": .int(Int(request)), "member": .int(Int(member)), "household": household.map { .int(Int($0)) } ?? .null,
         "village": .int(village), "task": .string(task), "date": .string(date), "date_to": .string(dateTo),
         "area_mu": areaMu.map(JSONValue.double) ?? .null, "crew": .int(crew), "priority": .bool(priority),
         "entered_by": .string(enteredBy), "source": .optional(source)]
    }
}

/// `labour.job.offered`: offers went out by SMS to these workers.
public struct LabourJobOffered: BusMessage {
    public static let topic = "labour.job.offered"
    public let job: Int64, request: Int64, task: String, date: String, workers: [Int64], expiresAt: String

    public var json: JSONValue {
        ["job": .int(Int(job)), "request": .int(Int(request)), "task": .string(task), "date": .string(date),
         "workers": .array(workers.map { .int(Int($0)) }), "expires_at": .string(expiresAt)]
    }
}

/// `labour.job.assigned`: the crew is complete (by accepted offers, staff, or a committed day plan).
public struct LabourJobAssigned: BusMessage {
    public static let topic = "labour.job.assigned"
    public let job: Int64, request: Int64, task: String, member: Int64, village: Int, date: String, workers: [Int64], leader: Int64?
    public let price: Double?

    public var json: JSONValue {
        ["job": .int(Int(job)), "request": .int(Int(request)), "task": .string(task), "member": .int(Int(member)),
         "village": .int(village), "date": .string(date), "workers": .array(workers.map { .int(Int($0)) }),
         "leader": leader.map { .int(Int($0)) } ?? .null, "price": price.map(JSONValue.double) ?? .null]
    }
}

/// `labour.job.done`: the work is finished. The sales plugin offers to list produce after `harvest`/`pick`.
public struct LabourJobDone: BusMessage {
    public static let topic = "labour.job.done"
    public let job: Int64, request: Int64, task: String, member: Int64, household: Int64?, village: Int, date: String
    public let areaMu: Double?, workers: [Int64]

    public var json: JSONValue {
        ["job": .int(Int(job)), "request": .int(Int(request)), "task": .string(task), "member": .int(Int(member)),
         "household": household.map { .int(Int($0)) } ?? .null, "village": .int(village), "date": .string(date),
         "area_mu": areaMu.map(JSONValue.double) ?? .null, "workers": .array(workers.map { .int(Int($0)) })]
    }
}

/// `labour.job.cancelled`: a job was called off (by the farmer, staff, or because its request was cancelled).
public struct LabourJobCancelled: BusMessage {
    public static let topic = "labour.job.cancelled"
    public let job: Int64, request: Int64, date: String, workers: [Int64], reason: String

    public var json: JSONValue {
        ["job": .int(Int(job)), "request": .int(Int(request)), "date": .string(date),
         "workers": .array(workers.map { .int(Int($0)) }), "reason": .string(reason)]
    }
}
