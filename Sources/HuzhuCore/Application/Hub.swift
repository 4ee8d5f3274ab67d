import Foundation
import HuzhuBus
import HuzhuConsole
import HuzhuKit
import Synchronization

/// The running hub's parts, for the core's console commands and the daemon.
public final class Hub: Sendable {
    public let configuration: HuzhuConfiguration
    public let store: HubStore
    public let directory: Directory
    public let accounts: StaffAccounts
    public let plugins: PluginHost
    public let sms: SMSHub
    /// The SMS vocabulary: built-in words plus staff's.
    public let words: StoredWordBook
    public let startedAt = Date()
    private let console = Mutex<ConsoleServer?>(nil)

    init(configuration: HuzhuConfiguration, store: HubStore, plugins: PluginHost, words: StoredWordBook) {
        self.words = words
        self.configuration = configuration
        self.store = store
        self.directory = Directory(store: store.handle)
        self.accounts = StaffAccounts(store: store.handle, hasher: PasswordHasher(rounds: configuration.passwordRounds))
        self.plugins = plugins
        var policy = SMSOutboxPolicy()
        policy.timeZone = TimeZone(identifier: configuration.timeZone) ?? policy.timeZone
        policy.quietStart = configuration.quietHours.start
        policy.quietEnd = configuration.quietHours.end
        policy.gatewayRate = configuration.smsGatewayRate
        policy.leaseTimeout = configuration.smsLeaseTimeout
        self.sms = SMSHub(
            service: SMSService(store: store.handle, directory: self.directory, words: words, timeZone: policy.timeZone, clock: SystemClock()),
            outbox: SMSOutbox(store: store.handle, policy: policy, clock: SystemClock()))
    }

    var bus: LocalBus { store.bus }

    func attach(_ server: ConsoleServer) {
        console.withLock { $0 = server }
    }

    /// Open console connections.
    var connections: Int { console.withLock { $0?.connectionCount ?? 0 } }
}
