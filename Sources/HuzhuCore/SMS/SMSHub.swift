import HuzhuKit

/// The hub's SMS parts: the outbox gateways pull from (intake arrives with the SMS router).
public struct SMSHub: Sendable {
    public let outbox: SMSOutbox
}
