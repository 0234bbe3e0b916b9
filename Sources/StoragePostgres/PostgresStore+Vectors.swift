import DocuThinkerCore
import Foundation
import Logging
import PostgresNIO
public import Storage

/// Vectors in pgvector columns beside their chunks (one row per chunk and model). `PgVectorIndex`
/// ranks them in the database; `VectorStorage` also lets the in-memory index read them (the
/// conformance suites run both over this store).
extension PostgresStore: VectorStorage {
    public func vectorGeneration(ownerId: String) async throws -> Int64 {
        try await rows("SELECT generation FROM vector_generations WHERE owner_id = \(ownerId)").first?.get(0) ?? 0
    }

    static func bumpVectorGeneration(ownerId: String, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.execute("""
            INSERT INTO vector_generations (owner_id, generation) VALUES (\(ownerId), 1)
            ON CONFLICT (owner_id) DO UPDATE SET generation = vector_generations.generation + 1
            """, logger: logger)
    }

    public func chunksToEmbed(documentId: String, model: String) async throws -> [(chunkId: Int64, text: String)] {
        try await rows("""
            SELECT c.id, c.text FROM chunks c LEFT JOIN chunk_vectors v ON v.chunk_id = c.id AND v.model = \(model)
            WHERE c.document_id = \(documentId) AND v.chunk_id IS NULL ORDER BY c.ordinal
            """).map { (chunkId: try $0.get(0), text: try $0.get(1)) }
    }

    public func saveVectors(_ vectors: [ChunkVector], model: String) async throws {
        try await storeVectors(vectors, model: model)
    }

    /// Stores (or replaces) vectors of existing chunks in one statement; vectors of chunks deleted
    /// meanwhile are dropped. Bumps the generation of every owner whose vectors changed.
    func storeVectors(_ vectors: [ChunkVector], model: String) async throws {
        guard !vectors.isEmpty else { return }
        let ids = vectors.map(\.chunkId), texts = vectors.map { Self.vectorText($0.vector) }
        try await transaction { connection in
            let owners = try await connection.rows("""
                WITH saved AS (
                    INSERT INTO chunk_vectors (chunk_id, model, owner_id, document_id, embedding)
                    SELECT c.id, \(model), d.owner_id, c.document_id, v.e::vector
                    FROM unnest(\(ids), \(texts)) AS v(id, e) JOIN chunks c ON c.id = v.id JOIN documents d ON d.id = c.document_id
                    ON CONFLICT (chunk_id, model) DO UPDATE SET embedding = excluded.embedding
                    RETURNING owner_id)
                SELECT DISTINCT owner_id FROM saved
                """, logger: logger)
            for owner in owners {
                try await Self.bumpVectorGeneration(ownerId: try owner.get(0), on: connection, logger: logger)
            }
        }
    }

    public func vectors(ownerId: String, model: String) async throws -> [StoredVector] {
        try await rows("""
            SELECT chunk_id, document_id, embedding::text FROM chunk_vectors WHERE owner_id = \(ownerId) AND model = \(model)
            ORDER BY chunk_id
            """).map { StoredVector(chunkId: try $0.get(0), documentId: try $0.get(1), vector: Self.vector(fromText: try $0.get(2))) }
    }

    /// pgvector's text form, `[0.1,-2,3e-05]` (Swift's shortest round-tripping digits).
    static func vectorText(_ vector: [Float]) -> String {
        "[" + vector.map { "\($0)" }.joined(separator: ",") + "]"
    }

    static func vector(fromText text: String) -> [Float] {
        text.dropFirst().dropLast().split(separator: ",").compactMap { Float($0) }
    }
}
