import HuzhuConsole
import HuzhuKit
import Logging

/// The hub's own console commands (beyond the session built-ins), gathered into a registry.
enum CoreCommands {
    static func registry(store: HubStore, logger: Logger) throws -> ConsoleRegistry {
        var registry = ConsoleRegistry()
        let directory = Directory(client: store.client, logger: logger)
        try registry.register(
            ConsoleCommand(
                "MEMBER FIND", usage: "MEMBER FIND <name prefix or phone>",
                summary: LocalizedText(en: "Find members by name prefix or phone number", zh: "按姓名开头或电话查找成员"),
                access: .authenticated
            ) { request in
                guard let text = request.arguments.positional.first, request.arguments.positional.count == 1 else {
                    throw HuzhuError(.syntax, "usage: MEMBER FIND <name prefix or phone>, e.g. MEMBER FIND 张", zh: "用法：MEMBER FIND 姓名开头或电话，如 MEMBER FIND 张")
                }
                let members = try await directory.findMembers(text, scope: request.caller?.isScoped == true ? request.caller!.villages : [])
                return ConsoleReply(
                    data: .array(members.map(\.json)),
                    text: members.isEmpty ? ["(none)"] : members.map { "\($0.id)\t\($0.name)\t\($0.phone?.e164 ?? "-")\tvillage \($0.villageID)" })
            }, owner: "core")
        return registry
    }
}
