import Foundation
import HuzhuCore
import HuzhuKit
import HuzhuMarket
import HuzhuTesting
import Testing

/// The labour plugin's event as it publishes it (durably, topic `labour.job.done`), built here from the
/// documented JSON: the sales plugin must react without linking the labour plugin.
struct LabourJobDoneFixture: BusMessage {
    static let topic = "labour.job.done"
    let job: Int, task: String, member: Int
    var json: JSONValue {
        ["job": .int(job), "request": .int(job * 10), "task": .string(task), "member": .int(member), "household": .null,
         "village": 1, "date": "2026-10-20", "area_mu": .double(5.5), "workers": [7, 8]]
    }
}

@Suite struct MarketHarvestTests {
    @Test func aHarvestOrPickingJobPromptsTheFarmerOnceEvenWhenDeliveredTwice() async throws {
        try await withTestDaemon(plugins: [MarketPlugin.self]) { daemon in
            let world = try await MarketWorld.make(daemon)
            try await daemon.hub.store.handle.write(as: .system) { tx in
                try await tx.emit(LabourJobDoneFixture(job: 12, task: "harvest", member: 1), publisher: "labour")
                try await tx.emit(LabourJobDoneFixture(job: 12, task: "harvest", member: 1), publisher: "labour")  // at least once
                try await tx.emit(LabourJobDoneFixture(job: 13, task: "plough", member: 1), publisher: "labour")
                try await tx.emit(LabourJobDoneFixture(job: 14, task: "pick", member: 3), publisher: "labour")
            }
            try await world.waitForBusDrained()
            #expect(try await world.notifications(MarketWorld.farmer) == ["收割完成。要卖粮食可回复：卖 玉米 2000斤 3元"])
            #expect(try await world.notifications(MarketWorld.elder) == ["采果完成。要卖果子可回复：卖 柑橘 2000斤 3元"])
            #expect(try await world.texts("SELECT job_id::text FROM market_harvest_prompt ORDER BY job_id") == ["12", "14"])
            // The suggested reply is itself a valid listing.
            let listed = try await world.sms(MarketWorld.farmerPhone, "卖 玉米 2000斤 3元")
            #expect(listed.reply.hasPrefix("已登记供货"), "\(listed.reply)")
        }
    }
}
