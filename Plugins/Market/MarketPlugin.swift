import Foundation
import HuzhuKit

/// The Sales association (销售协会) plugin: the crops catalogue, farmers' offers (and 代销 for households
/// without labour), buyers and their demands, matching, deals that are never oversold, market prices with
/// `查价` and `订阅` alerts, and an SMS to list produce after a harvest (`labour.job.done`, by bus only).
public struct MarketPlugin: HuzhuPlugin {
    public static let identity = PluginIdentity(
        id: "market",
        version: "1.0.0",
        summary: LocalizedText(en: "Sales association: produce offers, buyers' demand, matching and deals, market prices and alerts",
                               zh: "销售协会：农产品供货、收购需求、撮合成交、市场价格与提醒、无劳力户代销"),
        migrations: MarketSchema.migrations,
        configuration: [
            ConfigurationKey("consign_commission_pct", default: "10", help: "commission on consigned (代销) offers when staff give none, percent"),
            ConfigurationKey("radius_km", default: "60", help: "default delivery radius of a demand, km"),
            ConfigurationKey("match_limit", default: "3", help: "matches proposed (and texted) per new offer or demand"),
            ConfigurationKey("price_tolerance_pct", default: "10", help: "an offer may ask this much more per kg than the buyer offers and still match"),
            ConfigurationKey("min_share_pct", default: "10", help: "an offer must cover this share of a demand to match"),
            ConfigurationKey("offer_days", default: "30", help: "days an offer stays open when it gives no end date"),
            ConfigurationKey("alert_pct", default: "10", help: "price alerts fire when the 7-day median moves more than this, percent"),
            ConfigurationKey("alert_interval_minutes", default: "60", help: "how often due price alerts are checked"),
        ]
    )

    public init() {}

    public func register(_ registrar: inout PluginRegistrar, context: PluginContext) throws {
        let config = context.configuration
        let settings = MarketSettings(
            consignCommissionPct: try config.double("consign_commission_pct"), radiusKm: try config.double("radius_km"),
            matchLimit: try config.int("match_limit"), priceTolerancePct: try config.double("price_tolerance_pct"),
            minSharePct: try config.double("min_share_pct"), offerDays: max(try config.int("offer_days"), 1), alertPct: try config.double("alert_pct"))
        let market = MarketStore(store: context.store, words: context.words, settings: settings, timeZone: context.timeZone,
                                 clock: context.clock, logger: context.logger)
        for command in MarketCommands.all(market) { registrar.command(command) }

        let sms = MarketSMSHandlers(market: market)
        for intent in MarketSMS.intents(vocabulary: context.words.provider, handle: { try await sms.handle($0) }) { registrar.intent(intent) }
        registrar.cancel { request, ref in try await sms.cancel(request, ref: ref) }

        // The labour plugin's event, read by topic and JSON only (no dependency on that plugin).
        let prompts = context.counter("harvest_prompts_total")
        registrar.subscribe(LabourJobDone.topic) { envelope in
            if try await market.promptAfterHarvest(LabourJobDone(envelope)) { prompts.increment() }
        }

        let minutes = max(try config.int("alert_interval_minutes"), 1)
        let alerts = context.counter("price_alerts_total")
        registrar.periodic(PeriodicJob("price-alerts", schedule: .every(.seconds(minutes * 60))) { now in
            alerts.increment(by: try await market.sendAlerts(today: market.day(now)))
        })
        registrar.periodic(PeriodicJob("expire-listings", schedule: .daily(hour: 0, minute: 10)) { now in
            _ = try await market.expireListings(today: market.day(now))
        })
        registrar.demo { tx in try await market.loadDemo(tx) }
    }
}
