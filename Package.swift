// swift-tools-version:6.1
import PackageDescription

/// Settings shared by every target (the Hummingbird 2 pattern).
let swiftSettings: [SwiftSetting] = [
    // https://github.com/apple/swift-evolution/blob/main/proposals/0335-existential-any.md
    .enableUpcomingFeature("ExistentialAny"),
    // https://github.com/swiftlang/swift-evolution/blob/main/proposals/0444-member-import-visibility.md
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "huzhu",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "huzhud", targets: ["huzhud"]),
        .executable(name: "huzhuctl", targets: ["huzhuctl"]),
        .library(name: "HuzhuKit", targets: ["HuzhuKit"]),
        // For Benchmarks/ (a separate package that measures the bus).
        .library(name: "HuzhuBus", targets: ["HuzhuBus"]),
        .library(name: "HuzhuTesting", targets: ["HuzhuTesting"]),
        // The association plugins, for Benchmarks/ (their scenarios start a daemon with one plugin).
        .library(name: "HuzhuLabour", targets: ["HuzhuLabour"]),
        .library(name: "HuzhuCulture", targets: ["HuzhuCulture"]),
        .library(name: "HuzhuMarket", targets: ["HuzhuMarket"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.1.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.0.0"),
    ],
    targets: [
        // The plugin SDK: everything a plugin may see, and nothing else.
        .target(
            name: "HuzhuKit",
            dependencies: [
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // The in-process message bus: typed topics, wildcard subscribers, bounded mailboxes, stats.
        .target(
            name: "HuzhuBus",
            dependencies: [
                "HuzhuKit",
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // The SMS layer: normalised text, keyword routing to plugins' intents, replies and segments.
        .target(
            name: "HuzhuSMS",
            dependencies: ["HuzhuKit"],
            swiftSettings: swiftSettings
        ),
        // The migrations, embedded in the binary so it runs from any working directory.
        .target(
            name: "HuzhuSQL",
            path: "sql",
            exclude: ["README.md"],
            resources: [
                .embedInCode("core"),
            ],
            swiftSettings: swiftSettings
        ),
        // PostgreSQL: the embedded cluster, the migrator, connection settings.
        .target(
            name: "HuzhuStore",
            dependencies: [
                "HuzhuKit",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // The line protocol: framing, parsing, sessions, output; no store, no business.
        .target(
            name: "HuzhuConsole",
            dependencies: [
                "HuzhuKit",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // The deterministic demo county.
        .target(
            name: "HuzhuDemo",
            dependencies: [
                "HuzhuKit",
                "HuzhuStore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // The HTTP side door for machines: health, readiness, Prometheus metrics, routes plugins add.
        .target(
            name: "HuzhuHTTP",
            dependencies: [
                "HuzhuKit",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // The hub: configuration, directory, accounts, audit, built-in commands, the application service.
        .target(
            name: "HuzhuCore",
            dependencies: [
                "HuzhuKit", "HuzhuStore", "HuzhuSQL", "HuzhuConsole", "HuzhuDemo", "HuzhuConfig", "HuzhuBus", "HuzhuHTTP", "HuzhuSMS",
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "huzhud",
            dependencies: [
                "HuzhuCore", "HuzhuKit",
                "HuzhuLabour", "HuzhuCulture", "HuzhuMarket", "HuzhuNotice",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // libedit (line editing and history for huzhuctl's interactive mode), from the system.
        .systemLibrary(name: "CLibEdit", pkgConfig: "libedit", providers: [.apt(["libedit-dev"])]),
        // huzhuctl's pure parts: answer framing, JSON, rendering, settings; no I/O, so tests can use them.
        .target(name: "HuzhuctlCore", swiftSettings: swiftSettings),
        .executableTarget(
            name: "huzhuctl",
            dependencies: [
                "HuzhuctlCore", "CLibEdit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        // Association plugins: each depends on the SDK only.
        .target(name: "HuzhuLabour", dependencies: ["HuzhuKit"], path: "Plugins/Labour", swiftSettings: swiftSettings),
        .target(name: "HuzhuCulture", dependencies: ["HuzhuKit"], path: "Plugins/Culture", swiftSettings: swiftSettings),
        .target(name: "HuzhuMarket", dependencies: ["HuzhuKit"], path: "Plugins/Market", swiftSettings: swiftSettings),
        // The worked example of docs/plugin-guide.md: a notice board (村务公开栏).
        .target(name: "HuzhuNotice", dependencies: ["HuzhuKit"], path: "Plugins/Notice", swiftSettings: swiftSettings),
        // The daemon's configuration file: a small TOML parser.
        .target(name: "HuzhuConfig", dependencies: ["HuzhuKit"], swiftSettings: swiftSettings),
        // Test support: a real PostgreSQL cluster per test process, databases per test, a live daemon.
        .target(
            name: "HuzhuTesting",
            dependencies: [
                "HuzhuCore", "HuzhuStore", "HuzhuKit", "HuzhuBus",
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "HuzhuKitTests", dependencies: ["HuzhuKit"], swiftSettings: swiftSettings),
        .testTarget(name: "HuzhuConsoleTests", dependencies: ["HuzhuConsole", "HuzhuKit"], swiftSettings: swiftSettings),
        .testTarget(name: "HuzhuBusTests", dependencies: ["HuzhuBus", "HuzhuKit"], swiftSettings: swiftSettings),
        .testTarget(
            name: "HuzhuSMSTests",
            dependencies: ["HuzhuSMS", "HuzhuKit", "HuzhuLabour", "HuzhuCulture", "HuzhuMarket"],
            resources: [.embedInCode("corpus.tsv")],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "HuzhuConfigTests", dependencies: ["HuzhuConfig", "HuzhuKit"], swiftSettings: swiftSettings),
        .testTarget(
            name: "HuzhuStoreTests",
            dependencies: ["HuzhuStore", "HuzhuSQL", "HuzhuTesting", "HuzhuKit", .product(name: "PostgresNIO", package: "postgres-nio")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "HuzhuCoreTests",
            dependencies: [
                "HuzhuCore", "HuzhuTesting", "HuzhuKit", "HuzhuDemo", "HuzhuBus", "HuzhuConsole", "HuzhuNotice", "huzhud",
                // The whole registry (every plugin's commands) for the permission audit.
                "HuzhuLabour", "HuzhuCulture", "HuzhuMarket",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "HuzhuctlTests", dependencies: ["HuzhuctlCore"], swiftSettings: swiftSettings),
        // The SMS gateways for real: Kannel (bearerbox, smsbox, fakesmsc), Gammu SMSD (dummy phone), the relay.
        .testTarget(
            name: "GatewayTests",
            dependencies: ["HuzhuTesting", "HuzhuKit", "HuzhuCore", .product(name: "PostgresNIO", package: "postgres-nio")],
            swiftSettings: swiftSettings
        ),
        // Each association plugin against a real store and a live daemon (console over TCP, SMS IN).
        .testTarget(
            name: "LabourTests",
            dependencies: ["HuzhuLabour", "HuzhuTesting", "HuzhuKit", .product(name: "PostgresNIO", package: "postgres-nio")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CultureTests",
            dependencies: ["HuzhuCulture", "HuzhuTesting", "HuzhuKit", .product(name: "PostgresNIO", package: "postgres-nio")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "MarketTests",
            dependencies: ["HuzhuMarket", "HuzhuTesting", "HuzhuKit", "HuzhuCore", .product(name: "PostgresNIO", package: "postgres-nio")],
            swiftSettings: swiftSettings
        ),
    ]
)
