import Foundation
import HuzhuKit
import HuzhuLabour
import HuzhuTesting
import PostgresNIO
import Testing

/// A daemon with the labour plugin, two villages 3 km apart, an admin console and an SMS gateway console.
struct LabourFixture {
    let daemon: TestDaemon
    let admin: ConsoleClient
    let gateway: ConsoleClient
    /// When test messages arrive: 1 June 2027, 09:00 in the hub's zone; `6月12日` is then 2027-06-12.
    static let morning = "2027-06-01T09:00:00+08:00"
    static let day = "2027-06-12"

    static func with(plugins: [any HuzhuPlugin.Type] = [], _ body: (LabourFixture) async throws -> Void) async throws {
        try await withTestDaemon(plugins: [LabourPlugin.self] + plugins) { daemon in
            let admin = try await daemon.console()
            let xianshui = try await admin.json("VILLAGE ADD 咸水村 township=古夫镇 lat=31.250 lon=110.750")
            #expect(xianshui.ok, "\(xianshui.raw)")
            #expect(try await admin.json("VILLAGE ADD 青草村 township=古夫镇 lat=31.270 lon=110.770").ok)
            let gateway = try await daemon.console(as: "sms1", roles: [.gateway])
            try await body(LabourFixture(daemon: daemon, admin: admin, gateway: gateway))
        }
    }

    /// Adds a member (with a household when flags are given) and returns the member id.
    func member(_ name: String, village: Int = 1, phone: String, noLabour: Bool = false) async throws -> Int {
        var household = ""
        if noLabour {
            let added = try await admin.json("HOUSEHOLD ADD village=\(village) no_labour=yes")
            household = " household=\(try #require((added.data as? [String: Any])?["id"] as? Int))"
        }
        let answer = try await admin.json("MEMBER ADD \(name) village=\(village) phone=\(phone)\(household)")
        #expect(answer.ok, "\(answer.raw)")
        return try #require((answer.data as? [String: Any])?["id"] as? Int)
    }

    /// Adds a member and registers them as a worker.
    func worker(_ name: String, village: Int = 1, phone: String, skills: String = "transplant:3:60/mu", extra: String = "") async throws -> Int {
        let id = try await member(name, village: village, phone: phone)
        let answer = try await admin.json("LABOUR WORKER ADD \(id) skills=\(skills) \(extra)")
        #expect(answer.ok, "\(answer.raw)")
        return id
    }

    /// Sends an SMS through the gateway console; returns the reply and its segment count.
    func sms(_ phone: String, _ text: String, on console: ConsoleClient? = nil) async throws -> (reply: String, segments: Int) {
        let answer = try await (console ?? gateway).json(#"SMS IN \#(phone) "\#(text)" at=\#(Self.morning)"#)
        let data = answer.data as? [String: Any]
        return ((data?["reply"] as? String) ?? "<\(answer.raw)>", (data?["segments"] as? Int) ?? -1)
    }

    func count(_ sql: String) async throws -> Int {
        try await daemon.database.withClient { client in
            for try await n in try await client.query(PostgresQuery(unsafeSQL: sql), logger: TestLog.logger).decode(Int.self) { return n }
            return -1
        }
    }

    func strings(_ sql: String) async throws -> [String] {
        try await daemon.database.withClient { client in
            var all: [String] = []
            for try await text in try await client.query(PostgresQuery(unsafeSQL: sql), logger: TestLog.logger).decode(String.self) { all.append(text) }
            return all
        }
    }

    /// The SMS notifications queued for a phone (national form, e.g. 13800000001), oldest first.
    func notifications(to phone: String) async throws -> [String] {
        try await strings("SELECT text FROM sms_outbox WHERE phone = '+86\(phone)' AND kind = 'notification' ORDER BY id")
    }
}

extension ConsoleAnswer {
    /// The data as an object.
    var object: [String: Any] { data as? [String: Any] ?? [:] }
}
