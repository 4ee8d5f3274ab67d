import HuzhuKit
import NIOCore

/// How a session wants its answers.
public enum ConsoleFormat: String, Sendable {
    /// Lines for people: `+one line`, `-CODE message`, or a block of lines ended by `.`.
    case text
    /// Exactly one line of JSON per answer.
    case json
}

/// Renders replies and errors into the bytes sent to the client.
enum ConsoleOutput {
    static func render(_ reply: ConsoleReply, format: ConsoleFormat, newline: String, into buffer: inout ByteBuffer) {
        switch format {
        case .json:
            var text = "{\"ok\":true,\"data\":"
            reply.data.write(to: &text)
            text += "}" + newline
            buffer.writeString(text)
        case .text:
            if reply.text.count == 1, !reply.text[0].contains("\n") {
                buffer.writeString("+" + reply.text[0] + newline)
            } else {
                for line in reply.text.flatMap({ $0.split(separator: "\n", omittingEmptySubsequences: false) }) {
                    // Dot-stuffing, as in SMTP: a line that starts with "." gets another, so "." alone ends the block.
                    buffer.writeString((line.hasPrefix(".") ? "." : "") + line + newline)
                }
                buffer.writeString("." + newline)
            }
        }
    }

    static func render(_ error: HuzhuError, format: ConsoleFormat, language: Language, newline: String, into buffer: inout ByteBuffer) {
        let message = error.message.text(in: language)
        switch format {
        case .json:
            let json: JSONValue = ["ok": false, "error": ["code": .string(error.code.rawValue), "message": .string(message)]]
            buffer.writeString(json.jsonText + newline)
        case .text:
            let oneLine = message.replacingNewlines()
            buffer.writeString("-\(error.code.rawValue) \(oneLine)" + newline)
        }
    }
}

extension String {
    func replacingNewlines() -> String {
        var out = ""
        for c in self { out.append(c == "\n" || c == "\r" ? " " : c) }
        return out
    }
}
