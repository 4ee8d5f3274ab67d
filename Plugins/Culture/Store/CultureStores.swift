import Foundation
import HuzhuKit

/// The plugin's stores, built once at registration and shared by the console, SMS and jobs.
struct CultureStores: Sendable {
    let time: CultureTime
    let venues: VenueStore
    let events: EventStore
    let registrations: RegistrationStore
    let services: ServiceCatalogue
    let rules: VillageRules
    let bookings: BookingStore
    let reports: CultureReports
    let settings: CultureSettings

    init(context: PluginContext) throws {
        let time = CultureTime(timeZone: context.timeZone, clock: context.clock)
        let store = context.store
        self.time = time
        venues = VenueStore(store: store, time: time)
        events = EventStore(store: store, time: time, venues: venues)
        registrations = RegistrationStore(store: store, time: time)
        services = ServiceCatalogue(store: store)
        rules = VillageRules(store: store)
        bookings = BookingStore(store: store)
        reports = CultureReports(store: store, time: time)
        settings = try CultureSettings(context.configuration)
    }
}

/// The plugin's settings (`[plugins.culture]`).
struct CultureSettings: Sendable {
    static let keys = [
        ConfigurationKey("list_count", default: "4", help: "at most how many events the 活动 SMS lists (fewer if they do not fit one SMS)"),
        ConfigurationKey("wedding_days", default: "1", help: "days a wedding booked by SMS lasts"),
        ConfigurationKey("funeral_days", default: "3", help: "days a funeral booked by SMS lasts"),
        ConfigurationKey("reminder_hour", default: "9", help: "local hour of the daily job that reminds tomorrow's events and bookings"),
    ]

    let listCount: Int
    let weddingDays: Int
    let funeralDays: Int
    let reminderHour: Int

    init(_ configuration: PluginConfiguration) throws {
        listCount = try configuration.int("list_count")
        weddingDays = try configuration.int("wedding_days")
        funeralDays = try configuration.int("funeral_days")
        reminderHour = try configuration.int("reminder_hour")
        guard (1...10).contains(listCount), (1...7).contains(weddingDays), (1...7).contains(funeralDays), (0...23).contains(reminderHour) else {
            throw HuzhuError(.invalid, "plugins.culture: list_count 1-10, wedding_days and funeral_days 1-7, reminder_hour 0-23")
        }
    }
}
