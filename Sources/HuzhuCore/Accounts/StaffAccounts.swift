import Crypto
import Foundation
import HuzhuKit
import NIOPosix

/// A console account as `USER LIST` shows it.
public struct StaffAccount: Sendable, Equatable {
    public let id: Int
    public let username: String
    public let roles: [Role]
    public let villages: [Int]
    public let disabled: Bool

    public var json: JSONValue {
        ["id": .int(id), "user": .string(username), "roles": .array(roles.map { .string($0.rawValue) }),
         "villages": .array(villages.map { .int($0) }), "disabled": .bool(disabled)]
    }
}

/// Staff accounts: create, change passwords, disable, list, verify logins, machine tokens. Audited.
public struct StaffAccounts: Sendable {
    let store: any HubStoreHandle
    let hasher: PasswordHasher

    public init(store: any HubStoreHandle, hasher: PasswordHasher = PasswordHasher()) {
        self.store = store
        self.hasher = hasher
    }

    /// Creates an account. Villages are ids or names (a name must be unambiguous).
    @discardableResult
    public func add(username: String, roles: [Role], villages: [String] = [], password: String, actor: Actor) async throws -> Int {
        try Self.checkUsername(username)
        try Self.checkPassword(password)
        guard !roles.isEmpty else { throw HuzhuError(.invalid, "give at least one role, e.g. role=staff", zh: "至少指定一个角色") }
        let hash = try await NIOThreadPool.singleton.runIfActive { [hasher] in try hasher.hash(password) }
        let roleNames = Array(Set(roles)).sorted().map(\.rawValue)
        return try await store.write(as: actor) { tx in
            let villageIDs = try await VillageLookup.resolve(villages, on: tx)
            let rows = try await tx.query(
                """
                INSERT INTO staff_account (username, password_hash, roles) VALUES (\(username), \(hash), \(roleNames))
                ON CONFLICT (username) DO NOTHING RETURNING id
                """)
            guard let id = try await rows.decode(Int.self).firstElement() else {
                throw HuzhuError(.conflict, "an account named '\(username)' already exists: choose another name or change its password",
                                 zh: "账号“\(username)”已存在")
            }
            for village in villageIDs {
                try await tx.execute("INSERT INTO staff_village (account_id, village_id) VALUES (\(id), \(village))")
            }
            try await tx.audit(
                "account.add", target: "account:\(id)",
                after: ["user": .string(username), "roles": .array(roleNames.map { .string($0) }), "villages": .array(villageIDs.map { .int($0) })])
            return id
        }
    }

    /// Sets a new password.
    public func setPassword(username: String, password: String, actor: Actor) async throws {
        try Self.checkPassword(password)
        let hash = try await NIOThreadPool.singleton.runIfActive { [hasher] in try hasher.hash(password) }
        try await store.write(as: actor) { tx in
            let rows = try await tx.query(
                "UPDATE staff_account SET password_hash = \(hash), updated_at = now() WHERE username = \(username) RETURNING id")
            guard let id = try await rows.decode(Int.self).firstElement() else {
                throw HuzhuError(.notFound, "no account named '\(username)': see USER LIST", zh: "没有名为“\(username)”的账号")
            }
            // The hash itself is never audited or logged.
            try await tx.audit("account.passwd", target: "account:\(id)")
        }
    }

    /// Disables or re-enables an account (its sessions end at their next login; tokens stop working).
    public func setDisabled(username: String, _ disabled: Bool, actor: Actor) async throws {
        try await store.write(as: actor) { tx in
            let rows = try await tx.query(
                "UPDATE staff_account SET disabled = \(disabled), updated_at = now() WHERE username = \(username) RETURNING id")
            guard let id = try await rows.decode(Int.self).firstElement() else {
                throw HuzhuError(.notFound, "no account named '\(username)': see USER LIST", zh: "没有名为“\(username)”的账号")
            }
            try await tx.audit(disabled ? "account.disable" : "account.enable", target: "account:\(id)")
        }
    }

    /// Every account, by name.
    public func list() async throws -> [StaffAccount] {
        try await store.read { connection in
            let rows = try await connection.query(
                """
                SELECT a.id, a.username, a.roles,
                       coalesce(array_agg(v.village_id ORDER BY v.village_id) FILTER (WHERE v.village_id IS NOT NULL), '{}'), a.disabled
                FROM staff_account a LEFT JOIN staff_village v ON v.account_id = a.id
                GROUP BY a.id ORDER BY a.username
                """, logger: Directory.logger)
            return try await rows.decode((Int, String, [String], [Int], Bool).self).all().map {
                StaffAccount(id: $0.0, username: $0.1, roles: $0.2.compactMap(Role.init(rawValue:)), villages: $0.3, disabled: $0.4)
            }
        }
    }

