import HuzhuKit
import Logging
import NIOCore

/// One console connection: reads lines, runs commands strictly one after another, writes answers in order.
///
/// Commands that need no I/O (PING, FORMAT, LANG, HELP, WHOAMI) are answered on the event loop as the
/// lines arrive; the answers of one read are flushed together. A command that needs I/O runs as a task;
/// lines that arrive meanwhile wait in a bounded queue (reading pauses when it is full), so a pipeline
/// sees the effects of each command before the next one starts, as with Redis. Lines also wait while the
/// client is not reading its answers (the channel is not writable): what the server holds for a slow
/// reader is then its unread input and at most about one write-buffer high-water mark of answers.
final class ConsoleSessionHandler: ChannelDuplexHandler {
    typealias InboundIn = ConsoleFrame
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// Sent by the server on shutdown: finish what runs, then close.
    struct Drain {}

    private let server: ConsoleServer
    private var caller: ConsoleCaller?
    private var format = ConsoleFormat.text
    private var language: Language
    /// The line ending of the client's last line, used for answers (`\r\n` clients such as redis-benchmark get `\r\n`).
    private var newline = "\n"
    private var queued = CircularBuffer<ConsoleFrame>()
    private var running = false
    private var readPending = false
    private var needsFlush = false
    private var failedLogins = 0
    private var closing = false
    private var inputClosed = false
    private var admitted = false
    private var remoteAddress = "unknown"
    private var authTimer: Scheduled<Void>?
    private var lastActivity = NIODeadline.now()
    private var tail: (any BusSubscription)?
    private var tailDropped = 0
    private var idleTimer: Scheduled<Void>?

    init(server: ConsoleServer) {
        self.server = server
        self.language = server.configuration.defaultLanguage
    }

    // MARK: - Connection lifecycle

