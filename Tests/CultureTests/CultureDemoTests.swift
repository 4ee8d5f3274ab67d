import Foundation
import HuzhuCulture
import HuzhuKit
import HuzhuTesting
import PostgresNIO
import Testing

/// The demo loader: venues, a season of events, services with teams, rules, in every demo village.
@Suite struct CultureDemoTests {
    @Test func theDemoCountyGetsASeasonToTry() async throws {
        let prepare: @Sendable (PostgresClient) async throws -> Void = { client in
            try await CultureFixture.prepare(villages: 4, perVillage: 3)(client)
            try await client.query("UPDATE member SET is_demo = true WHERE village_id <= 3", logger: TestLog.logger)
        }
        try await withTestDaemon(plugins: [CulturePlugin.self], prepare: prepare) { daemon in
            #expect(try await CultureFixture.scalar(daemon, "SELECT count(*) FROM culture_venue WHERE is_demo") == 3)
            #expect(try await CultureFixture.scalar(daemon, "SELECT count(*) FROM culture_event WHERE is_demo AND status = 'published'") == 18)
            #expect(try await CultureFixture.scalar(daemon, "SELECT count(*) FROM culture_venue_booking") == 18)
            #expect(try await CultureFixture.scalar(daemon, "SELECT count(*) FROM culture_service") == 7)
            #expect(try await CultureFixture.scalar(daemon, "SELECT count(*) FROM culture_provider") > 7)
            #expect(try await CultureFixture.scalar(daemon, "SELECT count(*) FROM culture_rule") >= 2)
            #expect(try await CultureFixture.scalar(daemon, "SELECT count(*) FROM plugin_demo WHERE plugin = 'culture'") == 1)

            let gateway = try await daemon.console(as: "kannel", roles: [.gateway])
            let listing = try await gateway.json(#"SMS IN \#(CultureFixture.phone(1)) "活动""#)
            #expect((listing.object["reply"] as? String)?.hasPrefix("活动：") == true, "\(listing.raw)")
            let event = try await CultureFixture.scalar(daemon, "SELECT min(id) FROM culture_event WHERE village_id = 1")
            let joined = try await gateway.json(#"SMS IN \#(CultureFixture.phone(1)) "报名 \#(event)""#)
            #expect((joined.object["reply"] as? String)?.hasPrefix("报名成功") == true, "\(joined.raw)")
            // Demo members are never sent SMS: the confirmation of a console registration is kept, suppressed.
            let admin = try await daemon.console()
            #expect(try await admin.json("CULTURE REGISTRATION ADD \(event) member=2").ok)
            #expect(try await CultureFixture.scalar(daemon, "SELECT count(*) FROM sms_outbox WHERE member_id = 2 AND status = 'suppressed'") == 1)
        }
    }
}
