import Foundation
import HuzhuKit

// The plugin's bus events, durable (emitted in the transaction of the change). Payloads are contracts:
// documented in docs/plugins/culture.md; a new payload shape gets a new type and topic.

/// `culture.event.published`: an event is open for registration.
public struct CultureEventPublished: BusMessage {
    public static let topic = "culture.event.published"
    public let event: Int64, title: String, kind: String, village: Int, startsAt: String, capacity: Int, openTo: [Int]
    public var json: JSONValue {
        ["event": .int(Int(event)), "title": .string(title), "kind": .string(kind), "village": .int(village),
         "starts_at": .string(startsAt), "capacity": .int(capacity), "open_to": .array(openTo.map(JSONValue.int))]
    }
}

/// `culture.event.cancelled`: an event was called off; its registered were told by SMS.
public struct CultureEventCancelled: BusMessage {
    public static let topic = "culture.event.cancelled"
    public let event: Int64, title: String, reason: String, notified: Int
    public var json: JSONValue {
        ["event": .int(Int(event)), "title": .string(title), "reason": .string(reason), "notified": .int(notified)]
    }
}

/// The payload shared by the registration events; the topic says which change it was.
public struct CultureRegistrationEvent: Sendable {
    public let registration: Int64, event: Int64, member: Int64, people: Int
    /// The place on the waitlist (waitlisted only).
    public let place: Int?
    public var json: JSONValue {
        var pairs: [(String, JSONValue)] = [
            ("registration", .int(Int(registration))), ("event", .int(Int(event))), ("member", .int(Int(member))), ("people", .int(people)),
        ]
        if let place { pairs.append(("place", .int(place))) }
        return .object(pairs)
    }
}

/// `culture.registration.confirmed`: a seat is held for the member (and the people with them).
public struct CultureRegistrationConfirmed: BusMessage {
    public static let topic = "culture.registration.confirmed"
    public let body: CultureRegistrationEvent
    public var json: JSONValue { body.json }
}

/// `culture.registration.waitlisted`: the event was full; `place` is 1 for the next in line.
public struct CultureRegistrationWaitlisted: BusMessage {
    public static let topic = "culture.registration.waitlisted"
    public let body: CultureRegistrationEvent
    public var json: JSONValue { body.json }
}

/// `culture.registration.promoted`: a waitlisted registration got a seat after a cancellation.
public struct CultureRegistrationPromoted: BusMessage {
    public static let topic = "culture.registration.promoted"
    public let body: CultureRegistrationEvent
    public var json: JSONValue { body.json }
}

/// `culture.registration.cancelled`: the member (or staff) withdrew.
public struct CultureRegistrationCancelled: BusMessage {
    public static let topic = "culture.registration.cancelled"
    public let body: CultureRegistrationEvent
    public var json: JSONValue { body.json }
}

/// `culture.booking.confirmed`: a wedding or funeral booking is confirmed (its deposit was received).
public struct CultureBookingConfirmed: BusMessage {
    public static let topic = "culture.booking.confirmed"
    public let booking: Int64, member: Int64, village: Int, occasion: String, date: String, days: Int
    public let tables: Int?, quote: Int, deposit: Int, services: [String]
    public var json: JSONValue {
        ["booking": .int(Int(booking)), "member": .int(Int(member)), "village": .int(village), "occasion": .string(occasion),
         "date": .string(date), "days": .int(days), "tables": tables.map(JSONValue.int) ?? .null, "quote_yuan": .int(quote),
         "deposit_yuan": .int(deposit), "services": .array(services.map(JSONValue.string))]
    }
}

/// `culture.booking.cancelled`: a booking was cancelled; `source` is the one its labour request carried,
/// so a subscriber can withdraw the request.
public struct CultureBookingCancelled: BusMessage {
    public static let topic = "culture.booking.cancelled"
    public let booking: Int64, member: Int64, date: String, reason: String, source: String
    public var json: JSONValue {
        ["booking": .int(Int(booking)), "member": .int(Int(member)), "date": .string(date), "reason": .string(reason), "source": .string(source)]
    }
}

/// `labour.request.wanted`: hands (cooks, helpers) wanted for a booking. The labour plugin turns it into
/// a labour request; this plugin does not depend on it (the contract is the topic and this payload).
public struct LabourRequestWanted: BusMessage {
    public static let topic = "labour.request.wanted"
    public let member: Int64, task: String, date: String, crew: Int, notes: String, source: String
    public var json: JSONValue {
        ["member": .int(Int(member)), "task": .string(task), "date": .string(date), "crew": .int(crew),
         "notes": .string(notes), "source": .string(source)]
    }
}