    func channelActive(context: ChannelHandlerContext) {
        remoteAddress = context.remoteAddress?.description ?? "unix"
        switch server.admit(context.channel) {
        case .admitted:
            admitted = true
            let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            authTimer = context.eventLoop.scheduleTask(in: .init(server.configuration.authenticationTimeout)) {
                let (handler, context) = loopBound.value
                guard handler.caller == nil, !handler.running else { return }  // an AUTH being checked may finish
                handler.fail(HuzhuError(.auth, "not logged in in time: send AUTH <user> <password> right after connecting",
                                        zh: "未及时登录：连接后请立即发送 AUTH 用户名 密码"), context: context, close: true)
            }
            resetIdleTimer(context: context)
        case .tooMany:
            fail(HuzhuError(.limit, "too many console connections: try again later", zh: "控制台连接过多，请稍后再试"), context: context, close: true)
        case .tooManyUnauthenticated:
            fail(HuzhuError(.limit, "too many connections waiting to log in: try again later", zh: "等待登录的连接过多，请稍后再试"), context: context, close: true)
        case .draining:
            fail(HuzhuError(.unavailable, "the hub is shutting down", zh: "系统正在关闭"), context: context, close: true)
        }
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        stopTail()
        authTimer?.cancel()
        idleTimer?.cancel()
        if admitted { server.closed(context.channel, wasAuthenticated: caller != nil) }
        context.fireChannelInactive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case ChannelEvent.inputClosed = event {
            inputClosed = true
            if !running, queued.isEmpty { closeAfterWrites(context: context) }
        } else if event is Drain {
            queued.removeAll()
            if running {
                closing = true  // the running command's answer goes out, then the session closes
            } else {
                // Say why, so a client can tell a shutdown from a crash.
                fail(HuzhuError(.unavailable, "the hub is shutting down: reconnect in a moment", zh: "系统正在关闭，请稍后重新连接"),
                     context: context, close: true)
            }
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A reset connection or a decoder failure ends this session only.
        context.close(promise: nil)
    }

    // MARK: - Reading

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !closing else { return }
        let frame = unwrapInboundIn(data)
        if running || !queued.isEmpty || !context.channel.isWritable {
            queued.append(frame)
        } else {
            handle(frame, context: context)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        flushIfNeeded(context: context)
        context.fireChannelReadComplete()
    }

    func read(context: ChannelHandlerContext) {
        // Back-pressure: stop reading while the queue is full or the client does not read our answers.
        if queued.count >= server.configuration.maximumQueuedLines || !context.channel.isWritable {
            readPending = true
        } else {
            context.read()
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if !closing { answerQueued(context: context) }
        context.fireChannelWritabilityChanged()
    }

    private func resumeReadingIfPossible(context: ChannelHandlerContext) {
        if readPending, queued.count < server.configuration.maximumQueuedLines, context.channel.isWritable {
            readPending = false
            context.read()
        }
    }

    /// Notes activity. One timer per connection re-arms itself from the last activity: scheduling and
    /// cancelling a timer for every line cost five allocations per PING (docs/benchmarks.md).
    private func resetIdleTimer(context: ChannelHandlerContext) {
        lastActivity = .now()
        guard idleTimer == nil else { return }
        armIdleTimer(in: .init(server.configuration.idleTimeout), context: context)
    }

    private func armIdleTimer(in delay: TimeAmount, context: ChannelHandlerContext) {
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        idleTimer = context.eventLoop.scheduleTask(in: delay) {
            let (handler, context) = loopBound.value
            let limit = TimeAmount(handler.server.configuration.idleTimeout)
            if handler.running || (!handler.queued.isEmpty && context.channel.isWritable) {
                // A session waiting for its own command's answer is not idle (a login, a long report);
                // one whose lines wait because it does not read its answers is.
                handler.lastActivity = .now()
            }
            let idleFor = NIODeadline.now() - handler.lastActivity
            if idleFor >= limit {
                handler.idleTimer = nil
                handler.fail(HuzhuError(.limit, "closing an idle session", zh: "会话空闲过久，已断开"), context: context, close: true)
            } else {
                handler.armIdleTimer(in: limit - idleFor, context: context)
            }
        }
    }

    // MARK: - Dispatch

    private func handle(_ frame: ConsoleFrame, context: ChannelHandlerContext) {
        resetIdleTimer(context: context)
        guard case .line(let bytes, let crlf) = frame else {
            let limit = server.configuration.maximumLineBytes
            fail(HuzhuError(.limit, "line longer than \(limit) bytes was refused: send shorter commands",
                            zh: "单行超过 \(limit) 字节，已拒绝：请缩短命令"), context: context)
            return
        }
        newline = crlf ? "\r\n" : "\n"
        if Self.isBarePing(bytes) {
            // Health checks and benchmarks: answered before decoding, validating and parsing the line.
            context.write(wrapOutboundOut(Self.pong(format, crlf: crlf)), promise: nil)
            needsFlush = true
            return
        }
        guard let line = String(validating: bytes.readableBytesView, as: UTF8.self) else {
            fail(HuzhuError(.syntax, "the line is not valid UTF-8: send commands as UTF-8 text", zh: "该行不是有效的 UTF-8 文本"), context: context)
            return
        }
        if Self.looksLikeHTTP(line) {
            // A browser tricked into posting to this port (cross-protocol attack): say nothing, hang up
            // (after the answers already written for earlier lines).
            closing = true
            queued.removeAll()
            closeAfterWrites(context: context)
            return
        }
        if line.unicodeScalars.contains(where: { ($0.value < 0x20 && $0 != "\t") || $0.value == 0x7F }) {
            fail(HuzhuError(.syntax, "the line contains control characters: only text, spaces and tabs are allowed",
                            zh: "该行含有控制字符：只允许文字、空格和制表符"), context: context)
            return
        }
        let parsed: ParsedLine
        do {
            parsed = try CommandLineParser.parse(line)
        } catch {
            fail(error, context: context)
            return
        }
        guard let first = parsed.words.first, !first.quoted else {
            if !parsed.words.isEmpty || !parsed.named.isEmpty {
                fail(HuzhuError(.syntax, "a line starts with a command word, e.g. PING or HELP", zh: "每行应以命令开头，如 PING 或 HELP"), context: context)
            }
            return  // blank lines are ignored, as in a shell
        }
        dispatch(parsed, keyword: first.text.uppercased(), context: context)
    }

    private func dispatch(_ parsed: ParsedLine, keyword: String, context: ChannelHandlerContext) {
        let rest = ConsoleArguments(positional: parsed.words.dropFirst().map(\.text), named: parsed.named)
        switch keyword {
        case "PING":
            // The hot path of health checks and benchmarks: a ready-made answer, no rendering (arguments ignored).
            context.write(wrapOutboundOut(Self.pong(format, crlf: newline == "\r\n")), promise: nil)
            needsFlush = true
            return
        case "QUIT":
            reply(ConsoleReply(data: "BYE", line: "BYE"), context: context)
            closing = true
            closeAfterWrites(context: context)
            return
        case "AUTH":
            authenticate(rest, context: context)
            return
        case "HELP":
            if rest.positional.isEmpty {
                let key = HelpCache.Key(roles: caller.map { $0.roles.map(\.rawValue).sorted() }, language: language, format: format, newline: newline)
                let answer = server.helpCache.answer(key) {
                    var buffer = context.channel.allocator.buffer(capacity: 16_384)
                    ConsoleOutput.render((try? help([])) ?? ConsoleReply(data: [], line: ""), format: format, newline: newline, into: &buffer)
                    return buffer
                }
                context.write(wrapOutboundOut(answer), promise: nil)
                needsFlush = true
                return
            }
            do {
                reply(try help(rest.positional), context: context)
            } catch {
                fail(error, context: context)
            }
            return
        default:
            break
        }
        guard caller != nil else {
            fail(HuzhuError(.auth, "log in first: AUTH <user> <password> (before login only AUTH, PING, HELP and QUIT work)",
                            zh: "请先登录：AUTH 用户名 密码（登录前只能用 AUTH、PING、HELP、QUIT）"), context: context)
            return
        }
        let second = parsed.words.dropFirst().first.map { $0.quoted ? "" : $0.text.uppercased() }
        if keyword == "BUS", second == "TAIL" || second == "UNTAIL" {
            let access = Self.builtins.first { $0.name == "BUS TAIL" }!.access
            guard access.allows(caller) else {
                fail(HuzhuError(.denied, "BUS \(second!) needs the role admin, staff or readonly", zh: "BUS \(second!) 需要 admin、staff 或 readonly 角色"), context: context)
                return
            }
            if second == "TAIL" {
                startTail(Array(parsed.words.dropFirst(2).map(\.text)), context: context)
            } else {
                stopTail()
                reply(ConsoleReply(data: ["tail": false], line: "OK tail stopped"), context: context)
            }
            return
        }
        switch keyword {
        case "FORMAT": setFormat(rest, context: context)
        case "LANG": setLanguage(rest, context: context)
        case "WHOAMI": reply(whoami(), context: context)
        default: runRegistered(parsed, context: context)
        }
    }

    private func runRegistered(_ parsed: ParsedLine, context: ChannelHandlerContext) {
        guard let (command, used) = server.registry.resolve(parsed.words) else {
            let word = parsed.words[0].text.uppercased()
            let near = server.registry.names(startingWith: word)
            let hint = near.isEmpty ? "send HELP for the list of commands" : "did you mean \(near.prefix(6).joined(separator: ", "))?"
            let hintZh = near.isEmpty ? "发送 HELP 查看命令列表" : "是否想用 \(near.prefix(6).joined(separator: "、"))？"
            fail(HuzhuError(.unknownCommand, "unknown command \(parsed.words.prefix(2).map(\.text).joined(separator: " ")): \(hint)",
                            zh: "未知命令 \(parsed.words.prefix(2).map(\.text).joined(separator: " "))：\(hintZh)"), context: context)
            return
        }
        guard command.access.allows(caller) else {
            fail(HuzhuError(.denied, "\(command.name) needs one of the roles \(Self.describe(command.access)); you are \(caller!.roles.sorted().map(\.rawValue).joined(separator: ","))",
                            zh: "\(command.name) 需要角色 \(Self.describe(command.access))；您的角色是 \(caller!.roles.sorted().map(\.rawValue).joined(separator: ","))"), context: context)
            return
        }
        let request = ConsoleRequest(
            command: command.name,
            arguments: ConsoleArguments(positional: parsed.words.dropFirst(used).map(\.text), named: parsed.named),
            caller: caller, language: language)
        let format = self.format
        let language = self.language
        let newline = self.newline
        let logger = server.logger
        let allocator = context.channel.allocator
        let counter = server.commandCounters[command.name]
        let errorCounters = server.errorCounters
        runAsync(context: context) {
            var buffer = allocator.buffer(capacity: 256)
            counter?.increment()
            do {
                ConsoleOutput.render(try await command.run(request), format: format, newline: newline, into: &buffer)
            } catch let error as HuzhuError {
                errorCounters[error.code]?.increment()
                ConsoleOutput.render(error, format: format, language: language, newline: newline, into: &buffer)
            } catch {
                errorCounters[.internal]?.increment()
                logger.error("console command \(command.name) failed: \(String(reflecting: error))")
                ConsoleOutput.render(HuzhuError(.internal, "\(command.name) failed inside the hub; the error is in the log",
                                                zh: "\(command.name) 在系统内部出错，详情见日志"),
                                     format: format, language: language, newline: newline, into: &buffer)
            }
            return buffer
        }
    }

    /// Runs `work` off the event loop; meanwhile later lines queue up. Its answer is written when done.
    private func runAsync(context: ChannelHandlerContext, _ work: @escaping @Sendable () async -> ByteBuffer) {
        running = true
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        let promise = context.eventLoop.makePromise(of: ByteBuffer.self)
        promise.completeWithTask(work)
        promise.futureResult.whenSuccess { buffer in
            let (handler, context) = loopBound.value
            handler.finishAsync(buffer, context: context)
        }
    }

    private func finishAsync(_ buffer: ByteBuffer, context: ChannelHandlerContext) {
        running = false
        guard context.channel.isActive else { return }
        context.write(wrapOutboundOut(buffer), promise: nil)
        needsFlush = true
        if closing {
            closeAfterWrites(context: context)
            return
        }
        answerQueued(context: context)
    }

    /// Handles waiting lines in order while no command runs and the client reads its answers; a client that
    /// does not read is answered again when the channel becomes writable (`channelWritabilityChanged`).
    private func answerQueued(context: ChannelHandlerContext) {
        while !running, !closing, !queued.isEmpty, context.channel.isWritable {
            handle(queued.removeFirst(), context: context)
        }
        flushIfNeeded(context: context)
        if inputClosed, !running, queued.isEmpty {
            closeAfterWrites(context: context)
        } else {
            resumeReadingIfPossible(context: context)
        }
    }

    // MARK: - BUS TAIL

    /// Streams bus events matching a pattern as they are published, between answers: `{"event":{…}}` lines
    /// in JSON mode, `> topic #id {…}` in text mode. Events that find the client not reading are dropped
    /// and counted (the next event says how many), so a slow reader cannot grow the server's memory.
    private func startTail(_ words: [String], context: ChannelHandlerContext) {
        guard words.count == 1 else {
            fail(HuzhuError(.syntax, "usage: BUS TAIL <pattern>, e.g. BUS TAIL labour.* or BUS TAIL *", zh: "用法：BUS TAIL 主题模式，如 BUS TAIL labour.*"), context: context)
            return
        }
        guard let bus = server.bus else {
            fail(HuzhuError(.unavailable, "this console has no bus to tail", zh: "此控制台没有消息总线"), context: context)
            return
        }
        do {
            try TopicPattern.validate(words[0])
        } catch {
            fail(error, context: context)
            return
        }
        stopTail()
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        let eventLoop = context.eventLoop
        let name = "console.tail.\(ObjectIdentifier(self).hashValue & 0xFFFF)"
        tail = bus.subscribe(words[0], as: name, capacity: 256, overflow: .dropOldest) { envelope in
            eventLoop.execute {
                let (handler, context) = loopBound.value
                handler.writeEvent(envelope, context: context)
            }
        }
        reply(ConsoleReply(data: ["tail": .string(words[0])], line: "OK tailing \(words[0]); BUS UNTAIL to stop"), context: context)
    }

    private func writeEvent(_ envelope: BusEnvelope, context: ChannelHandlerContext) {
        guard tail != nil, context.channel.isActive else { return }
        guard context.channel.isWritable else {
            tailDropped += 1
            return
        }
        let line: String
        switch format {
        case .json:
            var event: [(String, JSONValue)] = [("event", envelope.json)]
            if tailDropped > 0 { event.append(("dropped_before", .int(tailDropped))) }
            line = JSONValue.object(event).jsonText
        case .text:
            let dropped = tailDropped > 0 ? " (\(tailDropped) earlier events dropped: the client was not reading)" : ""
            line = "> \(envelope.topic) #\(envelope.id) \(envelope.message.json.jsonText)\(dropped)"
        }
        tailDropped = 0
        resetIdleTimer(context: context)  // a session that watches the bus is not idle
        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(string: line + newline)), promise: nil)
    }

