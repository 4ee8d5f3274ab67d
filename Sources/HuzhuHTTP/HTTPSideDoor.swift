import Foundation
import HTTPTypes
import HuzhuKit
import Hummingbird
import Logging
import Prometheus

/// The HTTP side door, for machines rather than people: `/healthz` (the process is up), `/readyz` (the
/// store answers, migrations are applied, plugins have started), `/metrics` (Prometheus text from
/// swift-metrics) and the routes plugins add, behind token authentication.
public struct HTTPSideDoor: Sendable {
    /// One readiness check: a name, whether it passed, and a word on it.
    public typealias ReadinessCheck = @Sendable () async -> (name: String, ok: Bool, detail: String)

    public let host: String
    public let port: Int
    public let routes: [HTTPRoute]
    public let readiness: [ReadinessCheck]
    public let metrics: PrometheusCollectorRegistry?
    public let verifyToken: @Sendable (String) async throws -> ConsoleCaller?
    public let logger: Logger

    public init(
        host: String, port: Int, routes: [HTTPRoute], readiness: [ReadinessCheck], metrics: PrometheusCollectorRegistry?,
        verifyToken: @escaping @Sendable (String) async throws -> ConsoleCaller?, logger: Logger
    ) {
        self.host = host
        self.port = port
        self.routes = routes
        self.readiness = readiness
        self.metrics = metrics
        self.verifyToken = verifyToken
        self.logger = logger
    }

    /// Serves until the surrounding service group shuts down; calls `onRunning` with the bound port.
    public func run(onRunning: @escaping @Sendable (Int) async -> Void) async throws {
        let router = Router()
        router.get("/healthz") { _, _ in "ok\n" }
        router.get("/readyz") { _, _ -> Response in
            // Concurrently: during an outage each check waits out its own timeout.
            let outcomes = await withTaskGroup(of: (Int, String, Bool, String).self) { group in
                for (index, check) in readiness.enumerated() {
                    group.addTask {
                        let result = await check()
                        return (index, result.name, result.ok, result.detail)
                    }
                }
                return await group.reduce(into: []) { $0.append($1) }.sorted { $0.0 < $1.0 }
            }
            let ready = outcomes.allSatisfy(\.2)
            let results: [JSONValue] = outcomes.map { ["check": .string($0.1), "ok": .bool($0.2), "detail": .string($0.3)] }
            return Self.response(status: ready ? .ok : .serviceUnavailable, contentType: "application/json",
                                 body: (["ready": .bool(ready), "checks": .array(results)] as JSONValue).jsonText + "\n")
        }
        let metrics = self.metrics
        router.get("/metrics") { _, _ -> Response in
            Self.response(status: .ok, contentType: "text/plain; version=0.0.4", body: metrics?.emitToString() ?? "")
        }
        for route in routes {
            let handler: @Sendable (Request, BasicRequestContext) async throws -> Response = { request, _ in
                try await serve(route, request)
            }
            switch route.method {
            case .get: router.get(RouterPath(route.path), use: handler)
            case .post: router.post(RouterPath(route.path), use: handler)
            }
        }
        let application = Application(
            router: router, configuration: .init(address: .hostname(host, port: port), serverName: "huzhud"),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? 0) }, logger: logger)
        try await application.run()
    }

    private func serve(_ route: HTTPRoute, _ request: Request) async throws -> Response {
        var request = request
        let query = Self.formQuery(request.uri.query ?? "")
        do {
            var caller: ConsoleCaller?
            if route.access != .anyone {
                let header = request.headers[.authorization].flatMap { $0.hasPrefix("Bearer ") ? String($0.dropFirst(7)) : nil }
                guard let token = header ?? query["token"], let found = try await verifyToken(token) else {
                    throw HuzhuError(.auth, "send a machine token (USER TOKEN on the console) as Authorization: Bearer <token> or token=<token>")
                }
                guard route.access.allows(found) else {
                    throw HuzhuError(.denied, "the token's account may not use \(route.path)")
                }
                caller = found
            }
            let body = try await request.collectBody(upTo: 64 * 1024)
            let answer = try await route.handle(HTTPRouteRequest(query: query, body: Array(buffer: body), caller: caller))
            var response = Self.response(status: HTTPResponse.Status(code: answer.status), contentType: answer.contentType, body: answer.body)
            for (name, value) in answer.headers {
                if let field = HTTPField.Name(name) { response.headers[field] = value }
            }
            return response
        } catch let error as HuzhuError {
            return Self.response(status: Self.status(for: error.code), contentType: "application/json",
                                 body: (["ok": false, "error": ["code": .string(error.code.rawValue), "message": .string(error.message.en)]] as JSONValue).jsonText)
        } catch {
            logger.error("HTTP route \(route.path) failed: \(String(reflecting: error))")
            return Self.response(status: .internalServerError, contentType: "application/json",
                                 body: #"{"ok":false,"error":{"code":"INTERNAL","message":"the route failed inside the hub; the error is in the log"}}"#)
        }
    }

    /// The query as an HTML form encodes it: `+` is a space (Kannel's `%a` writes spaces so), `%2B` a plus.
    static func formQuery(_ query: String) -> [String: String] {
        var result: [String: String] = [:]
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ text: Substring) -> String {
                let spaced = text.replacingOccurrences(of: "+", with: " ")
                return spaced.removingPercentEncoding ?? spaced
            }
            result[decode(parts[0])] = parts.count > 1 ? decode(parts[1]) : ""
        }
        return result
    }

    static func status(for code: HuzhuError.Code) -> HTTPResponse.Status {
        switch code {
        case .syntax, .invalid: .badRequest
        case .auth: .unauthorized
        case .denied: .forbidden
        case .notFound, .unknownCommand: .notFound
        case .conflict: .conflict
        case .limit: .tooManyRequests
        case .unavailable: .serviceUnavailable
        case .internal: .internalServerError
        }
    }

    static func response(status: HTTPResponse.Status, contentType: String, body: String) -> Response {
        Response(status: status, headers: [.contentType: contentType], body: .init(byteBuffer: ByteBuffer(string: body)))
    }
}
