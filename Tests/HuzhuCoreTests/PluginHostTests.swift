import Foundation
import HuzhuBus
import HuzhuConsole
@testable import HuzhuCore
import HuzhuKit
import HuzhuTesting
import Logging
import PostgresNIO
import Testing

@Suite struct PluginHostTests {
    /// A host whose plugins get a store that is never queried here.
    func host(_ plugins: [any HuzhuPlugin.Type], disabled: [String] = [], settings: [String: String] = [:]) -> (PluginHost, LocalBus) {
        let bus = LocalBus(logger: TestLog.logger)
        let client = PostgresClient(configuration: .init(unixSocketPath: "/nonexistent", username: "x", password: nil, database: "x"))
        let store = PooledStore(client: client, bus: bus, logger: TestLog.logger)
        let host = PluginHost(plugins: plugins, disabled: disabled, settings: settings, logger: TestLog.logger) { id, configuration in
            PluginContext(plugin: id, store: store, bus: bus, logger: TestLog.logger, clock: SystemClock(), timeZone: .current, configuration: configuration)
        }
        return (host, bus)
    }

    func start(_ host: PluginHost, _ bus: LocalBus, registry: inout ConsoleRegistry) async throws {
        try await host.start(into: &registry, bus: bus, clock: SystemClock(), timeZone: .current)
    }

    @Test func aFailingStartDeclinesThePluginAndWhatRequiresIt() async throws {
        let (host, bus) = host([GoodPlugin.self, FailingPlugin.self, DependentPlugin.self])
        var registry = ConsoleRegistry()
        try await start(host, bus, registry: &registry)
        let states = Dictionary(uniqueKeysWithValues: host.statuses.map { ($0.id, $0.state) })
        #expect(states["good"] == .running)
        #expect(states["failing"] == .declined("its start failed: the model file is missing"))
        #expect(states["dependent"] == .declined("it requires failing, which is not running"))
        #expect(registry.command(named: "GOOD SAY") != nil)
        #expect(registry.command(named: "FAILING THING") == nil, "a declined plugin's commands are not served")
        #expect(registry.command(named: "DEPENDENT THING") == nil)
        #expect(host.intents.map(\.name) == ["good.hi"])
        await host.stop()
    }

    @Test func disabledPluginsAreListedButNotStarted() async throws {
        let (host, bus) = host([GoodPlugin.self, FailingPlugin.self], disabled: ["failing"])
        var registry = ConsoleRegistry()
        try await start(host, bus, registry: &registry)
        #expect(host.statuses.map(\.state) == [.running, .disabled])
    }

    static let clashes: [String: ([any HuzhuPlugin.Type], String)] = [
        "id": ([GoodPlugin.self, SameIDPlugin.self], "two plugins have the id 'good'"),
        "command": ([GoodPlugin.self, ClashingCommandPlugin.self], "console command GOOD SAY is registered by both good and clash_command"),
        "keyword": ([GoodPlugin.self, ClashingKeywordPlugin.self], "SMS keyword 'HI' is claimed by both good.hi and clash.hi"),
    ]

    @Test(arguments: ["id", "command", "keyword"])
    func clashesStopTheStartWithBothNames(_ kind: String) async {
        let (plugins, message) = Self.clashes[kind]!
        let (host, bus) = host(plugins)
        var registry = ConsoleRegistry()
        let error = await #expect(throws: HuzhuError.self) { try await start(host, bus, registry: &registry) }
        #expect(error?.message.en.contains(message) == true, "\(error?.message.en ?? "")")
    }

    @Test func aPluginCommandMayNotTakeACoreName() async throws {
        var registry = ConsoleRegistry()
        try registry.register(ConsoleCommand("GOOD SAY", usage: "", summary: "", access: .anyone) { _ in ConsoleReply(data: .null, line: "") }, owner: "core")
        let (host, bus) = host([GoodPlugin.self])
        let error = await #expect(throws: HuzhuError.self) { try await start(host, bus, registry: &registry) }
        #expect(error?.message.en.contains("both core and good") == true)
    }

    @Test func settingsReachThePluginAndUnknownOnesAreRefused() async throws {
        let (host, bus) = host([GoodPlugin.self], settings: ["good.greeting": "你好"])
        var registry = ConsoleRegistry()
        try await start(host, bus, registry: &registry)
        let reply = try await registry.command(named: "GOOD SAY")!.run(
            ConsoleRequest(command: "GOOD SAY", arguments: .init(), caller: nil, language: .zh))
        #expect(reply.data == "你好")

        let (typo, typoBus) = self.host([GoodPlugin.self], settings: ["good.greting": "x"])
        var other = ConsoleRegistry()
        let error = await #expect(throws: HuzhuError.self) { try await start(typo, typoBus, registry: &other) }
        #expect(error?.message.en.contains("plugin good has no setting 'greting' (its settings: greeting)") == true)
    }

    @Test func environmentSettingsAreSplitByPluginID() throws {
        let configuration = try HuzhuConfiguration.resolve(
            flags: [:], environment: ["HUZHU_PLUGINS_GOOD_GREETING": "env", "HUZHU_PLUGINS_CLASH_KEYWORD_X": "1"],
            file: "[plugins.good]\ngreeting = \"file\"\n")
        let settings = configuration.pluginSettings(ids: ["good", "clash_keyword", "clash"])
        #expect(settings["good.greeting"] == "env", "the environment wins over the file")
        #expect(settings["clash_keyword.x"] == "1", "the longest matching plugin id takes the variable")
    }

    @Test func periodicJobsRunOnTheirSchedule() async throws {
        let log = EnvelopeLog()
        let job = PeriodicJob("tick", schedule: .every(.milliseconds(5))) { _ in
            log.add(BusEnvelope(id: 1, topic: "tick", message: RawBusMessage(topic: "tick", json: [:]), publisher: "t"))
        }
        let task = PluginHost.schedule(job, plugin: "t", clock: SystemClock(), timeZone: .current, logger: TestLog.logger)
        await log.wait(for: 3)
        task.cancel()
        await task.value
        let daily = PeriodicJob("daily", schedule: .daily(hour: 8, minute: 30)) { _ in }
        let shanghai = TimeZone(identifier: "Asia/Shanghai")!
        let evening = ISO8601DateFormatter().date(from: "2026-06-11T20:00:00+08:00")!
        #expect(ISO8601DateFormatter().string(from: daily.nextRun(after: evening, timeZone: shanghai)) == "2026-06-12T00:30:00Z")
    }
}
