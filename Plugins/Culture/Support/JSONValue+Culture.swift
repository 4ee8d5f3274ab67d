import Foundation
import HuzhuKit

extension JSONValue {
    /// A string's content, or the JSON text of anything else (for text-mode tables).
    var plain: String {
        if case .string(let text) = self { return text }
        if case .null = self { return "" }
        return jsonText
    }

    /// An object with `other`'s members added (replacing same-named ones).
    func merging(_ other: JSONValue) -> JSONValue {
        guard case .object(var pairs) = self, case .object(let extra) = other else { return self }
        for (key, value) in extra {
            pairs.removeAll { $0.0 == key }
            pairs.append((key, value))
        }
        return .object(pairs)
    }
}