    private func stopTail() {
        tail?.cancel()
        tail = nil
    }

    // MARK: - Built-ins

    private func authenticate(_ arguments: ConsoleArguments, context: ChannelHandlerContext) {
        guard arguments.positional.count == 2 else {
            fail(HuzhuError(.syntax, "usage: AUTH <user> <password>", zh: "用法：AUTH 用户名 密码"), context: context)
            return
        }
        let (username, password) = (arguments.positional[0], arguments.positional[1])
        let authenticator = server.authenticator
        let remote = remoteAddress
        let format = self.format
        let language = self.language
        let newline = self.newline
        let allocator = context.channel.allocator
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        running = true
        let promise = context.eventLoop.makePromise(of: Result<ConsoleCaller, HuzhuError>.self)
        promise.completeWithTask {
            do {
                return .success(try await authenticator.authenticate(username: username, password: password, remoteAddress: remote))
            } catch let error as HuzhuError {
                return .failure(error)
            } catch {
                return .failure(HuzhuError(.unavailable, "cannot check the login now: try again shortly", zh: "暂时无法验证登录，请稍后再试"))
            }
        }
        promise.futureResult.whenSuccess { result in
            let (handler, context) = loopBound.value
            var buffer = allocator.buffer(capacity: 128)
            switch result {
            case .success(let caller):
                if handler.caller == nil { handler.server.authenticated() }
                handler.caller = caller
                handler.failedLogins = 0
                handler.authTimer?.cancel()
                let roles = caller.roles.sorted().map(\.rawValue).joined(separator: ",")
                ConsoleOutput.render(
                    ConsoleReply(data: ["user": .string(caller.username), "roles": .array(caller.roles.sorted().map { .string($0.rawValue) })],
                                 line: "OK logged in as \(caller.username) (\(roles))"),
                    format: format, newline: newline, into: &buffer)
            case .failure(let error):
                handler.failedLogins += 1
                ConsoleOutput.render(error, format: format, language: language, newline: newline, into: &buffer)
                if handler.failedLogins >= handler.server.configuration.maximumFailedLogins {
                    handler.closing = true
                }
            }
            handler.finishAsync(buffer, context: context)
        }
    }