    /// Whether any account exists (the first start creates `admin`).
    public func isEmpty() async throws -> Bool {
        try await store.read { connection in
            try await connection.query("SELECT count(*) FROM staff_account", logger: Directory.logger).decode(Int.self).firstElement() == 0
        }
    }

    /// Checks a login; the same answer for an unknown user and a wrong password.
    public func verify(username: String, password: String) async throws -> ConsoleCaller? {
        let found = try await store.read { connection in
            try await connection.query(
                """
                SELECT a.password_hash, a.roles, coalesce(array_agg(v.village_id) FILTER (WHERE v.village_id IS NOT NULL), '{}')
                FROM staff_account a LEFT JOIN staff_village v ON v.account_id = a.id
                WHERE a.username = \(username) AND NOT a.disabled GROUP BY a.id
                """, logger: Directory.logger
            ).decode((String, [String], [Int]).self).firstElement()
        }
        // Hash even for unknown users so that timing does not tell which names exist.
        let stored = found?.0 ?? "pbkdf2-sha256$\(hasher.rounds)$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
        let ok = try await NIOThreadPool.singleton.runIfActive { [hasher] in hasher.verify(password, against: stored) }
        guard ok, let found else { return nil }
        return ConsoleCaller(username: username, roles: Set(found.1.compactMap(Role.init(rawValue:))), villages: found.2.sorted())
    }

    /// Creates a machine token for an account (an SMS gateway's): returned once, stored as a SHA-256.
    public func createToken(username: String, label: String, actor: Actor) async throws -> String {
        let token = "hz_" + (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
        let digest = Self.digest(token)
        try await store.write(as: actor) { tx in
            guard let id = try await tx.query("SELECT id FROM staff_account WHERE username = \(username)").decode(Int.self).firstElement() else {
                throw HuzhuError(.notFound, "no account named '\(username)': see USER LIST", zh: "没有名为“\(username)”的账号")
            }
            try await tx.execute("INSERT INTO api_token (account_id, token_hash, label) VALUES (\(id), \(digest), \(label))")
            try await tx.audit("account.token", target: "account:\(id)", after: ["label": .string(label)])
        }
        return token
    }

    /// The caller a token stands for, if it is valid.
    public func verify(token: String) async throws -> ConsoleCaller? {
        let digest = Self.digest(token)
        return try await store.read { connection in
            try await connection.query(
                """
                SELECT a.username, a.roles, coalesce(array_agg(v.village_id) FILTER (WHERE v.village_id IS NOT NULL), '{}')
                FROM api_token t JOIN staff_account a ON a.id = t.account_id LEFT JOIN staff_village v ON v.account_id = a.id
                WHERE t.token_hash = \(digest) AND t.revoked_at IS NULL AND NOT a.disabled GROUP BY a.id
                """, logger: Directory.logger
            ).decode((String, [String], [Int]).self).firstElement().map {
                ConsoleCaller(username: $0.0, roles: Set($0.1.compactMap(Role.init(rawValue:))), villages: $0.2.sorted())
            }
        }
    }

    static func digest(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    static func checkUsername(_ name: String) throws(HuzhuError) {
        guard (1...64).contains(name.count), name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "_.-".contains($0)) }) else {
            throw HuzhuError(.invalid, "account name '\(name)' must be 1-64 letters, digits, '.', '_' or '-'",
                             zh: "账号名须为 1-64 个字母、数字或 . _ -")
        }
    }

    static func checkPassword(_ password: String) throws(HuzhuError) {
        guard password.count >= 8 else {
            throw HuzhuError(.invalid, "a password needs at least 8 characters", zh: "密码至少 8 个字符")
        }
        guard password.count <= 256, !password.unicodeScalars.contains(where: { $0.value < 0x20 }) else {
            throw HuzhuError(.invalid, "a password may not hold control characters or exceed 256 characters",
                             zh: "密码不能含控制字符，且不超过 256 个字符")
        }
    }
}

/// Resolves villages given by id or by name.
enum VillageLookup {
    static func resolve(_ references: [String], on tx: WriteTransaction) async throws -> [Int] {
        var ids: [Int] = []
        for reference in references {
            let rows = if let id = Int(reference) {
                try await tx.query("SELECT id, name FROM village WHERE id = \(id)")
            } else {
                try await tx.query("SELECT id, name FROM village WHERE name = \(reference)")
            }
            let found = try await rows.decode((Int, String).self).all()
            switch found.count {
            case 1: ids.append(found[0].0)
            case 0: throw HuzhuError(.notFound, "no village '\(reference)': give a village id or its exact name", zh: "没有村“\(reference)”：请给出村编号或准确名称")
            default:
                throw HuzhuError(.invalid, "'\(reference)' names several villages (ids \(found.map { String($0.0) }.joined(separator: ", "))): give the id",
                                 zh: "“\(reference)”对应多个村，请用编号")
            }
        }
        return ids
    }
}
