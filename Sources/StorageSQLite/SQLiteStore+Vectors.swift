import DocuThinkerCore
import Foundation
public import Storage
import GRDB

/// Vectors stored beside their chunks (little-endian Float32 blobs, one row per chunk and model);
/// deleting a document deletes them, and triggers bump the owner's vector generation.
extension SQLiteStore: VectorStorage {
    public func vectorGeneration(ownerId: String) async throws -> Int64 {
        try await pool.read { db in
            try Int64.fetchOne(db.cachedStatement(sql: "SELECT generation FROM vector_generations WHERE ownerId = ?"), arguments: [ownerId]) ?? 0
        }
    }

    public func chunksToEmbed(documentId: String, model: String) async throws -> [(chunkId: Int64, text: String)] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT c.id, c.text FROM chunks c LEFT JOIN chunk_vectors v ON v.chunkId = c.id AND v.model = ?
                WHERE c.documentId = ? AND v.chunkId IS NULL ORDER BY c.ordinal
                """, arguments: [model, documentId]).map { (chunkId: $0[0], text: $0[1]) }
        }
    }

    public func saveVectors(_ vectors: [ChunkVector], model: String) async throws {
        try await pool.write { db in
            let statement = try db.cachedStatement(sql: """
                INSERT OR REPLACE INTO chunk_vectors (chunkId, model, vector)
                SELECT ?, ?, ? WHERE EXISTS (SELECT 1 FROM chunks WHERE id = ?)
                """)
            for entry in vectors {
                let blob = entry.vector.withUnsafeBufferPointer { Data(buffer: $0) }
                try statement.execute(arguments: [entry.chunkId, model, blob, entry.chunkId])
            }
        }
    }

    public func vectors(ownerId: String, model: String) async throws -> [StoredVector] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT v.chunkId, c.documentId, v.vector FROM chunk_vectors v
                JOIN chunks c ON c.id = v.chunkId JOIN documents d ON d.id = c.documentId
                WHERE d.ownerId = ? AND v.model = ? ORDER BY v.chunkId
                """, arguments: [ownerId, model]).map { row in
                let blob: Data = row[2]
                let floats = blob.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
                return StoredVector(chunkId: row[0], documentId: row[1], vector: floats)
            }
        }
    }
}
