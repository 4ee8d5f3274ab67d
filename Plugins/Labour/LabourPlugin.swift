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
        // Records, commands and SMS intents arrive with the association's own issue.
    }
}
