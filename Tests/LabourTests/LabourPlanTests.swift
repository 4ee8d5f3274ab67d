import Foundation
import HuzhuKit
import HuzhuLabour
import HuzhuTesting
import Testing

/// `LABOUR PLAN`: the day's requests at once, crews as several places, optimal against greedy, COMMIT.
@Suite struct LabourPlanTests {
    @Test func thePlanFillsCrewsAndCommitsAtomically() async throws {
        try await LabourFixture.with { f in
            _ = try await f.member("李四", phone: "13800000001")
            _ = try await f.member("周九", village: 2, phone: "13800000002", noLabour: true)
            // Workers: two who can do both tasks, one only harvest, one only plough.
            let both1 = try await f.worker("甲", phone: "13800000011", skills: "plough:5:80/mu,harvest:5:90/mu")
            let both2 = try await f.worker("乙", village: 2, phone: "13800000012", skills: "plough:2:80/mu,harvest:4:90/mu")
            let harvester = try await f.worker("丙", phone: "13800000013", skills: "harvest:3:90/mu")
            let plougher = try await f.worker("丁", village: 2, phone: "13800000014", skills: "plough:3:80/mu")
            #expect(try await f.admin.json("LABOUR TASK LIST").ok)
            // Entered by staff (offers go out at once; the plan ignores pending offers and fills the places).
            #expect(try await f.admin.json("LABOUR REQUEST ADD member=1 task=harvest date=\(LabourFixture.day) area=6 crew=2").ok)
            #expect(try await f.admin.json("LABOUR REQUEST ADD member=2 task=plough date=\(LabourFixture.day) area=3 crew=2").ok)
            #expect(try await f.count("SELECT count(*) FROM labour_request WHERE priority") == 1)

            let plan = try await f.admin.json("LABOUR PLAN \(LabourFixture.day)")
            #expect(plan.ok, "\(plan.raw)")
            let data = try #require(plan.data as? [String: Any])
            #expect(data["places"] as? Int == 4 && data["filled"] as? Int == 4, "\(plan.raw)")
            #expect((data["total"] as? Double ?? 0) >= (data["greedy_total"] as? Double ?? .infinity))
            let requests = try #require(data["requests"] as? [[String: Any]])
            let placed = requests.map { Set((($0["workers"] as? [[String: Any]]) ?? []).compactMap { $0["worker"] as? Int }) }
            // The only way to fill all four places: both generalists split, each specialist on their task.
            #expect(Set(placed) == [[both1, harvester], [both2, plougher]] || Set(placed) == [[both2, harvester], [both1, plougher]], "\(placed)")
            #expect(try await f.count("SELECT count(*) FROM labour_assignment") == 0, "a plan shown is not applied")

            let committed = try await f.admin.json("LABOUR PLAN \(LabourFixture.day) COMMIT")
            #expect(committed.ok && (committed.data as? [String: Any])?["committed"] as? Bool == true, "\(committed.raw)")
            #expect(try await f.count("SELECT count(*) FROM labour_assignment") == 4)
            #expect(try await f.strings("SELECT state FROM labour_job ORDER BY id") == ["assigned", "assigned"])
            #expect(try await f.strings("SELECT state FROM labour_request ORDER BY id") == ["matched", "matched"])
            #expect(try await f.notifications(to: "13800000002").contains { $0.contains("已找齐2人") })
            #expect(try await f.notifications(to: "13800000013").contains { $0.hasPrefix("派活") })

            let again = try await f.admin.json("LABOUR PLAN \(LabourFixture.day)")
            #expect((again.data as? [String: Any])?["places"] as? Int == 0)
            #expect(try await f.admin.json("LABOUR PLAN 2027-06-12 NOW").code == "SYNTAX")
            #expect(try await f.admin.json("LABOUR PLAN 2027-02-30").code == "SYNTAX", "a day February does not have")
        }
    }
}

/// A stand-in for the cultural plugin: raises `labour.request.wanted` durably, as the contract says.
struct WantedRaised: BusMessage {
    static let topic = "labour.request.wanted"
    let json: JSONValue
}

struct BookingCancelled: BusMessage {
    static let topic = "culture.booking.cancelled"
    let json: JSONValue
}

