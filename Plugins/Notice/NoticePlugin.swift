import HuzhuKit

/// The notice board (村务公开栏): staff post notices for a village or for all; members read the latest by
/// SMS (`公告`). Small on purpose: it is the worked example of docs/plugin-guide.md and uses every part
/// of the SDK (migrations in code, settings, console commands, an SMS intent, a durable bus event, a
/// subscription).
public struct NoticePlugin: HuzhuPlugin {
    public static let identity = PluginIdentity(
        id: "notice",
        version: "1.0.0",
        summary: LocalizedText(en: "Notice board: village announcements by console and SMS", zh: "村务公开栏：通过控制台和短信发布、查看公告"),
        migrations: [
            MigrationSource(version: 1, name: "notice", sql: """
                CREATE TABLE notice (
                    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    village_id integer REFERENCES village (id),   -- NULL: every village
                    body       text NOT NULL CHECK (length(body) BETWEEN 1 AND 500),
                    posted_by  text NOT NULL,
                    posted_at  timestamptz NOT NULL DEFAULT now()
                );
                CREATE INDEX notice_village_idx ON notice (village_id, posted_at DESC);
                """),
        ],
        configuration: [ConfigurationKey("sms_count", default: "2", help: "how many notices an SMS reply lists")]
    )

    public init() {}

    public func register(_ registrar: inout PluginRegistrar, context: PluginContext) throws {
        let smsCount = try context.configuration.int("sms_count")
        let board = NoticeBoard(store: context.store)
        registrar.command(NoticeCommands.post(board, context))
        registrar.command(NoticeCommands.list(board))
        registrar.intent(NoticeSMS.intent(board, count: smsCount))
        // A subscriber of the plugin's own event: counts notices (other plugins could SMS villagers here).
        let posted = context.counter("notices_posted_total")
        registrar.subscribe(NoticePosted.topic) { _ in posted.increment() }
    }
}

/// Published (durably) when a notice is posted.
public struct NoticePosted: DecodableBusMessage, Equatable {
    public static let topic = "notice.posted"
    public let id: Int64
    public let villageID: Int?
    public let body: String

    public var json: JSONValue {
        ["id": .int(Int(id)), "village": villageID.map(JSONValue.int) ?? .null, "body": .string(body)]
    }

    public init(id: Int64, villageID: Int?, body: String) {
        self.id = id
        self.villageID = villageID
        self.body = body
    }

    public init(json: JSONValue) throws {
        guard case .int(let id)? = json["id"], case .string(let body)? = json["body"] else {
            throw HuzhuError(.invalid, "notice.posted needs id and body")
        }
        var village: Int?
        if case .int(let value)? = json["village"] { village = value }
        self.init(id: Int64(id), villageID: village, body: body)
    }
}
