import DocuThinkerCore
import Foundation
public import Storage
import GRDB

extension SQLiteStore: AccountRepository {
    public func updateProfile(userId: String, theme: String, socialLinks: [String: String]) async throws -> UserRecord? {
        let links = try StoredJSON.text(socialLinks)
        return try await pool.write { db in
            try db.execute(sql: "UPDATE users SET theme = ?, socialLinks = ? WHERE id = ?", arguments: [theme, links, userId])
            return try UserRecord.fetchOne(db, key: userId)
        }
    }

    public func updatePassword(userId: String, passwordHash: String, at date: Date) async throws {
        try await pool.write { db in
            try db.execute(sql: "UPDATE users SET passwordHash = ?, sessionGeneration = sessionGeneration + 1 WHERE id = ?",
                           arguments: [passwordHash, userId])
            try db.execute(sql: "UPDATE refresh_tokens SET revokedAt = ? WHERE userId = ? AND revokedAt IS NULL",
                           arguments: [date, userId])
            try db.execute(sql: "UPDATE api_keys SET revokedAt = ? WHERE userId = ? AND revokedAt IS NULL", arguments: [date, userId])
        }
    }

    public func sessionGeneration(userId: String) async throws -> Int? {
        try await pool.read { db in
            try Int.fetchOne(db.cachedStatement(sql: "SELECT sessionGeneration FROM users WHERE id = ?"), arguments: [userId])
        }
    }

    public func updateEmail(userId: String, email: String) async throws -> UserRecord? {
        do {
            return try await pool.write { db in
                try db.execute(sql: "UPDATE users SET email = ? WHERE id = ?", arguments: [email, userId])
                return try UserRecord.fetchOne(db, key: userId)
            }
        } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
            throw StorageError(.conflict, "An account with this email already exists.")
        }
    }

    public func savePasswordReset(_ reset: PasswordResetRecord) async throws {
        try await pool.write { db in try reset.insert(db) }
    }

    public func consumePasswordReset(tokenHash: String, at date: Date) async throws -> String? {
        try await pool.write { db in
            guard let reset = try PasswordResetRecord.fetchOne(
                db, sql: "SELECT * FROM password_resets WHERE tokenHash = ? AND usedAt IS NULL AND expiresAt > ?",
                arguments: [tokenHash, date]) else { return nil }
            try db.execute(sql: "UPDATE password_resets SET usedAt = ? WHERE id = ?", arguments: [date, reset.id])
            return reset.userId
        }
    }
}

extension SQLiteStore: OutboxRepository {
    public func enqueueMail(_ mail: MailRecord) async throws {
        try await pool.write { db in try mail.insert(db) }
    }

    public func mails(recipient: String, limit: Int) async throws -> [MailRecord] {
        try await pool.read { db in
            try MailRecord.fetchAll(db, sql: "SELECT * FROM outbox WHERE recipient = ? COLLATE NOCASE ORDER BY createdAt DESC, rowid DESC LIMIT ?",
                                    arguments: [recipient, limit])
        }
    }
}

extension MailRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "outbox"
}

extension PasswordResetRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "password_resets"
}
