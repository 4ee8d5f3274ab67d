import Foundation

// libFuzzer entry: every SMS text goes through normalisation and the full router with every intent's
// parser (core and the three associations). Nothing may crash; every parse error must carry a reply that
// fits the segment budget the hub promises for errors.
private let router = SMSRouter(intents: CoreSMS.intents() + LabourSMS.intents() + CultureSMS.intents() + MarketSMS.intents())
private let context = SMSParseContext(receivedAt: Date(timeIntervalSince1970: 1_781_053_200), timeZone: TimeZone(identifier: "Asia/Shanghai")!)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSMS(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    _ = SMSText.normalise(text)
    let parse = router.route(text, context: context)
    if let error = parse.error {
        let reply = error.message.text(in: .zh)
        precondition(!reply.isEmpty, "a parse error always says something")
        precondition(SMSSegments.count(reply) <= 3, "an error reply stays short: \(reply)")
    }
    return 0
}
