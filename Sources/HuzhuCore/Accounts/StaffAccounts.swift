import HuzhuKit
import Logging
import HuzhuStore
import NIOPosix
import PostgresNIO

/// A console account as listed by `huzhud user list`.
public struct StaffAccount: Sendable, Equatable {
    public let id: Int
    public let username: String
    public let roles: [Role]
    public let villages: [Int]
    public let disabled: Bool
}

/// Staff accounts: create, change passwords, list, verify logins. Writes are audited.
public struct StaffAccounts: Sendable {
    let client: PostgresClient
    let hasher: PasswordHasher
    let logger: Logger

    public init(client: PostgresClient, hasher: PasswordHasher = PasswordHasher(), logger: Logger) {
        self.client = client
        self.hasher = hasher
        self.logger = logger
    }

    /// Creates an account. Villages are ids or names (a name must be unambiguous).
    @discardableResult
    public func add(username: String, roles: [Role], villages: [String] = [], password: String, actor: Actor) async throws -> Int {
        try Self.checkUsername(username)
        try Self.checkPassword(password)
        guard !roles.isEmpty else { throw HuzhuError(.invalid, "give at least one role: --role staff", zh: "至少指定一个角色") }
        let hash = try await NIOThreadPool.singleton.runIfActive { [hasher] in try hasher.hash(password) }
        let roleNames = Array(Set(roles)).sorted().map(\.rawValue)
        return try await client.writeTransaction(logger: logger) { connection in
            let villageIDs = try await VillageLookup.resolve(villages, on: connection, logger: logger)
            let rows = try await connection.query(
                """
                INSERT INTO staff_account (username, password_hash, roles) VALUES (\(username), \(hash), \(roleNames))
                ON CONFLICT (username) DO NOTHING RETURNING id
                """, logger: logger)
            guard let id = try await rows.decode(Int.self).first(where: { _ in true }) else {
                throw HuzhuError(.conflict, "an account named '\(username)' already exists: choose another name or use `user passwd`",
                                 zh: "账号“\(username)”已存在")
            }
            for village in villageIDs {
                _ = try await connection.query("INSERT INTO staff_village (account_id, village_id) VALUES (\(id), \(village))", logger: logger)
            }
            try await Audit.record(
                "account.add", target: "account:\(id)", actor: actor,
                after: ["username": .string(username), "roles": .array(roleNames.map { .string($0) }), "villages": .array(villageIDs.map { .int($0) })],
                on: connection, logger: logger)
            return id
        }
    }

    /// Sets a new password.
    public func setPassword(username: String, password: String, actor: Actor) async throws {
        try Self.checkPassword(password)
        let hash = try await NIOThreadPool.singleton.runIfActive { [hasher] in try hasher.hash(password) }
        try await client.writeTransaction(logger: logger) { connection in
            let rows = try await connection.query(
                "UPDATE staff_account SET password_hash = \(hash), updated_at = now() WHERE username = \(username) RETURNING id",
                logger: logger)
            guard let id = try await rows.decode(Int.self).first(where: { _ in true }) else {
                throw HuzhuError(.notFound, "no account named '\(username)': see `huzhud user list`", zh: "没有名为“\(username)”的账号")
            }
            // The hash itself is never audited or logged.
            try await Audit.record("account.passwd", target: "account:\(id)", actor: actor, on: connection, logger: logger)
        }
    }

    /// Every account, by name.
    public func list() async throws -> [StaffAccount] {
        let rows = try await client.query(
            """
            SELECT a.id, a.username, a.roles, coalesce(array_agg(v.village_id ORDER BY v.village_id) FILTER (WHERE v.village_id IS NOT NULL), '{}'), a.disabled
            FROM staff_account a LEFT JOIN staff_village v ON v.account_id = a.id
            GROUP BY a.id ORDER BY a.username
            """, logger: logger)
        var accounts: [StaffAccount] = []
        for try await (id, username, roles, villages, disabled) in rows.decode((Int, String, [String], [Int], Bool).self) {
            accounts.append(StaffAccount(id: id, username: username, roles: roles.compactMap(Role.init(rawValue:)), villages: villages, disabled: disabled))
        }
        return accounts
    }

    /// Whether any account exists (the first start creates `admin`).
    public func isEmpty() async throws -> Bool {
        let rows = try await client.query("SELECT count(*) FROM staff_account", logger: logger)
        return try await rows.decode(Int.self).first(where: { _ in true }) == 0
    }

    /// Checks a login; the same answer for an unknown user and a wrong password.
    public func verify(username: String, password: String) async throws -> ConsoleCaller? {
        let rows = try await client.query(
            """
            SELECT a.password_hash, a.roles, coalesce(array_agg(v.village_id) FILTER (WHERE v.village_id IS NOT NULL), '{}')
            FROM staff_account a LEFT JOIN staff_village v ON v.account_id = a.id
            WHERE a.username = \(username) AND NOT a.disabled GROUP BY a.id
            """, logger: logger)
        let found = try await rows.decode((String, [String], [Int]).self).first(where: { _ in true })
        // Hash even for unknown users so that timing does not tell which names exist.
        let stored = found?.0 ?? "pbkdf2-sha256$\(hasher.rounds)$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
        let ok = try await NIOThreadPool.singleton.runIfActive { [hasher] in hasher.verify(password, against: stored) }
        guard ok, let found else { return nil }
        return ConsoleCaller(username: username, roles: Set(found.1.compactMap(Role.init(rawValue:))), villages: found.2.sorted())
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
    static func resolve(_ references: [String], on connection: PostgresConnection, logger: Logger) async throws -> [Int] {
        var ids: [Int] = []
        for reference in references {
            let rows = Int(reference) != nil
                ? try await connection.query("SELECT id, name FROM village WHERE id = \(Int(reference)!)", logger: logger)
                : try await connection.query("SELECT id, name FROM village WHERE name = \(reference)", logger: logger)
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

extension AsyncSequence where Self: Sendable {
    /// Every element, in order.
    func all() async throws -> [Element] {
        var elements: [Element] = []
        for try await element in self { elements.append(element) }
        return elements
    }
}
