import Foundation
import HuzhuBus
@testable import HuzhuCore
import HuzhuKit
import HuzhuTesting
import PostgresNIO
import Testing

struct Announced: DecodableBusMessage {
    static let topic = "replay.announced"
    let text: String
    var json: JSONValue { ["text": .string(text)] }
    init(text: String) { self.text = text }
    init(json: JSONValue) throws {
        guard case .string(let text)? = json["text"] else { throw HuzhuError(.invalid, "no text") }
        self.text = text
    }
}

/// Durable events: written with the change, published after the commit, replayed after a crash.
@Suite struct OutboxTests {
    func pending(_ client: PostgresClient) async throws -> [Int64] {
        var ids: [Int64] = []
        for try await id in try await client.query("SELECT id FROM bus_outbox WHERE dispatched_at IS NULL ORDER BY id", logger: TestLog.logger).decode(Int64.self) {
            ids.append(id)
        }
        return ids
    }

    @Test func eventsArePublishedAfterCommitAndMarkedDispatched() async throws {
        try await withTestStore { store, client in
            let log = EnvelopeLog()
            let subscription = store.outbox.busForTests.subscribe("replay.*", as: "watcher") { log.add($0) }
            try await store.write(as: .system) { tx in
                try await tx.emit(Announced(text: "会议改到周三"), publisher: "test")
            }
            await log.wait(for: 1)
            let envelope = try #require(log.envelopes.first)
            #expect(envelope.isDurable && envelope.topic == "replay.announced")
            #expect(try envelope.decode(Announced.self).text == "会议改到周三")
            subscription.cancel()
            await store.outbox.busForTests.drain()
            await store.outbox.waitUntilFlushed()
            #expect(try await pending(client).isEmpty, "handled events are marked dispatched")
        }
    }

    /// Audit rows and events are kept until the commit and written in one statement: they must still land in
    /// the order they were added, with the transaction's actor, and each published event must carry the id of
    /// its own outbox row.
    @Test func auditRowsAndEventsOfOneWriteLandInOrderWithTheirIds() async throws {
        try await withTestStore { store, client in
            let log = EnvelopeLog()
            _ = store.outbox.busForTests.subscribe("replay.*", as: "watcher") { log.add($0) }
            try await store.write(as: Actor("staff:li", onBehalfOf: nil)) { tx in
                try await tx.audit("test.first", target: "thing:1", after: ["n": 1])
                try await tx.emit(Announced(text: "一"), publisher: "test")
                try await tx.audit("test.second", target: "thing:2", before: ["n": 1])
                try await tx.emit(Announced(text: "二"), publisher: "test")
                try await tx.emit(Announced(text: "三"), publisher: "test")
            }
            await log.wait(for: 3)
            var audits: [String] = []
            for try await (actor, action, before, after) in try await client.query(
                "SELECT actor, action, before::text, after::text FROM audit_log WHERE action LIKE 'test.%' ORDER BY id", logger: TestLog.logger
            ).decode((String, String, String?, String?).self) {
                audits.append("\(actor) \(action) \(before ?? "-") \(after ?? "-")")
            }
            #expect(audits == ["staff:li test.first - {\"n\": 1}", "staff:li test.second {\"n\": 1} -"])
            var rows: [Int64: String] = [:]
            for try await (id, text) in try await client.query("SELECT id, payload->>'text' FROM bus_outbox ORDER BY id", logger: TestLog.logger)
                .decode((Int64, String).self) { rows[id] = text }
            #expect(rows.keys.sorted().map { rows[$0]! } == ["一", "二", "三"])
            for envelope in log.envelopes {
                #expect(rows[envelope.id] == (try envelope.decode(Announced.self).text), "envelope \(envelope.id)")
            }
            await store.outbox.busForTests.drain()
        }
    }

    @Test func aRolledBackWriteEmitsNothing() async throws {
        try await withTestStore { store, client in
            let log = EnvelopeLog()
            _ = store.outbox.busForTests.subscribe("*", as: "watcher") { log.add($0) }
            _ = await #expect(throws: HuzhuError.self) {
                try await store.write(as: .system) { tx in
                    try await tx.emit(Announced(text: "never"), publisher: "test")
                    throw HuzhuError(.invalid, "changed my mind")
                }
            }
            let rows = try await client.query("SELECT count(*) FROM bus_outbox", logger: TestLog.logger).decode(Int.self)
            for try await count in rows { #expect(count == 0) }
            await store.outbox.busForTests.drain()
            #expect(log.envelopes.isEmpty)
        }
    }

    /// A crash between commit and dispatch leaves rows undispatched; the next start publishes them.
    @Test func undispatchedEventsAreReplayedAtStart() async throws {
        try await withTestDaemon(plugins: [ReplayWatcherPlugin.self], prepare: { client in
            // What a crashed daemon leaves: committed events nobody handled.
            _ = try await client.query(
                """
                INSERT INTO bus_outbox (topic, payload, publisher) VALUES
                ('replay.announced', '{"text": "first"}', 'crashed'), ('replay.announced', '{"text": "second"}', 'crashed'),
                ('unrelated.topic', '{}', 'crashed')
                """, logger: TestLog.logger)
        }) { daemon in
            await ReplayWatcherPlugin.seen.wait(for: 2)
            let texts = try ReplayWatcherPlugin.seen.envelopes.map { try $0.decode(Announced.self).text }
            #expect(texts == ["first", "second"])
            #expect(ReplayWatcherPlugin.seen.envelopes.allSatisfy { $0.publisher == "crashed" && $0.isDurable })
            // Draining lets every handler finish (and settle); then the marks are written.
            await daemon.hub.store.bus.drain()
            await daemon.hub.store.handle.outbox.waitUntilFlushed()
            let left = try await daemon.database.withClient { try await pending($0) }
            #expect(left.isEmpty, "replayed events, handled or unwatched, are marked dispatched")
        }
    }
}
