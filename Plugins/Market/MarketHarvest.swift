import Foundation
import HuzhuKit

/// The labour plugin's `labour.job.done` payload, as this plugin reads it. A contract between the two
/// plugins (docs/plugins/market.md); no dependency on the labour plugin: only the fields used are read.
struct LabourJobDone: Decodable, Sendable {
    static let topic = "labour.job.done"
    let job: Int64
    let task: String
    /// The farmer who asked for the work.
    let member: Int64

    init(_ envelope: BusEnvelope) throws {
        self = try JSONDecoder().decode(Self.self, from: Data(envelope.message.json.jsonText.utf8))
    }
}

extension MarketStore {
    /// After a harvest or picking job: one SMS to the farmer offering to list the produce. Delivery is at
    /// least once, so the job id is recorded and a second delivery does nothing. Returns whether it sent.
    @discardableResult
    func promptAfterHarvest(_ done: LabourJobDone) async throws -> Bool {
        guard done.task == "harvest" || done.task == "pick" else { return false }
        return try await store.write(as: Actor("plugin:market", onBehalfOf: nil)) { tx in
            guard try await tx.first(
                """
                INSERT INTO market_harvest_prompt (job_id, member_id, task) VALUES (\(done.job), \(done.member), \(done.task))
                ON CONFLICT (job_id) DO NOTHING RETURNING 1
                """, as: Int.self) != nil else { return false }
            let text = done.task == "harvest"
                ? LocalizedText(en: "Harvest done. To sell your crop reply e.g.: SELL maize 2000 jin 3", zh: "收割完成。要卖粮食可回复：卖 玉米 2000斤 3元")
                : LocalizedText(en: "Picking done. To sell your fruit reply e.g.: SELL citrus 2000 jin 3", zh: "采果完成。要卖果子可回复：卖 柑橘 2000斤 3元")
            try await tx.notify(member: done.member, text)
            try await tx.audit("market.harvest.prompt", target: "labour_job:\(done.job)", after: ["member": .int(Int(done.member)), "task": .string(done.task)])
            return true
        }
    }
}