    private func setFormat(_ arguments: ConsoleArguments, context: ChannelHandlerContext) {
        guard arguments.positional.count == 1, let format = ConsoleFormat(rawValue: arguments.positional[0].lowercased()) else {
            fail(HuzhuError(.syntax, "usage: FORMAT text|json", zh: "用法：FORMAT text|json"), context: context)
            return
        }
        self.format = format
        reply(ConsoleReply(data: ["format": .string(format.rawValue)], line: "OK format \(format.rawValue)"), context: context)
    }

    private func setLanguage(_ arguments: ConsoleArguments, context: ChannelHandlerContext) {
        guard arguments.positional.count == 1, let language = Language(rawValue: arguments.positional[0].lowercased()) else {
            fail(HuzhuError(.syntax, "usage: LANG zh|en", zh: "用法：LANG zh|en"), context: context)
            return
        }
        self.language = language
        reply(ConsoleReply(data: ["lang": .string(language.rawValue)], line: language == .zh ? "OK 语言 中文" : "OK language English"), context: context)
    }

    private func whoami() -> ConsoleReply {
        let caller = caller!
        let roles = caller.roles.sorted().map(\.rawValue)
        let villages = caller.villages.map(String.init).joined(separator: ",")
        return ConsoleReply(
            data: ["user": .string(caller.username), "roles": .array(roles.map { .string($0) }),
                   "villages": .array(caller.villages.map { .int($0) }), "lang": .string(language.rawValue),
                   "format": .string(format.rawValue)],
            line: "\(caller.username) roles=\(roles.joined(separator: ",")) villages=\(villages.isEmpty ? "all" : villages)")
    }

