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
            if reply.text.count == 1, !reply.text[0].contains("\n"), !reply.text[0].contains("\r") {
                buffer.writeString("+" + reply.text[0] + newline)
            } else {
                for line in reply.text.flatMap({ $0.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }) }) {
                    // Dot-stuffing, as in SMTP, widened: a line starting with ".", "+", "-" or ">" gets a "." in
                    // front, so "." alone ends the block and no line of a block reads as an answer or an event.
                    let stuff = line.first.map { ".+->".contains($0) } ?? false
                    buffer.writeString((stuff ? "." : "") + line + newline)
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
