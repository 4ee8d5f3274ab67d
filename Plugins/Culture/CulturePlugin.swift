import Foundation
import HuzhuKit

/// The Cultural association (文化协会) plugin: events and classes with registration and waitlists,
/// venues, and wedding and funeral services (红白喜事有偿服务) checked against village rules (村规民约).
public struct CulturePlugin: HuzhuPlugin {
    public static let identity = PluginIdentity(
        id: "culture",
        version: "1.0.0",
        summary: LocalizedText(en: "Cultural association: events, classes, venues, wedding and funeral services",
                               zh: "文化协会：文体活动、培训、场地、红白喜事服务"),
        migrations: CultureSchema.migrations,
        configuration: CultureSettings.keys
    )

    public init() {}

    public func register(_ registrar: inout PluginRegistrar, context: PluginContext) throws {
        let stores = try CultureStores(context: context)
        let groups: [[ConsoleCommand]] = [
            EventCommands.all(stores), RegistrationCommands.all(stores), VenueCommands.all(stores), ServiceCommands.all(stores),
            BookingCommands.all(stores), RuleCommands.all(stores), ReportCommands.all(stores),
        ]
        for command in groups.joined() { registrar.command(command) }

        let sms = CultureSMSHandlers(stores: stores)
        for intent in CultureSMS.intents(vocabulary: context.words.provider, handle: { try await sms.handle($0) }) {
            registrar.intent(intent)
        }
        registrar.cancel { request, ref in try await sms.cancel(request, ref: ref) }

        // Tomorrow's events and bookings, once a day after quiet hours; a missed day is caught up by hand
        // (CULTURE REMIND date=…), and each event or booking is reminded once (reminded_on / reminded).
        let time = stores.time
        registrar.periodic(PeriodicJob("reminders", schedule: .daily(hour: stores.settings.reminderHour, minute: 0)) { now in
            _ = try await stores.reports.remind(day: time.dayString(now.addingTimeInterval(86_400)))
        })

        registrar.demo { tx in try await CultureDemo(time: time).load(tx) }
    }
}
