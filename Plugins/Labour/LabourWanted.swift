import HuzhuKit

/// `labour.request.wanted`, published durably by other plugins (the cultural association, when a wedding
/// or funeral booking needs hands). Read by topic and JSON only — no dependency on the publisher:
/// `{"member": Int, "task": String, "date": "YYYY-MM-DD", "crew": Int, "notes": String, "source": String}`.
/// `source` is unique per raise, so redelivery (at least once) never makes a second request.
struct LabourWanted: Sendable {
    static let topic = "labour.request.wanted"
    var member: Int64
    var task: String
    var date: String
    var crew: Int
    var notes: String
    var source: String

    init(json: JSONValue) throws {
        guard case .int(let member)? = json["member"], case .string(let task)? = json["task"], case .string(let date)? = json["date"],
              case .string(let source)? = json["source"], !source.isEmpty else {
            throw HuzhuError(.invalid, "labour.request.wanted needs member, task, date and source")
        }
        self.member = Int64(member)
        self.task = task
        self.date = date
        if case .int(let crew)? = json["crew"] { self.crew = min(max(crew, 1), 99) } else { self.crew = 1 }
        if case .string(let notes)? = json["notes"] { self.notes = notes } else { self.notes = "" }
        self.source = source
    }

    /// Creates the request (actor `plugin:<publisher>` acting for the member, audited) and offers it.
    static func handle(_ labour: LabourStore, _ envelope: BusEnvelope) async throws {
        let wanted = try LabourWanted(json: envelope.message.json)
        let actor = Actor("plugin:\(envelope.publisher)", onBehalfOf: wanted.member)
        _ = try await labour.createRequest(
            NewLabourRequest(member: wanted.member, task: wanted.task, dateFrom: wanted.date, dateTo: nil, areaMu: nil, crew: wanted.crew,
                             notes: wanted.notes, source: wanted.source), scope: [], actor: actor)
    }
}

/// `culture.booking.cancelled` (published by the cultural plugin, read here by topic and JSON only): the
/// wedding or funeral that wanted hands is off, so the request raised for it (same `source`) is cancelled
/// and its workers told.
enum LabourWantedWithdrawn {
    static let topic = "culture.booking.cancelled"

    static func handle(_ labour: LabourStore, _ envelope: BusEnvelope) async throws {
        guard case .string(let source)? = envelope.message.json["source"], !source.isEmpty else { return }
        let actor = Actor("plugin:\(envelope.publisher)")
        let open = try await labour.store.read { connection in
            try await connection.query(
                "SELECT id FROM labour_request WHERE source = \(source) AND state IN ('open', 'matched')", logger: labour.logger).decode(Int64.self).firstElement()
        }
        guard let id = open else { return }  // never raised, or already done or cancelled
        _ = try await labour.cancelRequest(id, member: nil, scope: [], actor: actor)
    }
}
