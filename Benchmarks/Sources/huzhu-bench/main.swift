import Foundation

// huzhu-bench: drives a running huzhud over its console (TCP, loopback only) with N connections, optional
// pipelining and a scenario, for a count or a duration, and prints throughput, latency percentiles
// (HdrHistogram) and, given the server's pid, server CPU per request.
//
//   huzhu-bench --port 7878 --user gw --password … --scenario sms-in --connections 8 --duration 30 \
//       --phones phones.txt --server-pid 1234
//
// Scenarios: ping (PING), sms-in (SMS IN from many phones with realistic texts), mix (SMS IN, staff
// queries). One thread per connection with blocking sockets: the client's own scheduling stays out of the
// latencies it measures.

let options: BenchOptions
do {
    options = try BenchOptions(arguments: Array(CommandLine.arguments.dropFirst()))
} catch {
    FileHandle.standardError.write(Data("huzhu-bench: \(error)\n\n\(BenchOptions.usage)\n".utf8))
    exit(2)
}

do {
    let result = try LoadRun(options: options).run()
    print(result.report(options: options))
} catch {
    FileHandle.standardError.write(Data("huzhu-bench: \(error)\n".utf8))
    exit(1)
}
