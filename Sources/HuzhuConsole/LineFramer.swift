import NIOCore

/// What the framer hands the session: a complete line, or word that a line was too long.
enum ConsoleFrame {
    /// A line without its ending; `crlf` when it ended in `\r\n` (answers then end the same way).
    case line(ByteBuffer, crlf: Bool)
    case tooLong
}

/// Splits the byte stream at `\n` (dropping a `\r` before it), with a cap on line length.
///
/// NIO's `LineBasedFrameDecoder` has no limit, so a client could grow the buffer without end. Here an
/// over-long line is reported once and its remaining bytes are skipped up to the next newline.
struct LineFramer: ByteToMessageDecoder {
    typealias InboundOut = ConsoleFrame
    let maximumLength: Int
    private var discarding = false

    init(maximumLength: Int) {
        self.maximumLength = maximumLength
    }

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        let view = buffer.readableBytesView
        guard let newline = view.firstIndex(of: UInt8(ascii: "\n")) else {
            if discarding {
                buffer.moveReaderIndex(forwardBy: buffer.readableBytes)
            } else if buffer.readableBytes > maximumLength {
                discarding = true
                buffer.moveReaderIndex(forwardBy: buffer.readableBytes)
                context.fireChannelRead(wrapInboundOut(.tooLong))
            }
            return .needMoreData
        }
        let length = newline - view.startIndex
        if discarding {
            buffer.moveReaderIndex(forwardBy: length + 1)
            discarding = false
            return .continue
        }
        if length > maximumLength {
            buffer.moveReaderIndex(forwardBy: length + 1)
            context.fireChannelRead(wrapInboundOut(.tooLong))
            return .continue
        }
        var line = buffer.readSlice(length: length)!
        buffer.moveReaderIndex(forwardBy: 1)
        let crlf = line.readableBytesView.last == UInt8(ascii: "\r")
        if crlf { line.moveWriterIndex(to: line.writerIndex - 1) }
        context.fireChannelRead(wrapInboundOut(.line(line, crlf: crlf)))
        return .continue
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        // A last line without its newline is still a command (e.g. `printf PING | nc`).
        while try decode(context: context, buffer: &buffer) == .continue {}
        if buffer.readableBytes > 0, !discarding {
            let line = buffer.readSlice(length: buffer.readableBytes)!
            context.fireChannelRead(wrapInboundOut(.line(line, crlf: false)))
        }
        buffer.moveReaderIndex(forwardBy: buffer.readableBytes)
        return .needMoreData
    }
}
