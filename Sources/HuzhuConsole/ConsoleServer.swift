import HuzhuKit
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// The admin console's TCP listener: one `ConsoleSessionHandler` per connection.
///
/// Plain NIO handlers rather than an `NIOAsyncChannel` loop: a handler answers every complete line of
/// a read and flushes once, and commands that need no I/O (PING) never leave the event loop.
public final class ConsoleServer: Sendable {
    public let configuration: ConsoleConfiguration
    let registry: ConsoleRegistry
    let authenticator: any ConsoleAuthenticator
    /// The bus `BUS TAIL` subscribes to, if any.
    let bus: (any MessageBus)?
    let logger: Logger
    let group: any EventLoopGroup
    let state = NIOLockedValueBox(State())
    /// `HELP`'s full list per kind of caller.
    let helpCache = HelpCache()
    /// `huzhu_console_commands_total{command}` and `huzhu_console_errors_total{code}` (made once: a
    /// lookup in the metrics factory per command would cost more than the command).
    let commandCounters: [String: Counter]
    let errorCounters: [HuzhuError.Code: Counter]

    struct State {
        var channels: [ObjectIdentifier: any Channel] = [:]
        var unauthenticated = 0
        var listeners: [any Channel] = []
        var draining = false
    }

    public init(
        configuration: ConsoleConfiguration, registry: ConsoleRegistry, authenticator: any ConsoleAuthenticator,
        bus: (any MessageBus)? = nil, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton, logger: Logger
    ) {
        self.configuration = configuration
        self.registry = registry
        self.authenticator = authenticator
        self.bus = bus
        self.group = group
        self.logger = logger
        self.commandCounters = Dictionary(uniqueKeysWithValues: registry.all.map {
            ($0.name, Counter(label: "huzhu_console_commands_total", dimensions: [("command", $0.name)]))
        })
        self.errorCounters = Dictionary(uniqueKeysWithValues: HuzhuError.Code.allCases.map {
            ($0, Counter(label: "huzhu_console_errors_total", dimensions: [("code", $0.rawValue)]))
        })
    }

    /// Binds the TCP port (and the Unix socket, if configured); returns the TCP address actually bound.
    @discardableResult
    public func start() async throws -> SocketAddress {
        let tcp = try await bootstrap().bind(host: configuration.host, port: configuration.port).get()
        var listeners = [tcp]
        if let path = configuration.unixSocketPath {
            listeners.append(try await bootstrap().bind(unixDomainSocketPath: path, cleanupExistingSocketFile: true).get())
        }
        state.withLockedValue { $0.listeners = listeners }
        return tcp.localAddress!
    }

    /// Open connections.
    public var connectionCount: Int { state.withLockedValue { $0.channels.count } }

    /// Stops accepting, lets every session finish the command it is running, then closes them.
    public func shutdown() async {
        let (listeners, channels) = state.withLockedValue { state in
            state.draining = true
            return (state.listeners, Array(state.channels.values))
        }
        for listener in listeners { try? await listener.close() }
        for channel in channels {
            channel.pipeline.fireUserInboundEventTriggered(ConsoleSessionHandler.Drain())
        }
        for channel in channels { try? await channel.closeFuture.get() }
    }

    private func bootstrap() -> ServerBootstrap {
        ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: 16)
            // `printf 'AUTH …\nPING\n' | nc` closes its side after sending: answer everything, then close.
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(LineFramer(maximumLength: self.configuration.maximumLineBytes)))
                    try channel.pipeline.syncOperations.addHandler(ConsoleSessionHandler(server: self))
                }
            }
    }

    // MARK: - Connection accounting (called from session handlers)

    enum Admission { case admitted, tooMany, tooManyUnauthenticated, draining }

    func admit(_ channel: any Channel) -> Admission {
        state.withLockedValue { state in
            if state.draining { return .draining }
            if state.channels.count >= configuration.maximumConnections { return .tooMany }
            if state.unauthenticated >= configuration.maximumUnauthenticated { return .tooManyUnauthenticated }
            state.channels[ObjectIdentifier(channel)] = channel
            state.unauthenticated += 1
            return .admitted
        }
    }

    func authenticated() {
        state.withLockedValue { $0.unauthenticated -= 1 }
    }

    func closed(_ channel: any Channel, wasAuthenticated: Bool) {
        state.withLockedValue { state in
            if state.channels.removeValue(forKey: ObjectIdentifier(channel)) != nil, !wasAuthenticated {
                state.unauthenticated -= 1
            }
        }
    }
}
