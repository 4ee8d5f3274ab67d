import Foundation
import HuzhuKit

/// Who may do what on the console, and village scope for cadres.
enum CultureAccess {
    /// Writers: the cultural association's staff, the centre's staff, and cadres (within their villages).
    static let write = ConsoleAccess.roles([.culture, .staff, .cadre])
    /// Readers: writers and read-only accounts.
    static let read = ConsoleAccess.roles([.culture, .staff, .cadre, .readonly])
    /// Money and rule overrides: not for cadres, whose own village's banquets the rules are about.
    static let manage = ConsoleAccess.roles([.culture, .staff])

    /// Refuses a scoped caller (a cadre) touching a village outside its scope.
    static func check(_ request: ConsoleRequest, village: Int?) throws(HuzhuError) {
        let scope = request.scope
        guard !scope.isEmpty else { return }
        guard let village, scope.contains(village) else {
            let list = scope.map(String.init).joined(separator: ",")
            throw HuzhuError(.denied, "you may act only for your villages (\(list))", zh: "您只能处理管辖村（\(list)）的事项")
        }
    }
}
