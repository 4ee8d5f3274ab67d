import HuzhuKit

/// The Sales association (销售协会) plugin.
public struct MarketPlugin: HuzhuPlugin {
    public static let identity = PluginIdentity(
        id: "market",
        version: "0.1.0",
        summary: LocalizedText(en: "Sales association: produce offers, buyers' demand, market prices", zh: "销售协会")
    )

    public init() {}

    public func register(_ registrar: inout PluginRegistrar, context: PluginContext) throws {
        // The farmers' words are understood already (see docs/sms.md); acting on them arrives with the
        // association's own records, so for now the handler says the service is not open yet.
        for intent in MarketSMS.intents() { registrar.intent(intent) }
    }
}
