import DocuThinkerCore
import Foundation
public import Storage
import GRDB

extension SQLiteStore: APIKeyRepository {
    public func createAPIKey(_ key: APIKeyRecord) async throws {
        try await pool.write { db in try key.insert(db) }
    }

    public func apiKeys(userId: String) async throws -> [APIKeyRecord] {
        try await pool.read { db in
            try APIKeyRecord.fetchAll(db, sql: "SELECT * FROM api_keys WHERE userId = ? ORDER BY createdAt DESC, id", arguments: [userId])
        }
    }

    public func revokeAPIKey(id: String, userId: String, at date: Date) async throws -> Bool {
        try await pool.write { db in
            try db.execute(sql: "UPDATE api_keys SET revokedAt = ? WHERE id = ? AND userId = ? AND revokedAt IS NULL",
                           arguments: [date, id, userId])
            return db.changesCount > 0
        }
    }

    public func activeAPIKey(hash: String) async throws -> APIKeyRecord? {
        try await pool.read { db in
            try APIKeyRecord.fetchOne(db.cachedStatement(sql: "SELECT * FROM api_keys WHERE keyHash = ? AND revokedAt IS NULL"), arguments: [hash])
        }
    }

    public func touchAPIKey(id: String, at date: Date) async throws {
        try await pool.write { db in
            try db.execute(sql: "UPDATE api_keys SET lastUsedAt = ? WHERE id = ?", arguments: [date, id])
        }
    }
}