struct CultureStubPlugin: HuzhuPlugin {
    static let identity = PluginIdentity(id: "culturestub", version: "0", summary: LocalizedText(en: "test", zh: "测试"))

    func register(_ registrar: inout PluginRegistrar, context: PluginContext) throws {
        registrar.command(ConsoleCommand("CULTURESTUB RAISE", usage: "CULTURESTUB RAISE <member> <source>", summary: "test", access: .roles([.staff])) { request in
            let member = Int(try request.arguments.requiredID(0, usage: "CULTURESTUB RAISE <member> <source>"))
            let source = try request.arguments.required(1, usage: "CULTURESTUB RAISE <member> <source>")
            try await context.store.write(as: Actor("plugin:culturestub")) { tx in
                try await tx.audit("culturestub.raise", target: source)
                try await tx.emit(WantedRaised(json: ["member": .int(member), "task": "cook", "date": "2027-10-01", "crew": 2,
                                                      "notes": "婚宴 15桌", "source": .string(source)]), publisher: "culturestub")
            }
            return ConsoleReply(data: .null, line: "OK")
        })
        registrar.command(ConsoleCommand("CULTURESTUB CANCEL", usage: "CULTURESTUB CANCEL <member> <source>", summary: "test", access: .roles([.staff])) { request in
            let member = Int(try request.arguments.requiredID(0, usage: "CULTURESTUB CANCEL <member> <source>"))
            let source = try request.arguments.required(1, usage: "CULTURESTUB CANCEL <member> <source>")
            try await context.store.write(as: Actor("plugin:culturestub")) { tx in
                try await tx.audit("culturestub.cancel", target: source)
                try await tx.emit(BookingCancelled(json: ["booking": 12, "member": .int(member), "date": "2027-10-01", "reason": "改期",
                                                          "source": .string(source)]), publisher: "culturestub")
            }
            return ConsoleReply(data: .null, line: "OK")
        })
    }
}

@Suite struct LabourWantedTests {
    @Test func aWantedEventMakesOneRequestHoweverOftenItArrives() async throws {
        try await LabourFixture.with(plugins: [CultureStubPlugin.self]) { f in
            let member = try await f.member("李四", phone: "13800000001")
            let watcher = try await f.daemon.console()
            #expect(try await watcher.json("BUS TAIL labour.request.created").ok)
            func next() async throws -> [String: Any] {
                let line = try await watcher.readLine()
                let event = (try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["event"] as? [String: Any]
                return try #require(event?["payload"] as? [String: Any])
            }
            #expect(try await f.admin.json("CULTURESTUB RAISE \(member) culture.booking:12").ok)
            let first = try await next()
            #expect(first["source"] as? String == "culture.booking:12" && first["task"] as? String == "cook" && first["crew"] as? Int == 2)
            #expect(try await f.admin.json("CULTURESTUB RAISE \(member) culture.booking:12").ok)   // redelivered
            #expect(try await f.admin.json("CULTURESTUB RAISE \(member) culture.booking:13").ok)
            // Events reach the subscriber in order: had the repeat made a request, its event would come first.
            #expect(try await next()["source"] as? String == "culture.booking:13")
            #expect(try await f.count("SELECT count(*) FROM labour_request") == 2)
            #expect(try await f.strings("SELECT actor || '|' || on_behalf_of FROM audit_log WHERE action = 'labour.request.add' ORDER BY id")
                        == ["plugin:culturestub|\(member)", "plugin:culturestub|\(member)"])

            // The booking is cancelled: the request raised for it goes too, the other stays.
            #expect(try await f.admin.json("CULTURESTUB CANCEL \(member) culture.booking:12").ok)
            let deadline = ContinuousClock.now + .seconds(20)
            var cancelled = 0
            while ContinuousClock.now < deadline {  // the subscriber runs after the commit; wait for its effect
                cancelled = try await f.count("SELECT count(*) FROM labour_request WHERE source = 'culture.booking:12' AND state = 'cancelled'")
                if cancelled == 1 { break }
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(cancelled == 1, "the request for the cancelled booking is withdrawn")
            #expect(try await f.count("SELECT count(*) FROM labour_request WHERE source = 'culture.booking:13' AND state <> 'cancelled'") == 1)
        }
    }
}
