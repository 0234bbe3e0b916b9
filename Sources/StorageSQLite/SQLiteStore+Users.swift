import DocuThinkerCore
import Foundation
public import Storage
import GRDB

extension SQLiteStore: UserRepository, RefreshTokenRepository, ReadinessCheck {
    public func createUser(_ user: UserRecord) async throws {
        do {
            try await pool.write { db in try user.insert(db) }
        } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
            throw StorageError(.conflict, "An account with this email already exists.")
        }
    }

    public func user(id: String) async throws -> UserRecord? {
        try await pool.read { db in try UserRecord.fetchOne(db, key: id) }
    }

    public func user(email: String) async throws -> UserRecord? {
        try await pool.read { db in
            try UserRecord.fetchOne(db, sql: "SELECT * FROM users WHERE email = ? COLLATE NOCASE", arguments: [email])
        }
    }

    public func saveRefreshToken(_ token: RefreshTokenRecord) async throws {
        try await pool.write { db in try token.insert(db) }
    }

    public func refreshToken(hash: String) async throws -> RefreshTokenRecord? {
        try await pool.read { db in
            try RefreshTokenRecord.fetchOne(db, sql: "SELECT * FROM refresh_tokens WHERE tokenHash = ?", arguments: [hash])
        }
    }

    public func revokeRefreshToken(id: String, at date: Date) async throws -> Bool {
        try await pool.write { db in
            try db.execute(
                sql: "UPDATE refresh_tokens SET revokedAt = ? WHERE id = ? AND revokedAt IS NULL", arguments: [date, id])
            return db.changesCount > 0
        }
    }

    public func revokeRefreshFamily(_ family: String, at date: Date) async throws -> Int {
        try await pool.write { db in
            try db.execute(sql: """
                UPDATE refresh_tokens SET revokedAt = ? WHERE (familyId = ? OR (familyId IS NULL AND id = ?)) AND revokedAt IS NULL
                """, arguments: [date, family, family])
            return db.changesCount
        }
    }

    public func ping() async throws {
        _ = try await pool.read { db in try Int.fetchOne(db, sql: "SELECT 1") }
    }
}
