import Foundation
import GRDB
public import Storage

extension SQLiteStore: PasskeyRepository {
    public func savePasskey(_ passkey: PasskeyRecord) async throws {
        do {
            try await pool.write { db in try passkey.insert(db) }
        } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
            throw StorageError(.conflict, "This passkey is already registered.")
        }
    }

    public func passkey(id: String) async throws -> PasskeyRecord? {
        try await pool.read { db in try PasskeyRecord.fetchOne(db, key: id) }
    }

    public func passkeys(userId: String) async throws -> [PasskeyRecord] {
        try await pool.read { db in
            try PasskeyRecord.fetchAll(db, sql: "SELECT * FROM passkeys WHERE userId = ? ORDER BY createdAt DESC, rowid DESC", arguments: [userId])
        }
    }

    public func renamePasskey(id: String, userId: String, name: String) async throws -> PasskeyRecord? {
        try await pool.write { db in
            try db.execute(sql: "UPDATE passkeys SET name = ? WHERE id = ? AND userId = ?", arguments: [name, id, userId])
            return db.changesCount == 0 ? nil : try PasskeyRecord.fetchOne(db, key: id)
        }
    }

    public func deletePasskey(id: String, userId: String) async throws -> Bool {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM passkeys WHERE id = ? AND userId = ?", arguments: [id, userId])
            return db.changesCount > 0
        }
    }

    public func recordPasskeyUse(id: String, expected: Int64, signCount: Int64, at date: Date) async throws -> Bool {
        try await pool.write { db in
            try db.execute(sql: "UPDATE passkeys SET signCount = ?, lastUsedAt = ? WHERE id = ? AND signCount = ?",
                           arguments: [signCount, date, id, expected])
            return db.changesCount > 0
        }
    }

    public func saveChallenge(_ challenge: WebAuthnChallengeRecord) async throws {
        try await pool.write { db in
            // Expired flows nobody finished go with the next one.
            try db.execute(sql: "DELETE FROM webauthn_challenges WHERE expiresAt < ?", arguments: [Date.now.addingTimeInterval(-3600)])
            try challenge.insert(db)
        }
    }

    public func takeChallenge(id: String) async throws -> WebAuthnChallengeRecord? {
        try await pool.write { db in
            guard let record = try WebAuthnChallengeRecord.fetchOne(db, key: id) else { return nil }
            try db.execute(sql: "DELETE FROM webauthn_challenges WHERE id = ?", arguments: [id])
            return record
        }
    }
}

extension PasskeyRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "passkeys"

    public init(row: Row) throws {
        self.init(id: row["id"], userId: row["userId"], name: row["name"], publicKey: row["publicKey"], signCount: row["signCount"],
                  transports: StoredJSON.value([String].self, from: row["transports"] as String) ?? [], deviceType: row["deviceType"],
                  backedUp: row["backedUp"], createdAt: row["createdAt"], lastUsedAt: row["lastUsedAt"])
    }

    public func encode(to container: inout PersistenceContainer) throws {
        container["id"] = id
        container["userId"] = userId
        container["name"] = name
        container["publicKey"] = publicKey
        container["signCount"] = signCount
        container["transports"] = try StoredJSON.text(transports)
        container["deviceType"] = deviceType
        container["backedUp"] = backedUp
        container["createdAt"] = createdAt
        container["lastUsedAt"] = lastUsedAt
    }
}

extension WebAuthnChallengeRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "webauthn_challenges"
}
