extension ConsoleArguments {
    /// A whole-number named argument; nil when absent, SYNTAX with the usage when not a number.
    public func int(_ key: String, usage: String) throws(HuzhuError) -> Int? {
        guard let text = self[key] else { return nil }
        guard let value = Int(text) else { throw Self.bad(key, text, "a whole number", usage) }
        return value
    }

    /// A whole-number named argument that must be given.
    public func requiredInt(_ key: String, usage: String) throws(HuzhuError) -> Int {
        guard let value = try int(key, usage: usage) else {
            throw HuzhuError(.syntax, "missing \(key)=: usage: \(usage)", zh: "缺少 \(key)=。用法：\(usage)")
        }
        return value
    }

    /// A decimal named argument.
    public func double(_ key: String, usage: String) throws(HuzhuError) -> Double? {
        guard let text = self[key] else { return nil }
        guard let value = Double(text), value.isFinite else { throw Self.bad(key, text, "a number", usage) }
        return value
    }

    /// A yes/no named argument (`yes`, `no`, `true`, `false`, `1`, `0`, `是`, `否`).
    public func bool(_ key: String, usage: String) throws(HuzhuError) -> Bool? {
        guard let text = self[key] else { return nil }
        switch text.lowercased() {
        case "yes", "true", "1", "y", "是": return true
        case "no", "false", "0", "n", "否": return false
        default: throw Self.bad(key, text, "yes or no", usage)
        }
    }

    /// The positional argument at `index` as an id.
    public func requiredID(_ index: Int, usage: String) throws(HuzhuError) -> Int64 {
        let text = try required(index, usage: usage)
        guard let value = Int64(text), value > 0 else { throw Self.bad("id", text, "a positive whole number", usage) }
        return value
    }

    private static func bad(_ key: String, _ text: String, _ form: String, _ usage: String) -> HuzhuError {
        HuzhuError(.syntax, "\(key)=\(text) must be \(form): usage: \(usage)", zh: "\(key)=\(text) 应为\(form == "yes or no" ? "是或否" : "数字")。用法：\(usage)")
    }
}
