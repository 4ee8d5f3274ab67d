import Crypto
import Foundation
import HuzhuKit
import _CryptoExtras

/// Salted, slow password hashes: PBKDF2-HMAC-SHA256, stored as `pbkdf2-sha256$<rounds>$<salt>$<hash>` (base64).
///
/// The round count is stored with each hash, so it can be raised later without invalidating old hashes.
public struct PasswordHasher: Sendable {
    /// OWASP's 2023 figure for PBKDF2-HMAC-SHA256; swift-crypto refuses fewer through its checked API.
    public static let defaultRounds = 600_000
    public let rounds: Int

    public init(rounds: Int = PasswordHasher.defaultRounds) {
        self.rounds = rounds
    }

    /// Hashes a new password with a fresh random salt. Slow on purpose: call it off the event loop.
    public func hash(_ password: String) throws -> String {
        let salt = (0..<16).map { _ in UInt8.random(in: 0...255) }
        let key = try derive(password, salt: salt, rounds: rounds)
        return "pbkdf2-sha256$\(rounds)$\(Data(salt).base64EncodedString())$\(key.base64EncodedString())"
    }

    /// Checks a password against a stored hash in constant time (for hashes of the same length).
    public func verify(_ password: String, against stored: String) -> Bool {
        let parts = stored.split(separator: "$")
        guard parts.count == 4, parts[0] == "pbkdf2-sha256", let rounds = Int(parts[1]), rounds >= 1,
            let salt = Data(base64Encoded: String(parts[2])), let expected = Data(base64Encoded: String(parts[3])),
            let actual = try? derive(password, salt: Array(salt), rounds: rounds)
        else { return false }
        guard actual.count == expected.count else { return false }
        var difference: UInt8 = 0
        for (a, b) in zip(actual, expected) { difference |= a ^ b }
        return difference == 0
    }

    private func derive(_ password: String, salt: [UInt8], rounds: Int) throws -> Data {
        let key = try KDF.Insecure.PBKDF2.deriveKey(
            from: Array(password.utf8), salt: salt, using: .sha256, outputByteCount: 32, unsafeUncheckedRounds: rounds)
        return key.withUnsafeBytes { Data($0) }
    }

    /// A random password for the first `admin` account: 20 characters without look-alikes.
    public static func randomPassword() -> String {
        let alphabet = Array("abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        return String((0..<20).map { _ in alphabet.randomElement()! })
    }
}
