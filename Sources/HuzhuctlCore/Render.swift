/// Turns answers into lines for people (and the raw lines for `--json`).
public enum Render {
    /// Where a line goes.
    public enum Stream: Sendable, Equatable {
        case stdout
        case stderr
    }

    /// An answer for people: successes on stdout, failures (`-CODE message`) on stderr.
    public static func human(_ answer: Answer) -> [(Stream, String)] {
        switch answer.body {
        case .line(let text): return text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map { (.stdout, String($0)) }
        case .block(let lines): return lines.map { (.stdout, $0) }
        case .data(let json): return data(json).map { (.stdout, $0) }
        case .error(let code, let message): return [(.stderr, message.isEmpty ? "-\(code)" : "-\(code) \(message)")]
        case .malformed(let line): return [(.stderr, line)]
        }
    }

    /// An answer as received (JSON mode: its one line; text mode: its lines with `+`, `-` or the final `.`), on stdout.
    public static func raw(_ answer: Answer) -> [(Stream, String)] {
        answer.raw.map { (.stdout, $0) }
    }

    /// The `data` of a JSON answer as lines: strings as they are, lists of records as aligned columns,
    /// records as `key  value` lines.
    public static func data(_ json: JSON) -> [String] {
        switch json {
        case .null: return []
        case .string(let text): return text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map(String.init)
        case .bool, .number: return [cell(json)]
        case .array(let items):
            if items.isEmpty { return ["(none)"] }
            if items.allSatisfy({ if case .object = $0 { true } else { false } }) {
                return table(items)
            }
            return items.map { $0.isScalar ? cell($0) : $0.text }
        case .object(let pairs):
            return record(pairs)
        }
    }

    /// A record: keys aligned, scalars after them, nested lists of records as indented tables.
    static func record(_ pairs: [(String, JSON)]) -> [String] {
        let width = pairs.map { displayWidth($0.0) }.max() ?? 0
        var lines: [String] = []
        for (key, value) in pairs {
            let label = pad(key, to: width)
            switch value {
            case .array(let items) where !items.isEmpty && items.allSatisfy({ if case .object = $0 { true } else { false } }):
                lines.append(key)
                lines += table(items).map { "  " + $0 }
            case .array(let items) where items.allSatisfy(\.isScalar):
                lines.append(label + "  " + (items.isEmpty ? "-" : items.map(cell).joined(separator: ", ")))
            case .object(let inner) where !inner.isEmpty:
                lines.append(key)
                lines += record(inner).map { "  " + $0 }
            default:
                lines.append(label + "  " + cell(value))
            }
        }
        return lines
    }

    /// Aligned columns with an upper-case header and a rule, like the server's text tables.
    static func table(_ rows: [JSON]) -> [String] {
        var columns: [String] = []
        for row in rows {
            guard case .object(let pairs) = row else { continue }
            for (key, _) in pairs where !columns.contains(key) { columns.append(key) }
        }
        let header = columns.map { $0.uppercased() }
        let cells = rows.map { row in columns.map { row[$0].map(cell) ?? "" } }
        return aligned([header, header.map { String(repeating: "-", count: displayWidth($0)) }] + cells, rule: 1)
    }

    /// Lines of cells padded to their column's width (two spaces between columns, none after the last).
    /// The row at index `rule`, if any, is redrawn as dashes across each column's final width.
    public static func aligned(_ rows: [[String]], rule: Int? = nil) -> [String] {
        let count = rows.map(\.count).max() ?? 0
        var widths = [Int](repeating: 0, count: count)
        for (index, row) in rows.enumerated() where index != rule {
            for (column, text) in row.enumerated() { widths[column] = max(widths[column], displayWidth(text)) }
        }
        return rows.enumerated().map { index, row in
            if index == rule { return widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ") }
            var line = row.enumerated().map { column, text in
                column == row.count - 1 ? text : pad(text, to: widths[column])
            }.joined(separator: "  ")
            while line.hasSuffix(" ") { line.removeLast() }  // empty last cells
            return line
        }
    }

    /// One value in a cell: strings as they are (on one line), null as `-`, nested values as JSON.
    static func cell(_ value: JSON) -> String {
        switch value {
        case .null: return "-"
        case .bool(let flag): return flag ? "true" : "false"
        case .number(let text): return text
        case .string(let text): return text.contains("\n") || text.contains("\r") ? oneLine(text) : text
        case .array(let items) where items.allSatisfy(\.isScalar):
            // Lists of names or ids, e.g. roles: admin,staff
            return items.isEmpty ? "-" : items.map(cell).joined(separator: ",")
        case .array, .object: return value.text
        }
    }

    static func oneLine(_ text: String) -> String {
        var out = ""
        for c in text { out.append(c == "\n" || c == "\r" || c == "\r\n" ? " " : c) }
        return out
    }

    static func pad(_ text: String, to width: Int) -> String {
        let have = displayWidth(text)
        return have >= width ? text : text + String(repeating: " ", count: width - have)
    }

    /// Columns a string takes in a terminal: East Asian wide and full-width characters count 2,
    /// combining marks and zero-width characters 0.
    public static func displayWidth(_ text: String) -> Int {
        var total = 0
        for scalar in text.unicodeScalars {
            let v = scalar.value
            if v == 0x200B || v == 0x200C || v == 0x200D || v == 0xFEFF || (0x0300...0x036F).contains(v)
                || (0xFE00...0xFE0F).contains(v) || (0x20D0...0x20FF).contains(v) {
                continue
            }
            let wide = (0x1100...0x115F).contains(v) || (0x2E80...0x303E).contains(v) || (0x3041...0x33FF).contains(v)
                || (0x3400...0x4DBF).contains(v) || (0x4E00...0x9FFF).contains(v) || (0xA000...0xA4CF).contains(v)
                || (0xAC00...0xD7A3).contains(v) || (0xF900...0xFAFF).contains(v) || (0xFE30...0xFE4F).contains(v)
                || (0xFF00...0xFF60).contains(v) || (0xFFE0...0xFFE6).contains(v) || (0x1F300...0x1F64F).contains(v)
                || (0x1F900...0x1F9FF).contains(v) || (0x20000...0x3FFFD).contains(v)
            total += wide ? 2 : 1
        }
        return total
    }
}
