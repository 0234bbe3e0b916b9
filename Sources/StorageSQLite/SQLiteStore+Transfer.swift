import DocuThinkerCore
import Foundation
public import Storage
import GRDB

extension SQLiteStore: LibraryTransferStore {
    public func allUsers() async throws -> [UserRecord] {
        try await pool.read { db in try UserRecord.fetchAll(db, sql: "SELECT * FROM users ORDER BY createdAt, rowid") }
    }

    public func storedAnalyses(documentId: String) async throws -> [StoredAnalysis] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT documentId, kind, parameters, engine, engineVersion, result, createdAt FROM analyses WHERE documentId = ?
                ORDER BY kind, parameters, engine, engineVersion
                """, arguments: [documentId]).map {
                StoredAnalysis(key: AnalysisKey(documentId: $0[0], kind: $0[1], parameters: $0[2], engine: $0[3], engineVersion: $0[4]),
                               json: $0[5], createdAt: $0[6])
            }
        }
    }

    public func saveStoredAnalysis(_ analysis: StoredAnalysis) async throws {
        try await pool.write { db in
            try db.execute(sql: """
                INSERT OR REPLACE INTO analyses (documentId, kind, parameters, engine, engineVersion, result, createdAt)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: [analysis.documentId, analysis.kind, analysis.parameters, analysis.engine, analysis.engineVersion,
                                 analysis.json, analysis.createdAt])
        }
    }

    public func vectorModels(ownerId: String) async throws -> [String] {
        try await pool.read { db in
            try String.fetchAll(db, sql: """
                SELECT DISTINCT v.model FROM chunk_vectors v JOIN chunks c ON c.id = v.chunkId JOIN documents d ON d.id = c.documentId
                WHERE d.ownerId = ? ORDER BY v.model
                """, arguments: [ownerId])
        }
    }

    public func chunkIds(documentId: String) async throws -> [Int64] {
        try await pool.read { db in
            try Int64.fetchAll(db, sql: "SELECT id FROM chunks WHERE documentId = ? ORDER BY ordinal", arguments: [documentId])
        }
    }
}
