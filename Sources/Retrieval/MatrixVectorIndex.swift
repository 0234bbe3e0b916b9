import COpenBLAS
import DocuThinkerCore
import Foundation
public import Storage

/// The embedded `VectorIndex`: exact nearest-neighbour search over each owner's chunk vectors,
/// held in memory as one row-major matrix per owner. Vectors persist in a `VectorStorage` (SQLite);
/// a matrix is loaded on the owner's first search and reloaded when the storage's vector
/// generation of the owner changes, whichever process changed it. Scores are dot products of unit
/// vectors (cosine), computed with one `sgemv`.
public actor MatrixVectorIndex: VectorIndex {
    struct OwnerMatrix {
        var chunkIDs: [Int64]
        var documentIDs: [String]
        var matrix: [Float]
        var generation: Int64
    }

    private let storage: any VectorStorage
    public nonisolated let model: String
    public nonisolated let dimensions: Int
    private var owners: [String: OwnerMatrix] = [:]

    public init(storage: any VectorStorage, model: String, dimensions: Int) {
        self.storage = storage
        self.model = model
        self.dimensions = dimensions
    }

    public func chunksToEmbed(documentId: String) async throws -> [(chunkId: Int64, text: String)] {
        try await storage.chunksToEmbed(documentId: documentId, model: model)
    }

    /// Stores the vectors; the owner's matrix reloads on its next search (the generation changed).
    public func save(_ vectors: [ChunkVector], documentId: String, owner: String) async throws {
        try requireDimensions(vectors)
        try await storage.saveVectors(vectors, model: model)
    }

    /// The storage deleted the vectors with the document; this drops the owner's matrix now
    /// rather than at the next search.
    public func remove(documentId: String, owner: String) async throws {
        owners[owner] = nil
    }

    public func search(owner ownerId: String, query: [Float], k limit: Int, documents documentIds: Set<String>?) async throws -> [VectorHit] {
        guard limit > 0, query.count == dimensions else { return [] }
        let owner = try await matrix(for: ownerId)
        let n = owner.chunkIDs.count
        guard n > 0 else { return [] }
        var scores = [Float](repeating: 0, count: n)
        owner.matrix.withUnsafeBufferPointer { m in
            query.withUnsafeBufferPointer { q in
                scores.withUnsafeMutableBufferPointer { s in
                    cblas_sgemv(CblasRowMajor, CblasNoTrans, Int32(n), Int32(dimensions), 1, m.baseAddress, Int32(dimensions),
                                q.baseAddress, 1, 0, s.baseAddress, 1)
                }
            }
        }
        // Exact top-k by partial selection: one pass, keeping the best `limit` in order.
        func better(_ a: Int, _ b: Int) -> Bool {
            scores[a] > scores[b] || (scores[a] == scores[b] && owner.chunkIDs[a] < owner.chunkIDs[b])
        }
        var top: [Int] = []
        top.reserveCapacity(limit + 1)
        for i in 0..<n {
            if let documentIds, !documentIds.contains(owner.documentIDs[i]) { continue }
            if top.count == limit, let last = top.last, !better(i, last) { continue }
            var position = top.count
            while position > 0, better(i, top[position - 1]) { position -= 1 }
            top.insert(i, at: position)
            if top.count > limit { top.removeLast() }
        }
        return top.map { VectorHit(chunkId: owner.chunkIDs[$0], documentId: owner.documentIDs[$0], score: scores[$0]) }
    }

    /// Number of vectors currently loaded for an owner (0 when not loaded).
    public func loadedCount(ownerId: String) -> Int { owners[ownerId]?.chunkIDs.count ?? 0 }

    private func matrix(for ownerId: String) async throws -> OwnerMatrix {
        let generation = try await storage.vectorGeneration(ownerId: ownerId)
        if let cached = owners[ownerId], cached.generation == generation {
            ProductMetrics.cacheLookup("vector_index", hit: true)
            return cached
        }
        ProductMetrics.cacheLookup("vector_index", hit: false)
        let vectors = try await storage.vectors(ownerId: ownerId, model: model)
        var matrix = [Float]()
        matrix.reserveCapacity(vectors.count * dimensions)
        var chunkIDs: [Int64] = [], documentIDs: [String] = []
        for entry in vectors where entry.vector.count == dimensions {
            matrix.append(contentsOf: entry.vector)
            chunkIDs.append(entry.chunkId)
            documentIDs.append(entry.documentId)
        }
        let owner = OwnerMatrix(chunkIDs: chunkIDs, documentIDs: documentIDs, matrix: matrix, generation: generation)
        owners[ownerId] = owner
        return owner
    }
}
