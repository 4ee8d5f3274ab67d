import Foundation
import HuzhuCore
import HuzhuKit
import HuzhuMarket
import HuzhuTesting
import Testing

/// A small county for the sales tests: three villages (two 7 km apart, one far away), a farmer, a buyer,
/// and a household without labour with its elderly member.
struct MarketWorld {
    let daemon: TestDaemon
    let admin: ConsoleClient
    let gateway: ConsoleClient

    static let farmerPhone = "13800138001"
    static let buyerPhone = "13900139002"
    static let elderPhone = "13700137003"
    static let farFarmerPhone = "13600136004"
    /// Member ids in creation order.
    static let farmer: Int64 = 1, buyer: Int64 = 2, elder: Int64 = 3, farFarmer: Int64 = 4

    static func make(_ daemon: TestDaemon) async throws -> MarketWorld {
        let admin = try await daemon.console()
        for line in [
            "VILLAGE ADD 咸水村 township=古夫镇 lat=31.35 lon=110.75",
            "VILLAGE ADD 青草村 township=古夫镇 lat=31.30 lon=110.80",
            "VILLAGE ADD 远山村 township=榛子乡 lat=31.90 lon=111.90",
            "MEMBER ADD 张三 village=1 phone=\(farmerPhone)",
            "MEMBER ADD 王老板 village=2 phone=\(buyerPhone)",
            "HOUSEHOLD ADD village=1 no_labour=yes elderly_alone=yes",
            "MEMBER ADD 李奶奶 village=1 household=1 phone=\(elderPhone)",
            "MEMBER ADD 远方 village=3 phone=\(farFarmerPhone)",
        ] {
            let answer = try await admin.json(line)
            #expect(answer.ok, "\(line): \(answer.raw)")
        }
        let gateway = try await daemon.console(as: "gw", roles: [.gateway])
        return MarketWorld(daemon: daemon, admin: admin, gateway: gateway)
    }

    /// Sends an SMS as a gateway would; returns (reply, segments).
    func sms(_ phone: String, _ text: String, at: String? = nil) async throws -> (reply: String, segments: Int) {
        let answer = try await gateway.json("SMS IN \(phone) \"\(text)\"" + (at.map { " at=\($0)" } ?? ""))
        #expect(answer.ok, "\(text): \(answer.raw)")
        let data = answer.data as? [String: Any]
        return (data?["reply"] as? String ?? "", data?["segments"] as? Int ?? 0)
    }

    func ok(_ line: String, sourceLocation: SourceLocation = #_sourceLocation) async throws -> Any? {
        let answer = try await admin.json(line)
        #expect(answer.ok, "\(line): \(answer.raw)", sourceLocation: sourceLocation)
        return answer.data
    }

    /// Rows of a query with one text column (cast in SQL: `…::text`).
    func texts(_ query: PostgresQuery) async throws -> [String] {
        var values: [String] = []
        for try await value in try await daemon.hub.store.client.query(query, logger: Logger(label: "market-tests")).decode(String?.self) {
            values.append(value ?? "NULL")
        }
        return values
    }

    func number(_ query: PostgresQuery) async throws -> Double? {
        try await texts(query).first.flatMap(Double.init)
    }

    /// SMS notifications queued for a member, oldest first.
    func notifications(_ member: Int64) async throws -> [String] {
        try await texts("SELECT text FROM sms_outbox WHERE member_id = \(member) AND kind = 'notification' ORDER BY id")
    }

    /// Waits until every durable event so far has been handled by all subscribers (the outbox marks them).
    func waitForBusDrained() async throws {
        let deadline = ContinuousClock.now + .seconds(20)
        while try await number("SELECT count(*)::text FROM bus_outbox WHERE dispatched_at IS NULL") != 0 {
            guard ContinuousClock.now < deadline else { Issue.record("bus events still undispatched after 20 s"); return }
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}

extension ConsoleAnswer {
    var object: [String: Any] { data as? [String: Any] ?? [:] }
    var rows: [[String: Any]] { data as? [[String: Any]] ?? [] }
}
