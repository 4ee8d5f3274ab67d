// libFuzzer entry: the console's line parser must never crash, and what it accepts must round-trip its
// invariants (no empty command words, named keys well-formed).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzConsoleLine(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let line = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    guard let parsed = try? CommandLineParser.parse(line) else { return 0 }
    for word in parsed.words where !word.quoted {
        precondition(!word.text.isEmpty, "an unquoted word is never empty")
    }
    for (key, _) in parsed.named {
        precondition(!key.isEmpty, "a named argument has a key")
    }
    return 0
}
