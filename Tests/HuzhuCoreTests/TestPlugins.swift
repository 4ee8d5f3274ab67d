import Foundation
import HuzhuKit
import Synchronization

/// Plugins made for tests: each test that needs its own state uses its own type.

struct GoodPlugin: HuzhuPlugin {
    static let identity = PluginIdentity(id: "good", version: "1.0", summary: "a plugin that works",
                                         configuration: [ConfigurationKey("greeting", default: "hello", help: "what GOOD SAY says")])
    func register(_ registrar: inout PluginRegistrar, context: PluginContext) throws {
        let greeting = context.configuration.string("greeting")
        registrar.command(ConsoleCommand("GOOD SAY", usage: "GOOD SAY", summary: "say the greeting", access: .authenticated) { _ in
            ConsoleReply(data: .string(greeting), line: greeting)
        })
        registrar.command(ConsoleCommand("GOOD LINES", usage: "GOOD LINES", summary: "lines that need stuffing", access: .authenticated) { _ in
            ConsoleReply(data: .null, text: ["+plus", "-minus", "> not an event", ".dot", "plain"])
        })
        registrar.command(ConsoleCommand("GOOD CRASH", usage: "GOOD CRASH", summary: "fail inside", access: .authenticated) { _ in
            struct Unexpected: Error {}
            throw Unexpected()
        })
        registrar.intent(SMSIntent("good.hi", keywords: ["你好"], aliases: ["HI"], example: "你好", parse: { _, _ in [:] },
                                   handle: { _ in LocalizedText(en: "hi", zh: "你好") }))
        registrar.route(HTTPRoute(.get, "/good/echo", access: .roles([.gateway])) { request in
            HTTPRouteResponse(body: "\(request.caller?.username ?? "?"): \(request.query["text"] ?? "")")
        })
    }
}

struct FailingPlugin: HuzhuPlugin {
    struct StartFailed: Error, CustomStringConvertible { var description: String { "the model file is missing" } }
    static let identity = PluginIdentity(id: "failing", version: "1.0", summary: "a plugin whose start throws")
    func register(_ registrar: inout PluginRegistrar, context: PluginContext) throws {
        registrar.command(ConsoleCommand("FAILING THING", usage: "FAILING THING", summary: "never registered", access: .authenticated) { _ in
            ConsoleReply(data: .null, line: "")
        })
    }
    func start(_ context: PluginContext) async throws { throw StartFailed() }
}

struct DependentPlugin: HuzhuPlugin {
    static let identity = PluginIdentity(id: "dependent", version: "1.0", summary: "requires failing", requires: ["failing"])
    func register(_ registrar: inout PluginRegistrar, context: PluginContext) throws {
        registrar.command(ConsoleCommand("DEPENDENT THING", usage: "DEPENDENT THING", summary: "never registered", access: .authenticated) { _ in
            ConsoleReply(data: .null, line: "")
        })
    }
}

struct ClashingCommandPlugin: HuzhuPlugin {
    static let identity = PluginIdentity(id: "clash_command", version: "1.0", summary: "takes GOOD SAY too")
    func register(_ registrar: inout PluginRegistrar, context: PluginContext) throws {
        registrar.command(ConsoleCommand("good say", usage: "", summary: "", access: .authenticated) { _ in ConsoleReply(data: .null, line: "") })
    }
}

struct ClashingKeywordPlugin: HuzhuPlugin {
    static let identity = PluginIdentity(id: "clash_keyword", version: "1.0", summary: "takes the keyword hi too")
    func register(_ registrar: inout PluginRegistrar, context: PluginContext) throws {
        registrar.intent(SMSIntent("clash.hi", keywords: ["嗨"], aliases: ["hi"], example: "", parse: { _, _ in [:] }, handle: { _ in "" }))
    }
}

struct SameIDPlugin: HuzhuPlugin {
    static let identity = PluginIdentity(id: "good", version: "2.0", summary: "a second plugin with the id good")
    func register(_ registrar: inout PluginRegistrar, context: PluginContext) throws {}
}

/// Subscribes to `replay.*` and records envelope ids, for the outbox replay test.
struct ReplayWatcherPlugin: HuzhuPlugin {
    static let identity = PluginIdentity(id: "replay_watcher", version: "1.0", summary: "records replayed events")
    static let seen = EnvelopeLog()
    func register(_ registrar: inout PluginRegistrar, context: PluginContext) throws {
        registrar.subscribe("replay.*") { Self.seen.add($0) }
    }
}

/// Envelopes received, with a way to wait for a count without sleeping.
final class EnvelopeLog: Sendable {
    private let state = Mutex<(envelopes: [BusEnvelope], waiters: [(Int, CheckedContinuation<Void, Never>)])>(([], []))

    func add(_ envelope: BusEnvelope) {
        let ready = state.withLock { state in
            state.envelopes.append(envelope)
            let count = state.envelopes.count
            defer { state.waiters.removeAll { $0.0 <= count } }
            return state.waiters.filter { $0.0 <= count }.map(\.1)
        }
        ready.forEach { $0.resume() }
    }

    func wait(for count: Int) async {
        await withCheckedContinuation { continuation in
            let ready = state.withLock { state in
                if state.envelopes.count >= count { return true }
                state.waiters.append((count, continuation))
                return false
            }
            if ready { continuation.resume() }
        }
    }

    var envelopes: [BusEnvelope] { state.withLock { $0.envelopes } }
}

/// `NOTIFY <member> "<text>" [urgent=yes]`: queues an SMS notification the way plugins do.
struct NotifierPlugin: HuzhuPlugin {
    static let identity = PluginIdentity(id: "notifier", version: "1.0", summary: "queues notifications")
    func register(_ registrar: inout PluginRegistrar, context: PluginContext) throws {
        let usage = "NOTIFY <member> <text> [urgent=yes]"
        registrar.command(ConsoleCommand("NOTIFY", usage: usage, summary: "queue an SMS", access: .roles([.staff])) { request in
            let member = try request.arguments.requiredID(0, usage: usage)
            let text = try request.arguments.required(1, usage: usage)
            let urgent = try request.arguments.bool("urgent", usage: usage) ?? false
            let id = try await context.store.write(as: try request.actor()) { tx in
                try await tx.notify(member: member, LocalizedText(en: text, zh: text), urgent: urgent)
            }
            return ConsoleReply(data: id.map { .int(Int($0)) } ?? .null, line: "queued")
        })
    }
}

/// Takes part in `取消 <ref>` for refs it "owns" (even numbers), and has demo data that counts its runs.
struct ErrandPlugin: HuzhuPlugin {
    static let identity = PluginIdentity(id: "errand", version: "1.0", summary: "cancels even refs; demo data")
    static let demoRuns = Mutex(0)
    func register(_ registrar: inout PluginRegistrar, context: PluginContext) throws {
        registrar.cancel { request, ref in
            ref % 2 == 0 ? LocalizedText(en: "errand \(ref) cancelled", zh: "差事\(ref)已取消") : nil
        }
        registrar.demo { _ in
            let runs = Self.demoRuns.withLock { $0 += 1; return $0 }
            return "demo run \(runs)"
        }
    }
}
