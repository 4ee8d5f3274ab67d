import Foundation
import HuzhuKit

/// Kannel's side of the HTTP door: its `sms-service` calls `get-url` with each message and sends the
/// body back as the reply; its delivery reports come to `dlr-url`. See docs/sms.md for the configuration.
enum KannelRoutes {
    static func routes(_ hub: Hub) -> [HTTPRoute] {
        [
            // get-url = "http://127.0.0.1:7701/gateway/kannel?token=…&from=%p&text=%a&id=%I"
            HTTPRoute(.get, "/gateway/kannel", access: .roles([.gateway])) { request in
                guard let from = request.query["from"], let text = request.query["text"] else {
                    throw HuzhuError(.syntax, "Kannel's get-url must pass from=%p and text=%a (and id=%I)")
                }
                let answer = try await hub.sms.service.receive(
                    phone: from, text: text, gatewayID: request.query["id"].flatMap { $0.isEmpty ? nil : $0 }, at: nil,
                    gateway: "kannel:\(request.caller?.username ?? "?")")
                // smsbox sends a get-url answer as GSM 7-bit unless told otherwise: Chinese needs UCS-2.
                let unicode = SMSSegments.encoding(of: answer.reply) == .ucs2
                return HTTPRouteResponse(body: answer.reply, headers: unicode ? ["X-Kannel-Coding": "2"] : [:])
            },
            // dlr-url = "http://127.0.0.1:7701/gateway/kannel/dlr?token=…&id=<outbox id>&status=%d"
            HTTPRoute(.get, "/gateway/kannel/dlr", access: .roles([.gateway])) { request in
                guard let id = request.query["id"].flatMap(Int64.init), let status = request.query["status"].flatMap(Int.init) else {
                    throw HuzhuError(.syntax, "Kannel's dlr-url must pass id=<outbox id> and status=%d")
                }
                let gateway = "kannel:\(request.caller?.username ?? "?")"
                switch status {
                case 1: try await hub.sms.outbox.report(id, delivered: true, reason: nil, gateway: gateway)
                case 2, 16: try await hub.sms.outbox.report(id, delivered: false, reason: "Kannel delivery report \(status)", gateway: gateway)
                default: break  // 4 buffered, 8 accepted by the SMSC: not final
                }
                return HTTPRouteResponse(body: "ok")
            },
        ]
    }
}
