import Foundation
import PostgresNIO
public import Storage

extension PostgresStore: PasskeyRepository {
    static let passkeyColumns = "id, user_id, name, public_key, sign_count, transports, device_type, backed_up, created_at, last_used_at"

    static func passkey(_ row: PostgresRandomAccessRow) throws -> PasskeyRecord {
        PasskeyRecord(id: try row.get(0), userId: try row.get(1), name: try row.get(2), publicKey: try row.get(3) as Data,
                      signCount: try row.get(4), transports: try row.get(5), deviceType: try row.get(6), backedUp: try row.get(7),
                      createdAt: try row.get(8), lastUsedAt: try row.get(9))
    }

    public func savePasskey(_ passkey: PasskeyRecord) async throws {
        do {
            try await execute("""
                INSERT INTO passkeys (\(unescaped: Self.passkeyColumns))
                VALUES (\(passkey.id), \(passkey.userId), \(passkey.name), \(passkey.publicKey), \(passkey.signCount), \(passkey.transports),
                        \(passkey.deviceType), \(passkey.backedUp), \(passkey.createdAt), \(passkey.lastUsedAt))
                """)
        } catch let error as StorageError where error.code == .conflict {
            throw StorageError(.conflict, "This passkey is already registered.")
        }
    }

    public func passkey(id: String) async throws -> PasskeyRecord? {
        try await rows("SELECT \(unescaped: Self.passkeyColumns) FROM passkeys WHERE id = \(id)").first.map(Self.passkey)
    }

    public func passkeys(userId: String) async throws -> [PasskeyRecord] {
        try await rows("SELECT \(unescaped: Self.passkeyColumns) FROM passkeys WHERE user_id = \(userId) ORDER BY created_at DESC, id")
            .map(Self.passkey)
    }

    public func renamePasskey(id: String, userId: String, name: String) async throws -> PasskeyRecord? {
        try await rows("""
            UPDATE passkeys SET name = \(name) WHERE id = \(id) AND user_id = \(userId) RETURNING \(unescaped: Self.passkeyColumns)
            """).first.map(Self.passkey)
    }

    public func deletePasskey(id: String, userId: String) async throws -> Bool {
        try await !rows("DELETE FROM passkeys WHERE id = \(id) AND user_id = \(userId) RETURNING id").isEmpty
    }

    public func recordPasskeyUse(id: String, expected: Int64, signCount: Int64, at date: Date) async throws -> Bool {
        try await !rows("""
            UPDATE passkeys SET sign_count = \(signCount), last_used_at = \(date) WHERE id = \(id) AND sign_count = \(expected) RETURNING id
            """).isEmpty
    }

    public func saveChallenge(_ challenge: WebAuthnChallengeRecord) async throws {
        try await execute("DELETE FROM webauthn_challenges WHERE expires_at < \(Date.now.addingTimeInterval(-3600))")
        try await execute("""
            INSERT INTO webauthn_challenges (id, purpose, user_id, challenge, expires_at)
            VALUES (\(challenge.id), \(challenge.purpose), \(challenge.userId), \(challenge.challenge), \(challenge.expiresAt))
            """)
    }

    public func takeChallenge(id: String) async throws -> WebAuthnChallengeRecord? {
        try await rows("DELETE FROM webauthn_challenges WHERE id = \(id) RETURNING id, purpose, user_id, challenge, expires_at").first.map {
            WebAuthnChallengeRecord(id: try $0.get(0), purpose: try $0.get(1), userId: try $0.get(2), challenge: try $0.get(3) as Data,
                                    expiresAt: try $0.get(4))
        }
    }
}
