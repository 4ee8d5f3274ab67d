import HuzhuKit

/// The member directory: townships, villages, households, members. Every write is one transaction with
/// its audit row. Reads and writes of households and members take the caller's village scope (empty:
/// all villages), applied in the SQL itself.
public struct Directory: Sendable {
    let store: any HubStoreHandle

    public init(store: any HubStoreHandle) {
        self.store = store
    }

    static func checkScope(_ villageID: Int, _ scope: [Int]) throws(HuzhuError) {
        guard scope.isEmpty || scope.contains(villageID) else {
            throw HuzhuError(.denied, "village \(villageID) is outside your villages (\(scope.map(String.init).joined(separator: ",")))",
                             zh: "村 \(villageID) 不在您管辖的范围内")
        }
    }

    /// A LIKE pattern matching text that starts with `text`, with LIKE's wildcards escaped.
    static func likePrefix(_ text: String) -> String {
        var out = ""
        for c in text {
            if c == "%" || c == "_" || c == "\\" { out.append("\\") }
            out.append(c)
        }
        return out + "%"
    }

    static func trimmed(_ text: String, field: String, maximum: Int = 100) throws(HuzhuError) -> String {
        let value = text.trimmingSpaces()
        guard (1...maximum).contains(value.count) else {
            throw HuzhuError(.invalid, "\(field) must be 1-\(maximum) characters", zh: "\(field) 应为 1-\(maximum) 个字")
        }
        return value
    }
}

extension String {
    func trimmingSpaces() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
        return String(scalars[first...last])
    }
}
