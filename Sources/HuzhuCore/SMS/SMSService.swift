import Foundation
import HuzhuKit
import HuzhuSMS
import Logging
import Synchronization

/// What `SMS IN` answers: the reply to send back (empty: send nothing) and its segment count.
public struct SMSReply: Sendable, Equatable {
    public let reply: String
    public let segments: Int
    public let intent: String
    public var json: JSONValue { ["reply": .string(reply), "segments": .int(segments), "intent": .string(intent)] }
}

/// Farmers' messages in: who sent it, what it means, what to do, what to answer — stored before answering.
public final class SMSService: Sendable {
    let store: any HubStoreHandle
    let directory: Directory
    let timeZone: TimeZone
    let clock: any HuzhuClock
    let words: any SMSWordBook
    private let router = Mutex<SMSRouter?>(nil)
    private let cancellers = Mutex<[SMSCanceller]>([])
    private let inboundLimit = InboundLimit()
    private let inbound: SMSInboundLog
    /// Longest text handled; longer messages get a polite refusal (real SMS concatenations stay far below).
    static let maximumLength = 1_000
    static let logger = Logger(label: "huzhu.sms")

    init(store: any HubStoreHandle, directory: Directory, words: any SMSWordBook, timeZone: TimeZone, clock: any HuzhuClock) {
        self.store = store
        self.words = words
        self.directory = directory
        self.timeZone = timeZone
        self.clock = clock
        self.inbound = SMSInboundLog(store: store, logger: Self.logger)
    }

    /// Builds the router from the core's intents and the running plugins' (called once plugins have started).
    func install(pluginIntents: [SMSIntent], cancellers: [SMSCanceller]) {
        let core = CoreSMS.intents { [self] request in try await self.handleCore(request) }
        router.withLock { $0 = SMSRouter(intents: core + pluginIntents, vocabulary: words.provider) }
        self.cancellers.withLock { $0 = cancellers }
    }

    private var currentRouter: SMSRouter {
        router.withLock { $0 } ?? SMSRouter(intents: CoreSMS.intents(), vocabulary: words.provider)
    }

    // MARK: - Intake

    /// Handles one inbound message. Idempotent on (gateway, gateway id): a redelivered message is not
    /// handled again and gets the stored reply.
    public func receive(phone rawPhone: String, text rawText: String, gatewayID: String?, at: Date?, gateway: String) async throws -> SMSReply {
        let phone = try PhoneNumber(parsing: rawPhone)
        try Self.checkLabel("id", gatewayID)
        try Self.checkLabel("gateway", gateway)
        let receivedAt = at ?? clock.now()
        let text = String(rawText.unicodeScalars.filter { $0.value >= 0x20 || $0 == "\n" }.map(Character.init))

        let messageID: Int64
        let member: Member?
        let arrival = SMSInboundLog.Arrival(phone: phone.e164, text: text, gatewayID: gatewayID, gateway: gateway, receivedAt: receivedAt)
        if let stored = try await inbound.store(arrival) {
            (messageID, member) = stored
        } else {
            let claim = try await claim(phone: phone, text: text, gatewayID: gatewayID, gateway: gateway, receivedAt: receivedAt)
            guard case .claimed(let id) = claim else {
                if case .answered(let reply) = claim { return reply }
                throw HuzhuError(.internal, "unexpected claim state")
            }
            (messageID, member) = (id, try await directory.member(phone: phone))
        }
        let language = member?.language ?? .zh
        var intent = CoreSMS.unknown
        var slots: JSONValue = [:]
        var reply: LocalizedText

        if text.count > Self.maximumLength {
            reply = LocalizedText(en: "Your message is too long. Please send it in parts.", zh: "短信太长了，请分几条发送。")
        } else if inboundLimit.exceeded(phone.e164) {
            // One polite word, then silence: a phone stuck in a loop must not make the hub answer forever.
            reply = inboundLimit.warnOnce(phone.e164) ? LocalizedText(en: "You are sending too fast; please wait a minute.", zh: "您发得太快了，请一分钟后再发。") : ""
        } else {
            let parse = currentRouter.route(text, context: SMSParseContext(receivedAt: receivedAt, timeZone: timeZone))
            intent = parse.intent
            slots = parse.slots
            if let error = parse.error {
                reply = error.message
            } else if member == nil, intent != CoreSMS.register, intent != CoreSMS.help {
                reply = LocalizedText(en: "You are not registered yet. Reply REG <name> <village>, e.g. REG Zhang San Xianshui",
                                      zh: "您还没有注册。请回复：注册 姓名 村名，如：注册 张三 咸水村")
            } else if let handler = currentRouter.intent(named: intent) {
                if let member, member.optedOut, ![CoreSMS.stop, CoreSMS.help].contains(intent) {
                    // A new request resumes the notifications it will cause (退订 stopped them).
                    _ = try await directory.editMember(member.id, MemberChanges(optedOut: false), actor: Actor("sms:\(phone.e164)", onBehalfOf: member.id))
                }
                let request = SMSRequest(intent: intent, slots: slots, phone: phone, memberID: member?.id, receivedAt: receivedAt,
                                         language: language, messageID: messageID, villageID: member?.villageID, householdID: member?.householdID)
                do {
                    reply = try await handler.handle(request)
                } catch let error as HuzhuError where error.code != .unavailable && error.code != .internal {
                    reply = error.message
                }
            } else {
                reply = LocalizedText(en: "This service is not available now.", zh: "该服务暂未开通。")
            }
        }
        let replyText = reply.text(in: language)
        let answer = SMSReply(reply: replyText, segments: SMSSegments.count(replyText), intent: intent)
        try await inbound.record(SMSInboundLog.Answer(messageID: messageID, memberID: member?.id, intent: intent, slots: slots.jsonText,
                                                      reply: answer.reply, segments: answer.segments))
        return answer
    }

