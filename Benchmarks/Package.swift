// swift-tools-version:6.1
import Foundation
import PackageDescription

// A local package's identity is its folder's name: `main` here, `c` in a fresh clone at `$d/c`.
let huzhu = URL(fileURLWithPath: Context.packageDirectory).deletingLastPathComponent().lastPathComponent.lowercased()

// Benchmarks of the Huzhu package (issue: bus throughput, console PING). A separate package so the main
// one does not depend on the benchmark tooling. Run from this folder:
//
//   swift package benchmark --target BusThroughput       # package-benchmark: time, throughput, mallocs
//   swift run -c release bus-bench                       # the plain harness: the figures in docs/benchmarks.md
//
// The console benchmark is a shell script: ../scripts/bench/console-ping.sh.
/// Each association plugin's benchmark: starts a daemon with the plugin on a private cluster and measures
/// its named operations (docs/benchmarks.md): labour — ranking and day plans on the demo county; culture —
/// registrations under contention and the 活动 listing with 10,000 events; market — 查价 and matching with
/// 1,000,000 price observations and 100,000 offers.
let pluginBenchmarks: [Target] = [("labour-bench", "HuzhuLabour"), ("culture-bench", "HuzhuCulture"), ("market-bench", "HuzhuMarket")].map {
    .executableTarget(name: $0.0, dependencies: [
        .product(name: "HuzhuTesting", package: huzhu),
        .product(name: $0.1, package: huzhu),
        .product(name: "HuzhuKit", package: huzhu),
    ])
}

let package = Package(
    name: "HuzhuBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(path: ".."),
        // Needs swift-tools-version 6.1 for the trait; the interposer makes mallocs countable.
        .package(url: "https://github.com/ordo-one/benchmark.git", exact: "1.38.1", traits: ["MallocInterposer"]),
        .package(url: "https://github.com/ordo-one/malloc-interposer.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift.git", from: "0.2.0"),
    ],
    targets: pluginBenchmarks + [
        // The scenarios, shared by both runners.
        .target(
            name: "BusScenarios",
            dependencies: [
                .product(name: "HuzhuBus", package: huzhu),
                .product(name: "HuzhuKit", package: huzhu),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // A plain executable: exact message counts (5,000,000 by default), ContinuousClock, mallocs counted by
        // the malloc interposer, CPU time from getrusage; prints a markdown table.
        .executableTarget(
            name: "bus-bench",
            dependencies: [
                "BusScenarios",
                .product(name: "MallocInterposerSwift", package: "malloc-interposer"),
            ]
        ),
        // The load generator: drives a running huzhud over the console (loopback only); see its main.swift.
        .executableTarget(
            name: "huzhu-bench",
            dependencies: [.product(name: "Histogram", package: "hdrhistogram-swift")]
        ),
        // The same scenarios under package-benchmark (`swift package benchmark`).
        .executableTarget(
            name: "BusThroughput",
            dependencies: [
                "BusScenarios",
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "MallocInterposerSwift", package: "malloc-interposer"),
            ],
            path: "Benchmarks/BusThroughput",
            plugins: [
                .plugin(name: "BenchmarkPlugin", package: "benchmark"),
            ]
        ),
    ]
)