    /// Session commands every client has, listed by HELP with the registered ones.
    static let builtins: [(name: String, usage: String, summary: LocalizedText, access: ConsoleAccess)] = [
        ("AUTH", "AUTH <user> <password>", LocalizedText(en: "Log in", zh: "登录"), .anyone),
        ("PING", "PING", LocalizedText(en: "Check the connection; answers PONG", zh: "检查连接，回答 PONG"), .anyone),
        ("HELP", "HELP [command]", LocalizedText(en: "List commands, or show one command's usage", zh: "列出命令，或显示某命令的用法"), .anyone),
        ("QUIT", "QUIT", LocalizedText(en: "Close the session", zh: "结束会话"), .anyone),
        ("WHOAMI", "WHOAMI", LocalizedText(en: "Show the logged-in account, its roles and villages", zh: "显示当前账号、角色和村"), .authenticated),
        ("FORMAT", "FORMAT text|json", LocalizedText(en: "Answer as text for people or one JSON line per answer", zh: "选择输出格式：文本或每条一行 JSON"), .authenticated),
        ("LANG", "LANG zh|en", LocalizedText(en: "Choose the language of messages", zh: "选择提示语言"), .authenticated),
        ("BUS TAIL", "BUS TAIL <pattern>", LocalizedText(en: "Stream bus events matching a pattern (labour.*, *)", zh: "实时显示匹配的总线事件"), .roles([.staff, .readonly])),
        ("BUS UNTAIL", "BUS UNTAIL", LocalizedText(en: "Stop streaming bus events", zh: "停止显示总线事件"), .roles([.staff, .readonly])),
    ]

