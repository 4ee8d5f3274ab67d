import HuzhuHTTP
import HuzhuKit
import HuzhuStore

/// What `/readyz` checks: the store answers, no migration is pending, the plugins have started.
enum Readiness {
    static func checks(hub: Hub, plugins: [any HuzhuPlugin.Type]) -> [HTTPSideDoor.ReadinessCheck] {
        let enabled = plugins.filter { !hub.configuration.disabledPlugins.contains($0.identity.id) }
        return [
            {
                do {
                    _ = try await hub.store.handle.read { try await $0.query("SELECT 1", logger: Directory.logger).decode(Int.self).firstElement() }
                    return ("store", true, hub.store.summary)
                } catch {
                    return ("store", false, (error as? HuzhuError)?.message.en ?? "\(error)")
                }
            },
            {
                do {
                    // Bounded first: the migrator's own query would wait on the pool through an outage.
                    _ = try await hub.store.handle.read { try await $0.query("SELECT 1", logger: Directory.logger).decode(Int.self).firstElement() }
                    let (migrations, _) = HubStore.migrations(plugins: enabled)
                    let states = try await Migrator(client: hub.store.client, logger: Directory.logger).status(migrations)
                    let waiting = states.filter { $0.state != .applied }
                    return ("migrations", waiting.isEmpty, waiting.isEmpty ? "\(states.count) applied" : "\(waiting.count) not applied")
                } catch {
                    return ("migrations", false, (error as? HuzhuError)?.message.en ?? "\(error)")
                }
            },
            {
                let declined = hub.plugins.statuses.filter { if case .declined = $0.state { true } else { false } }.map(\.id)
                return ("plugins", hub.plugins.hasStarted,
                        declined.isEmpty ? "all started" : "declined: \(declined.joined(separator: ", "))")
            },
        ]
    }
}
