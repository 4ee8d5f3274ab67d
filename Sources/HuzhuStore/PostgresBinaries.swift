import Foundation
import HuzhuKit

/// Where the PostgreSQL server programs (`initdb`, `pg_ctl`, `postgres`) live on this machine.
public struct PostgresBinaries: Sendable, Equatable {
    /// The folder holding all three programs.
    public let directory: String

    public var initdb: String { directory + "/initdb" }
    public var pgCtl: String { directory + "/pg_ctl" }
    public var postgres: String { directory + "/postgres" }

    static let programs = ["initdb", "pg_ctl", "postgres"]

    /// The folders searched, in order: an explicit folder, then `PATH`, then `pg_config --bindir`,
    /// then Debian's `/usr/lib/postgresql/<version>/bin` (newest version first).
    public static func defaultSearchPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> [String] {
        var folders = (environment["PATH"] ?? "").split(separator: ":").map(String.init)
        if let pgConfig = folders.map({ $0 + "/pg_config" }).first(where: FileManager.default.isExecutableFile(atPath:)),
            let bindir = runPgConfig(pgConfig)
        {
            folders.append(bindir)
        }
        let debianRoot = "/usr/lib/postgresql"
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: debianRoot)) ?? []
        folders += versions.sorted { (Int($0) ?? 0) > (Int($1) ?? 0) }.map { "\(debianRoot)/\($0)/bin" }
        return folders
    }

    /// Finds the programs in `searchPath`, or fails with an error naming the package to install.
    public static func locate(explicitDirectory: String? = nil, searchPath: [String]? = nil) throws(HuzhuError)
        -> PostgresBinaries
    {
        let folders = explicitDirectory.map { [$0] } ?? searchPath ?? defaultSearchPath()
        for folder in folders {
            let resolved = (try? FileManager.default.destinationOfSymbolicLink(atPath: folder + "/postgres"))
                .map { URL(fileURLWithPath: $0, relativeTo: URL(fileURLWithPath: folder + "/")).deletingLastPathComponent().path }
            // Debian links initdb and pg_ctl into /usr/local/bin but keeps postgres' helpers beside the real binary.
            for candidate in [resolved, folder].compactMap({ $0 })
            where programs.allSatisfy({ FileManager.default.isExecutableFile(atPath: candidate + "/" + $0) }) {
                return PostgresBinaries(directory: candidate)
            }
        }
        let searched = explicitDirectory.map { "in \($0)" } ?? "in PATH, `pg_config --bindir` or /usr/lib/postgresql/*/bin"
        throw HuzhuError(
            .unavailable,
            "the PostgreSQL server programs (initdb, pg_ctl, postgres) were not found \(searched). "
                + "Install them (Debian/Ubuntu: apt-get install postgresql; Fedora: dnf install postgresql-server), "
                + "point --pg-bin-dir at their folder, or use an existing server with --database-url postgres://…",
            zh: "找不到 PostgreSQL 服务器程序（initdb、pg_ctl、postgres）。请安装（Debian/Ubuntu：apt-get install postgresql），"
                + "或用 --pg-bin-dir 指定目录，或用 --database-url 连接已有的数据库。")
    }

    private static func runPgConfig(_ path: String) -> String? {
        guard let result = ProcessRunner.runBlocking([path, "--bindir"]), result.status == 0 else { return nil }
        let text = result.output.trimmingWhitespace()
        return text.isEmpty ? nil : text
    }
}
