import HuzhuKit

/// The Industry association (产业协会) plugin.
public struct LabourPlugin: HuzhuPlugin {
    public static let identity = PluginIdentity(
        id: "labour",
        version: "0.1.0",
        summary: LocalizedText(en: "Industry association: craftsmen, farmers' job requests, matching", zh: "产业协会")
    )

    public init() {}

    public func register(_ registrar: inout PluginRegistrar, context: PluginContext) throws {
        // The farmers' words are understood already (see docs/sms.md); acting on them arrives with the
        // association's own records, so for now the handler says the service is not open yet.
        for intent in LabourSMS.intents() { registrar.intent(intent) }
    }
}