    private func help(_ words: [String]) throws(HuzhuError) -> ConsoleReply {
        let entries = Self.builtins.map { (name: $0.name, usage: $0.usage, summary: $0.summary, access: $0.access) }
            + server.registry.all.map { (name: $0.name, usage: $0.usage, summary: $0.summary, access: $0.access) }
        let visible = entries.filter { $0.access.allows(caller) }
        if !words.isEmpty {
            let name = words.joined(separator: " ").uppercased()
            guard let entry = visible.first(where: { $0.name == name }) else {
                throw HuzhuError(.notFound, "no command \(name) you may run: send HELP for the list", zh: "没有您可用的命令 \(name)：发送 HELP 查看列表")
            }
            return ConsoleReply(
                data: ["name": .string(entry.name), "usage": .string(entry.usage), "summary": .string(entry.summary.text(in: language))],
                text: [entry.usage, "  " + entry.summary.text(in: language)])
        }
        let width = visible.map(\.usage.count).max() ?? 0
        return ConsoleReply(
            data: .array(visible.map { ["name": .string($0.name), "usage": .string($0.usage), "summary": .string($0.summary.text(in: language))] }),
            text: visible.map { $0.usage.padding(to: width) + "  " + $0.summary.text(in: language) })
    }

    // MARK: - Writing

    private func reply(_ reply: ConsoleReply, context: ChannelHandlerContext) {
        var buffer = context.channel.allocator.buffer(capacity: 64)
        ConsoleOutput.render(reply, format: format, newline: newline, into: &buffer)
        context.write(wrapOutboundOut(buffer), promise: nil)
        needsFlush = true
    }

    private func fail(_ error: HuzhuError, context: ChannelHandlerContext, close: Bool = false) {
        var buffer = context.channel.allocator.buffer(capacity: 128)
        ConsoleOutput.render(error, format: format, language: language, newline: newline, into: &buffer)
        if close {
            closing = true
            context.write(wrapOutboundOut(buffer), promise: nil)
            closeAfterWrites(context: context)
        } else {
            context.write(wrapOutboundOut(buffer), promise: nil)
            needsFlush = true
        }
    }

    /// Flushes what is written, then closes once it has gone out.
    private func closeAfterWrites(context: ChannelHandlerContext) {
        let channel = context.channel
        needsFlush = false
        context.writeAndFlush(wrapOutboundOut(channel.allocator.buffer(capacity: 0))).whenComplete { _ in
            channel.close(promise: nil)
        }
    }

    private func flushIfNeeded(context: ChannelHandlerContext) {
        if needsFlush {
            needsFlush = false
            context.flush()
        }
    }

    private static let pongs: [ByteBuffer] = ["+PONG\n", "+PONG\r\n", "{\"ok\":true,\"data\":\"PONG\"}\n", "{\"ok\":true,\"data\":\"PONG\"}\r\n"]
        .map { ByteBuffer(string: $0) }

    static func pong(_ format: ConsoleFormat, crlf: Bool) -> ByteBuffer {
        pongs[(format == .json ? 2 : 0) + (crlf ? 1 : 0)]
    }

    /// `PING` in any letter case, alone on its line.
    static func isBarePing(_ bytes: ByteBuffer) -> Bool {
        let view = bytes.readableBytesView
        guard view.count == 4 else { return false }
        var index = view.startIndex
        for expected in "ping".utf8 {
            guard view[index] | 0x20 == expected else { return false }
            index = view.index(after: index)
        }
        return true
    }

    static func looksLikeHTTP(_ line: String) -> Bool {
        for prefix in ["GET ", "POST ", "PUT ", "HEAD ", "DELETE ", "OPTIONS ", "CONNECT ", "PATCH "] where line.hasPrefix(prefix) {
            return true
        }
        return line.lowercased().hasPrefix("host:")
    }

    private static func describe(_ access: ConsoleAccess) -> String {
        switch access {
        case .anyone: "any"
        case .authenticated: "any logged-in"
        case .roles(let roles): (["admin"] + roles.sorted().map(\.rawValue)).joined(separator: "|")
        }
    }
}

extension String {
    fileprivate func padding(to width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
