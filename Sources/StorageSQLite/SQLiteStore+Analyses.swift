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

    public func analyses<Result: Decodable>(_ key: AnalysisBatchKey, ownerId: String, as type: Result.Type) async throws
        -> [String: (result: Result, createdAt: Date)] {
        var out: [String: (result: Result, createdAt: Date)] = [:]
        // SQLite binds at most 32,766 values per statement: 500 ids at a time.
        for start in stride(from: 0, to: key.documentIds.count, by: 500) {
            let ids = Array(key.documentIds[start..<min(start + 500, key.documentIds.count)])
            let rows = try await pool.read { db in
                try Row.fetchAll(db, sql: """
                    SELECT a.documentId, a.result, a.createdAt FROM analyses a JOIN documents d ON d.id = a.documentId
                    WHERE d.ownerId = ? AND a.documentId IN (\(ids.map { _ in "?" }.joined(separator: ",")))
                        AND a.kind = ? AND a.parameters = ? AND a.engine = ? AND a.engineVersion = ?
                    """, arguments: StatementArguments([ownerId] + ids + [key.kind, key.parameters, key.engine, key.engineVersion]))
                    .map { (id: $0[0] as String, json: $0[1] as String, createdAt: $0[2] as Date) }
            }
            for row in rows {
                if let result = StoredJSON.value(Result.self, from: row.json) { out[row.id] = (result, row.createdAt) }
            }
        }
        return out
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
