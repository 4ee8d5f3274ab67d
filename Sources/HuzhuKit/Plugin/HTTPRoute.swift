/// A route on the hub's HTTP side door (for machines: gateway webhooks), added by a plugin.
///
/// Requests authenticate with a machine token (`USER TOKEN <name>`), sent as `Authorization: Bearer
/// <token>` or, for gateways that cannot set headers (Kannel's `get-url`), as a `token=` query item.
/// The token's account roles are checked against `access`, as on the console.
public struct HTTPRoute: Sendable {
    public enum Method: String, Sendable { case get = "GET", post = "POST" }

    public let method: Method
    /// An absolute path, e.g. `/gateway/kannel`.
    public let path: String
    public let access: ConsoleAccess
    public let handle: @Sendable (HTTPRouteRequest) async throws -> HTTPRouteResponse

    public init(_ method: Method, _ path: String, access: ConsoleAccess,
                handle: @escaping @Sendable (HTTPRouteRequest) async throws -> HTTPRouteResponse) {
        self.method = method
        self.path = path
        self.access = access
        self.handle = handle
    }
}

/// What a route handler sees of a request.
public struct HTTPRouteRequest: Sendable {
    public let query: [String: String]
    public let body: [UInt8]
    /// The token's account.
    public let caller: ConsoleCaller?

    public init(query: [String: String], body: [UInt8], caller: ConsoleCaller?) {
        self.query = query
        self.body = body
        self.caller = caller
    }
}

/// A route's answer.
public struct HTTPRouteResponse: Sendable {
    public let status: Int
    public let contentType: String
    public let body: String
    /// More response headers (e.g. `X-Kannel-Coding: 2`, which makes smsbox send a reply as UCS-2).
    public let headers: [String: String]

    public init(status: Int = 200, contentType: String = "text/plain; charset=utf-8", body: String, headers: [String: String] = [:]) {
        self.status = status
        self.contentType = contentType
        self.body = body
        self.headers = headers
    }

    /// A JSON answer.
    public static func json(_ value: JSONValue, status: Int = 200) -> HTTPRouteResponse {
        HTTPRouteResponse(status: status, contentType: "application/json", body: value.jsonText)
    }
}
