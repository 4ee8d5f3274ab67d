import HuzhuKit

/// The Industry association (产业协会): craftsmen and service teams, farmers' requests for hands, offers
/// by SMS, explainable fair matching, optimal day plans, technical contracts and reports.
/// See docs/plugins/labour.md.
public struct LabourPlugin: HuzhuPlugin {
    public static let identity = PluginIdentity(
        id: "labour",
        version: "1.0.0",
        summary: LocalizedText(en: "Industry association: craftsmen, farmers' job requests, fair matching, day plans",
                               zh: "产业协会：工匠与服务队、农户找人、公平匹配、日派工"),
        migrations: LabourSchema.migrations,
        configuration: LabourSettings.keys
    )

    /// Task words beyond the built-in SMS vocabulary: the hands a wedding or funeral booking asks for.
    static let extraTaskWords: [(code: String, words: [String])] = [
        ("helper", ["帮工", "杂工", "打杂"]),
        ("cook", ["帮厨", "厨师", "做饭"]),
    ]

    public init() {}

    public func register(_ registrar: inout PluginRegistrar, context: PluginContext) throws {
        let labour = try LabourStore(context)
        for command in LabourWorkerCommands.all(labour, words: context.words) + LabourRequestCommands.all(labour)
            + LabourMatchingCommands.all(labour) + LabourContractCommands.all(labour) {
            registrar.command(command)
        }
        for intent in LabourSMS.intents(vocabulary: context.words.provider, handle: { request in
            try await LabourSMSHandlers.handle(labour, request)
        }) {
            registrar.intent(intent)
        }
        registrar.cancel { request, ref in try await LabourSMSHandlers.cancel(labour, request, ref: ref) }
        registrar.subscribe(LabourWanted.topic) { envelope in try await LabourWanted.handle(labour, envelope) }
        registrar.subscribe(LabourWantedWithdrawn.topic) { envelope in try await LabourWantedWithdrawn.handle(labour, envelope) }
        registrar.periodic(PeriodicJob("expire-offers", schedule: .every(.seconds(60))) { now in
            _ = try await labour.expire(now: now)
        })
        registrar.demo { tx in try await LabourDemo.load(tx) } committed: { labour.cache.invalidateAll() }
    }

    public func start(_ context: PluginContext) async throws {
        // The SMS word book is the store's: add the words once, so staff see and can edit them (SMS WORDS).
        for (code, words) in Self.extraTaskWords where !context.words.current.tasks.values.contains(code) {
            try await context.words.add(.task, words: words, meaning: code, as: Actor("plugin:labour"))
        }
    }
}
