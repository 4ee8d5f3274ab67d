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
        // Records, commands and SMS intents arrive with the association's own issue.
    }
}
