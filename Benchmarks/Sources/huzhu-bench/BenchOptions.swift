import Foundation

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// The command line.
struct BenchOptions {
    var host = "127.0.0.1"
    var port = 7878
    var user: String?
    var password: String?
    var scenario = Scenario.ping
    var connections = 8
    var pipeline = 1
    var count: Int?
    var duration: Double?
    var phonesFile: String?
    var serverPID: Int32?
    var warmup = 200
    var label: String?
    /// Requests per second over all connections (paced per connection); nil: as fast as answers come.
    var rate: Double?
    /// Keep going when the server goes away (chaos runs): reconnect and carry on until the time is up.
    var reconnect = false
    /// Write "<gateway message id>\t<ok or the error code>" for every answered SMS IN to this file.
    var recordFile: String?

    static let usage = """
        usage: huzhu-bench [--host 127.0.0.1] [--port 7878] [--user U --password P] [--scenario ping|sms-in|mix]
                           [--connections 8] [--pipeline 1] (--count N | --duration SECONDS) [--phones FILE]
                           [--server-pid PID] [--warmup 200] [--label TEXT] [--rate N] [--reconnect] [--record FILE]
          The password may come from HUZHU_BENCH_PASSWORD. The target must be a loopback address.
        """

    init(arguments: [String]) throws {
        var index = 0
        func value(_ flag: String) throws -> String {
            index += 1
            guard index < arguments.count else { throw BenchError("\(flag) needs a value") }
            return arguments[index]
        }
        func number(_ flag: String) throws -> Int {
            let text = try value(flag)
            guard let number = Int(text), number > 0 else { throw BenchError("\(flag) \(text): give a positive whole number") }
            return number
        }
        while index < arguments.count {
            let flag = arguments[index]
            switch flag {
            case "--host": host = try value(flag)
            case "--port": port = try number(flag)
            case "--user": user = try value(flag)
            case "--password": password = try value(flag)
            case "--scenario":
                let name = try value(flag)
                guard let scenario = Scenario(rawValue: name) else { throw BenchError("unknown scenario \(name): ping, sms-in or mix") }
                self.scenario = scenario
            case "--connections": connections = try number(flag)
            case "--pipeline": pipeline = try number(flag)
            case "--count": count = try number(flag)
            case "--duration":
                let text = try value(flag)
                guard let seconds = Double(text), seconds > 0 else { throw BenchError("--duration \(text): give seconds") }
                duration = seconds
            case "--phones": phonesFile = try value(flag)
            case "--server-pid": serverPID = Int32(try number(flag))
            case "--warmup": warmup = Int(try value(flag)) ?? 200
            case "--label": label = try value(flag)
            case "--rate": rate = Double(try number(flag))
            case "--reconnect": reconnect = true
            case "--record": recordFile = try value(flag)
            case "-h", "--help":
                print(Self.usage)
                exit(0)
            default: throw BenchError("unknown option \(flag)")
            }
            index += 1
        }
        password = password ?? ProcessInfo.processInfo.environment["HUZHU_BENCH_PASSWORD"]
        guard (count == nil) != (duration == nil) else { throw BenchError("give either --count or --duration") }
        if reconnect, duration == nil { throw BenchError("--reconnect needs --duration") }
        if rate != nil, pipeline != 1 { throw BenchError("--rate paces single requests: use it with --pipeline 1") }
        guard Self.isLoopback(host) else {
            throw BenchError("refusing \(host): huzhu-bench only targets loopback (127.0.0.0/8, ::1, localhost)")
        }
        if scenario != .ping, user == nil || password == nil {
            throw BenchError("scenario \(scenario.rawValue) needs --user and --password (a gateway account for sms-in)")
        }
    }

    static func isLoopback(_ host: String) -> Bool {
        if host == "localhost" || host == "::1" { return true }
        let parts = host.split(separator: ".", omittingEmptySubsequences: false).compactMap { UInt8($0) }
        return parts.count == 4 && parts[0] == 127
    }
}

enum Scenario: String {
    case ping
    case smsIn = "sms-in"
    case mix
}
