/// The SQL migrations shipped in the binary, by module (`core`, then one folder per plugin id).
///
/// SwiftPM embeds each file as a byte array named after the file (a leading digit becomes `_`:
/// `0001_directory.sql` is `_001_directory_sql`); list every file here once.
/// `SQLCatalogTests` fails when this list and the folders on disk disagree.
public enum SQLCatalog {
    /// One embedded migration file.
    public struct File: Sendable {
        /// The folder it lives in: `core` or a plugin id.
        public let module: String
        /// The file name, `NNNN_name.sql`.
        public let fileName: String
        /// The file's text.
        public let sql: String

        init(_ module: String, _ fileName: String, _ bytes: [UInt8]) {
            self.module = module
            self.fileName = fileName
            self.sql = String(decoding: bytes, as: UTF8.self)
        }
    }

    /// Every migration file, in no particular order (the migrator sorts by number).
    public static let files: [File] = [
        File("core", "0001_directory.sql", PackageResources._001_directory_sql),
        File("core", "0002_bus_outbox.sql", PackageResources._002_bus_outbox_sql),
        File("core", "0003_sms.sql", PackageResources._003_sms_sql),
        File("core", "0004_words_demo.sql", PackageResources._004_words_demo_sql),
        File("core", "0005_outbox_loop_guard.sql", PackageResources._005_outbox_loop_guard_sql),
        File("core", "0006_sms_answers.sql", PackageResources._006_sms_answers_sql),
    ]

    /// The files of one module.
    public static func files(of module: String) -> [File] {
        files.filter { $0.module == module }
    }
}
