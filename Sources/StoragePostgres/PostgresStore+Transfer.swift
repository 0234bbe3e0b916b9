import DocuThinkerCore
import Foundation
import PostgresNIO
public import Storage

extension PostgresStore: LibraryTransferStore {
    public func allUsers() async throws -> [UserRecord] {
        try await rows("SELECT \(unescaped: Self.userColumns) FROM users ORDER BY created_at, id").map(Self.user)
    }

    public func storedAnalyses(documentId: String) async throws -> [StoredAnalysis] {
        try await rows("""
            SELECT document_id, kind, parameters, engine, engine_version, result, created_at FROM analyses WHERE document_id = \(documentId)
            ORDER BY kind COLLATE "C", parameters COLLATE "C", engine COLLATE "C", engine_version COLLATE "C"
            """).map {
            StoredAnalysis(key: AnalysisKey(documentId: try $0.get(0), kind: try $0.get(1), parameters: try $0.get(2), engine: try $0.get(3),
                                            engineVersion: try $0.get(4)), json: try $0.get(5), createdAt: try $0.get(6))
        }
    }

    public func saveStoredAnalysis(_ analysis: StoredAnalysis) async throws {
        try await execute("""
            INSERT INTO analyses (document_id, kind, parameters, engine, engine_version, result, created_at)
            VALUES (\(analysis.documentId), \(analysis.kind), \(analysis.parameters), \(analysis.engine), \(analysis.engineVersion),
                \(analysis.json), \(analysis.createdAt))
            ON CONFLICT (document_id, kind, parameters, engine, engine_version)
            DO UPDATE SET result = excluded.result, created_at = excluded.created_at
            """)
    }

    public func vectorModels(ownerId: String) async throws -> [String] {
        try await rows("SELECT model FROM chunk_vectors WHERE owner_id = \(ownerId) GROUP BY model ORDER BY model COLLATE \"C\"")
            .map { try $0.get(0, as: String.self) }
    }

    public func chunkIds(documentId: String) async throws -> [Int64] {
        try await rows("SELECT id FROM chunks WHERE document_id = \(documentId) ORDER BY ordinal").map { try $0.get(0, as: Int64.self) }
    }
}
