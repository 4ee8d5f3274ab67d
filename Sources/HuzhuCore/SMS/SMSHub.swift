import HuzhuKit

/// The hub's SMS parts: intake (`SMS IN`, `SMS TRY`) and the outbox gateways pull from.
public struct SMSHub: Sendable {
    public let service: SMSService
    public let outbox: SMSOutbox
}