    /// A gateway's name and message id are stored as they are, in statements shared with other messages
    /// (`SMSInboundLog`): one PostgreSQL refuses (a NUL byte) would fail them all, so such values are
    /// refused here, alone.
    static func checkLabel(_ name: String, _ value: String?) throws(HuzhuError) {
        guard let value else { return }
        guard value.count <= 200, !value.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            throw HuzhuError(.syntax, "\(name)= must be printable text of at most 200 characters",
                             zh: "\(name)= 应为不含控制字符、不超过200个字符的文本")
        }
    }

    enum Claim { case claimed(Int64), answered(SMSReply) }

    /// Records the message before handling it. A message already answered gets its stored reply; one
    /// being handled right now is refused (the gateway retries); one whose handling was cut short more than
    /// a minute ago is handled again (handlers dedupe on the message id).
    private func claim(phone: PhoneNumber, text: String, gatewayID: String?, gateway: String, receivedAt: Date) async throws -> Claim {
        try await store.write(as: Actor("sms:\(phone.e164)")) { tx in
            let inserted = try await tx.query(
                """
                INSERT INTO sms_inbound (gateway, gateway_id, phone, text, received_at, intent, reply, segments)
                VALUES (\(gateway), \(gatewayID), \(phone.e164), \(text), \(receivedAt), 'pending', '', 0)
                ON CONFLICT (gateway, gateway_id) DO NOTHING RETURNING id
                """)
            if let id = try await inserted.decode(Int64.self).firstElement() { return .claimed(id) }
            let existing = try await tx.query(
                """
                SELECT id, answered, reply, segments, intent, created_at < now() - interval '1 minute'
                FROM sms_inbound WHERE gateway = \(gateway) AND gateway_id = \(gatewayID) FOR UPDATE
                """)
            guard let (id, answered, reply, segments, intent, stale) = try await existing.decode((Int64, Bool, String, Int, String, Bool).self).firstElement() else {
                throw HuzhuError(.unavailable, "the message is being stored: send it again", zh: "正在处理，请重发")
            }
            if answered { return .answered(SMSReply(reply: reply, segments: segments, intent: intent)) }
            guard stale else {
                throw HuzhuError(.unavailable, "message \(gatewayID ?? "") is being handled: send it again in a moment", zh: "这条短信正在处理，请稍后重发")
            }
            try await tx.execute("UPDATE sms_inbound SET created_at = now() WHERE id = \(id)")
            return .claimed(id)
        }
    }

    // MARK: - Trying

    /// Parses a message as `SMS IN` would, without storing or doing anything.
    public func tryParse(phone rawPhone: String, text: String, at: Date?) async throws -> JSONValue {
        let phone = try PhoneNumber(parsing: rawPhone)
        let member = try await directory.member(phone: phone)
        let parse = currentRouter.route(text, context: SMSParseContext(receivedAt: at ?? clock.now(), timeZone: timeZone))
        let language = member?.language ?? .zh
        var reply: String?
        if let error = parse.error {
            reply = error.message.text(in: language)
        } else if member == nil, parse.intent != CoreSMS.register, parse.intent != CoreSMS.help {
            reply = language == .zh ? "您还没有注册。请回复：注册 姓名 村名，如：注册 张三 咸水村" : "You are not registered yet. Reply REG <name> <village>"
        }
        return ["intent": .string(parse.intent), "slots": parse.slots, "reply": .optional(reply),
                "segments": .int(reply.map(SMSSegments.count) ?? 0), "member": member.map { .int(Int($0.id)) } ?? .null]
    }

    // MARK: - The core's intents

    private func handleCore(_ request: SMSRequest) async throws -> LocalizedText {
        switch request.intent {
        case CoreSMS.register: return try await register(request)
        case CoreSMS.help: return help(request)
        case CoreSMS.stop:
            guard let member = request.memberID else { return "" }
            _ = try await directory.editMember(member, MemberChanges(optedOut: true), actor: request.actor)
            return LocalizedText(en: "Notifications stopped. Reply SUB to resume; your own messages are still answered.",
                                 zh: "已退订通知。回复“订阅”可恢复；您发来的短信照常回复。")
        case CoreSMS.cancel:
            // Each plugin in turn: the first with something of the sender's under that number handles it.
            if request.memberID != nil, case .int(let ref)? = request.slots["ref"] {
                for canceller in cancellers.withLock({ $0 }) {
                    if let reply = try await canceller.handle(request, Int64(ref)) { return reply }
                }
            }
            return LocalizedText(en: "Nothing numbered \(Self.int(request.slots["ref"])) that you can cancel was found.",
                                 zh: "没有找到编号为\(Self.int(request.slots["ref"]))的可取消事项。")
        default:
            return LocalizedText(en: "This service is not available now.", zh: "该服务暂未开通。")
        }
    }

    private func register(_ request: SMSRequest) async throws -> LocalizedText {
        guard case .string(let name)? = request.slots["name"], case .string(let villageText)? = request.slots["village"] else {
            return LocalizedText(en: "Reply REG <name> <village>, e.g. REG Zhang San Xianshui", zh: "请回复：注册 姓名 村名，如：注册 张三 咸水村")
        }
        if let existing = try await directory.member(phone: request.phone) {
            return LocalizedText(en: "This number is already registered to \(existing.name).", zh: "这个号码已登记为\(existing.name)。")
        }
        let villageName = villageText.split(separator: " ").last.map(String.init) ?? villageText
        let villages = try await directory.findVillages(villageName).filter { $0.name == villageName || $0.name == villageName + "村" }
        guard villages.count == 1, let village = villages.first else {
            return villages.isEmpty
                ? LocalizedText(en: "No village named \(villageName). Write its full name, e.g. 咸水村.", zh: "没有找到“\(villageName)”。请写村的全名，如：咸水村")
                : LocalizedText(en: "Several villages are called \(villageName): add the township, e.g. 古夫镇 咸水村.", zh: "有几个村叫“\(villageName)”，请加上乡镇，如：古夫镇 咸水村")
        }
        // One audited write: the member and the mark that staff should check them.
        _ = try await directory.addMember(
            NewMember(villageID: village.id, name: name, phone: request.phone.e164, language: request.language, needsReview: true),
            actor: request.actor)
        return LocalizedText(en: "Registered: \(name), \(village.name). Staff will confirm. Reply HELP for services.",
                             zh: "已登记：\(name)，\(village.name)。工作人员将核实。回复“帮助”查看服务。")
    }

    private func help(_ request: SMSRequest) -> LocalizedText {
        let router = currentRouter
        if case .string(let topic)? = request.slots["topic"], let intent = router.intent(forKeyword: topic) {
            return LocalizedText(en: "Example: \(intent.example)", zh: "用法示例：\(intent.example)")
        }
        let keywords = router.intents.filter { ![CoreSMS.help, CoreSMS.register].contains($0.name) }.compactMap(\.keywords.first)
        return LocalizedText(en: "Send: " + router.intents.compactMap(\.aliases.first).joined(separator: " "),
                             zh: "可发送：" + keywords.joined(separator: "、") + "。如：找人 插秧 5亩 明天")
    }

    static func int(_ value: JSONValue?) -> String {
        if case .int(let n)? = value { return String(n) }
        return "?"
    }
}

/// Per-phone inbound rate: more than 10 messages in a minute is a loop or abuse.
final class InboundLimit: Sendable {
    private let state = Mutex<[String: (times: [ContinuousClock.Instant], warned: Bool)]>([:])

    func exceeded(_ phone: String) -> Bool {
        state.withLock { table in
            let now = ContinuousClock.now
            var entry = table[phone] ?? ([], false)
            entry.times = entry.times.filter { now - $0 < .seconds(60) } + [now]
            if entry.times.count <= 10 { entry.warned = false }
            table[phone] = entry
            if table.count > 100_000 { table = table.filter { !$0.value.times.isEmpty && now - $0.value.times.last! < .seconds(60) } }
            return entry.times.count > 10
        }
    }

    /// True the first time a phone is over the limit in its current burst.
    func warnOnce(_ phone: String) -> Bool {
        state.withLock { table in
            guard var entry = table[phone], !entry.warned else { return false }
            entry.warned = true
            table[phone] = entry
            return true
        }
    }
}
