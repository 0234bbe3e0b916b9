import DocuThinkerCore
import Foundation
public import Storage
import GRDB

extension SQLiteStore: AnalysisRepository {
    public func analysis<Result: Decodable>(_ key: AnalysisKey, as type: Result.Type) async throws -> (result: Result, createdAt: Date)? {
        let stored = try await pool.read { db in
            try Row.fetchOne(db, sql: """
                SELECT result, createdAt FROM analyses
                WHERE documentId = ? AND kind = ? AND parameters = ? AND engine = ? AND engineVersion = ?
                """, arguments: [key.documentId, key.kind, key.parameters, key.engine, key.engineVersion])
                .map { (json: $0[0] as String, createdAt: $0[1] as Date) }
        }
        guard let stored, let result = StoredJSON.value(Result.self, from: stored.json) else { return nil }
        return (result, stored.createdAt)
    }

    public func saveAnalysis<Result: Encodable & Sendable>(_ key: AnalysisKey, result: Result, at date: Date) async throws {
        let json = try StoredJSON.text(result)
        try await pool.write { db in
            // The document may have been deleted meanwhile: then there is nothing to cache.
            guard try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM documents WHERE id = ?)", arguments: [key.documentId]) == true else { return }
            try db.execute(sql: """
                INSERT OR REPLACE INTO analyses (documentId, kind, parameters, engine, engineVersion, result, createdAt)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: [key.documentId, key.kind, key.parameters, key.engine, key.engineVersion, json, date])
        }
    }

    public func analysisCount(documentId: String) async throws -> Int {
        try await pool.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM analyses WHERE documentId = ?", arguments: [documentId]) ?? 0
        }
    }
}
