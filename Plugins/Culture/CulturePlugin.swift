import HuzhuKit

/// The Cultural association (文化协会) plugin.
public struct CulturePlugin: HuzhuPlugin {
    public static let identity = PluginIdentity(
        id: "culture",
        version: "0.1.0",
        summary: LocalizedText(en: "Cultural association: events, classes, wedding and funeral services", zh: "文化协会")
    )

    public init() {}

    public func register(_ registrar: inout PluginRegistrar, context: PluginContext) throws {
        // The farmers' words are understood already (see docs/sms.md); acting on them arrives with the
        // association's own records, so for now the handler says the service is not open yet.
        for intent in CultureSMS.intents() { registrar.intent(intent) }
    }
}
