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
    /// The server's PostgreSQL postmaster, if local: its CPU (and its children's) counts when settling.
    var dbPID: Int32?
    var warmup = 200
    var label: String?
    /// Requests per second over all connections (paced per connection); nil: as fast as answers come.
    var rate: Double?
    /// Keep going when the server goes away (chaos runs): reconnect and carry on until the time is up.
    var reconnect = false
    /// Write "<gateway message id>\t<ok or the error code>" for every answered SMS IN to this file.
    var recordFile: String?
    /// `query` scenario: the line sent (a staff read that goes to the database).
    var query = "MEMBER FIND 张"
    /// Extra connections beside the measured ones (ExtraConnections): idle ones, and slow readers.
    var idle = 0
    var slow = 0
    var slowRequest = "HELP"
    var slowReadBytesPerSecond = 1024
    var slowPipeline = 64
    /// With --server-pid: stop the slow readers if the server's VmRSS passes this (MiB).
    var rssLimitMiB: Int?
    /// Seconds to wait after opening the extra connections (and after closing them) before sampling.
    var settle = 2.0

    static let usage = """
        usage: huzhu-bench [--host 127.0.0.1] [--port 7878] [--user U --password P] [--scenario ping|sms-in|mix|query]
                           [--connections 8] [--pipeline 1] (--count N | --duration SECONDS) [--phones FILE]
                           [--server-pid PID] [--warmup 200] [--label TEXT] [--rate N] [--reconnect] [--record FILE]
                           [--query LINE] [--idle N] [--slow N] [--slow-request HELP] [--slow-read-bps 1024]
                           [--slow-pipeline 64] [--rss-limit-mb MiB] [--settle 2] [--db-pid PID]
          --idle N: N more connections, logged in with --user/--password when given, that then never send.
          --slow N: N more logged-in connections keeping --slow-pipeline requests (--slow-request) outstanding
            and reading the answers at --slow-read-bps bytes a second each. With --server-pid the server's
            VmRSS is sampled (before, once they are open, peak, end, after they close); past --rss-limit-mb
            the slow readers stop. Extra lines after the table: "extra …" and "server_rss_kib …". Before
            measuring, the run waits --settle s and until the server (and --db-pid, the PostgreSQL postmaster,
            with its children) use under a third of a core over a second: the burst of the first requests.
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
                guard let scenario = Scenario(rawValue: name) else { throw BenchError("unknown scenario \(name): ping, sms-in, mix or query") }
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
            case "--db-pid": dbPID = Int32(try number(flag))
            case "--warmup": warmup = Int(try value(flag)) ?? 200
            case "--label": label = try value(flag)
            case "--rate": rate = Double(try number(flag))
            case "--reconnect": reconnect = true
            case "--record": recordFile = try value(flag)
            case "--query": query = try value(flag)
            case "--idle": idle = Int(try value(flag)) ?? 0
            case "--slow": slow = Int(try value(flag)) ?? 0
            case "--slow-request": slowRequest = try value(flag)
            case "--slow-read-bps": slowReadBytesPerSecond = try number(flag)
            case "--slow-pipeline": slowPipeline = try number(flag)
            case "--rss-limit-mb": rssLimitMiB = try number(flag)
            case "--settle": settle = Double(try value(flag)) ?? settle
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
        if reconnect, idle + slow > 0 { throw BenchError("--idle and --slow are not for chaos runs (--reconnect)") }
        if slow > 0, user == nil || password == nil { throw BenchError("--slow needs --user and --password (slow readers log in)") }
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
    case query
}
