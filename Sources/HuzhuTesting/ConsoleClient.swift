import Foundation
import HuzhuKit
import NIOCore
import NIOPosix

/// A console client for tests: sends lines, reads answers (one line each in JSON mode).
public final class ConsoleClient: Sendable {
    private let channel: any Channel
    private let reader: LineReader

    init(channel: any Channel, inbound: AsyncStream<ByteBuffer>) {
        self.channel = channel
        self.reader = LineReader(inbound)
    }

    /// Connects to a console on loopback.
    public static func connect(host: String = "127.0.0.1", port: Int) async throws -> ConsoleClient {
        let (stream, continuation) = AsyncStream.makeStream(of: ByteBuffer.self)
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(InboundForwarder(continuation: continuation))
                }
            }
            .connect(host: host, port: port).get()
        return ConsoleClient(channel: channel, inbound: stream)
    }

    /// Connects to a console's Unix socket.
    public static func connect(unixSocket path: String) async throws -> ConsoleClient {
        let (stream, continuation) = AsyncStream.makeStream(of: ByteBuffer.self)
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(InboundForwarder(continuation: continuation))
                }
            }
            .connect(unixDomainSocketPath: path).get()
        return ConsoleClient(channel: channel, inbound: stream)
    }

    /// Sends raw bytes as they are (for malformed input).
    public func sendRaw(_ bytes: [UInt8]) async throws {
        try await channel.writeAndFlush(ByteBuffer(bytes: bytes))
    }

    /// Sends lines without waiting for answers (pipelining).
    public func sendLines(_ lines: [String]) async throws {
        try await channel.writeAndFlush(ByteBuffer(string: lines.map { $0 + "\n" }.joined()))
    }

    /// Sends one line and returns the first line of its answer.
    public func send(_ line: String) async throws -> String {
        try await sendLines([line])
        return try await readLine()
    }

    /// Sends a line and parses the JSON answer.
    public func json(_ line: String) async throws -> ConsoleAnswer {
        try ConsoleAnswer(parsing: try await send(line))
    }

    /// The next line from the server; throws when the connection closes first.
    public func readLine() async throws -> String {
        guard let line = try await reader.next() else { throw HuzhuError(.unavailable, "the console closed the connection") }
        return line
    }

    /// True when the server has closed the connection (after any lines still unread are skipped).
    public func isClosedByServer() async throws -> Bool {
        while try await reader.next() != nil {}
        return true
    }

    public func close() async {
        try? await channel.close()
    }
}

/// A parsed JSON-mode answer.
public struct ConsoleAnswer: @unchecked Sendable {  // holds JSONSerialization values, read-only after init
    public let ok: Bool
    /// The `data` member of a success.
    public let data: Any?
    /// The error code of a failure.
    public let code: String?
    public let message: String?
    public let raw: String

    init(parsing line: String) throws {
        guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], let ok = object["ok"] as? Bool else {
            throw HuzhuError(.internal, "not a JSON answer: \(line)")
        }
        let error = object["error"] as? [String: Any]
        self.ok = ok
        self.data = object["data"]
        self.code = error?["code"] as? String
        self.message = error?["message"] as? String
        self.raw = line
    }
}

/// Splits inbound buffers into lines.
final class LineReader: @unchecked Sendable {  // used by one test task at a time, never concurrently
    private var iterator: AsyncStream<ByteBuffer>.AsyncIterator
    private var pending = ByteBuffer()

    init(_ stream: AsyncStream<ByteBuffer>) {
        self.iterator = stream.makeAsyncIterator()
    }

    func next() async throws -> String? {
        while true {
            if let newline = pending.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) {
                let length = newline - pending.readerIndex
                let line = pending.readString(length: length)!
                pending.moveReaderIndex(forwardBy: 1)
                return line
            }
            guard var buffer = await iterator.next() else {
                // The connection ended: a last line without its newline is still a line.
                guard pending.readableBytes > 0 else { return nil }
                return pending.readString(length: pending.readableBytes)
            }
            pending.writeBuffer(&buffer)
        }
    }
}

/// Hands every inbound buffer to an AsyncStream; finishes it when the connection closes.
final class InboundForwarder: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    let continuation: AsyncStream<ByteBuffer>.Continuation

    init(continuation: AsyncStream<ByteBuffer>.Continuation) {
        self.continuation = continuation
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        continuation.yield(unwrapInboundIn(data))
    }

    func channelInactive(context: ChannelHandlerContext) {
        continuation.finish()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
