import HuzhuKit
import HuzhuSQL
import HuzhuStore
import PostgresNIO
import Foundation
import Testing

@Suite struct DatabaseURLTests {
    @Test func tcpURLCarriesItsParts() throws {
        let url = try DatabaseURL("postgres://hub:s%40cret@db.example:6543/huzhu?sslmode=disable")
        #expect(url.configuration.host == "db.example")
        #expect(url.configuration.port == 6543)
        #expect(url.configuration.username == "hub")
        #expect(url.configuration.password == "s@cret")
        #expect(url.configuration.database == "huzhu")
        #expect(url.redacted == "postgres://hub:***@db.example:6543/huzhu?sslmode=disable")
        #expect(!url.description.contains("cret"))
    }

    @Test func socketFolderSelectsAUnixSocket() throws {
        let url = try DatabaseURL("postgres://huzhu@localhost/t1?host=/tmp/sock")
        #expect(url.configuration.unixSocketPath == "/tmp/sock/.s.PGSQL.5432")
        #expect(url.configuration.database == "t1")
    }

    @Test(arguments: ["mysql://a@b/c", "not a url", "postgres://a@b/c?sslmode=sometimes", "postgres:///db"])
    func badURLsAreRefusedWithTheRightForm(_ text: String) {
        #expect(throws: HuzhuError.self) { try DatabaseURL(text) }
    }
}

/// Every SQL file on disk is in the embedded catalog and the other way round.
@Suite struct SQLCatalogTests {
    @Test func catalogListsExactlyTheFilesOnDisk() throws {
        let sqlFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("sql")
        var onDisk = Set<String>()
        for module in try FileManager.default.contentsOfDirectory(atPath: sqlFolder.path) {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: sqlFolder.appendingPathComponent(module).path, isDirectory: &isFolder), isFolder.boolValue else { continue }
            for file in try FileManager.default.contentsOfDirectory(atPath: sqlFolder.appendingPathComponent(module).path) where file.hasSuffix(".sql") {
                onDisk.insert("\(module)/\(file)")
            }
        }
        let embedded = Set(SQLCatalog.files.map { "\($0.module)/\($0.fileName)" })
        #expect(embedded == onDisk)
        for file in SQLCatalog.files {
            let text = try String(contentsOf: sqlFolder.appendingPathComponent("\(file.module)/\(file.fileName)"), encoding: .utf8)
            #expect(file.sql == text, "the embedded copy of \(file.fileName) is stale")
            #expect(MigrationSource(fileName: file.fileName, sql: file.sql) != nil, "\(file.fileName) is not named NNNN_name.sql")
        }
    }
}
