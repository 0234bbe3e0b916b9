import COpenBLAS
import Foundation
public import Storage

/// Exact nearest-neighbour search over each owner's chunk vectors, held in memory as one
/// row-major matrix per owner (loaded lazily from the store, dropped when the owner's documents
/// change). Scores are dot products of unit vectors (cosine), computed with one `sgemv`.
public actor VectorIndex {
    struct OwnerMatrix {
        var chunkIDs: [Int64]
        var documentIDs: [String]
        var matrix: [Float]
    }

    private let store: any SearchRepository
    public let model: String
    public let dimensions: Int
    private var owners: [String: OwnerMatrix] = [:]

    public init(store: any SearchRepository, model: String, dimensions: Int) {
        self.store = store
        self.model = model
        self.dimensions = dimensions
    }

    /// Forgets the owner's matrix; the next search reloads it.
    public func invalidate(ownerId: String) {
        owners[ownerId] = nil
    }

    /// The `limit` most similar chunks of the owner (optionally only in `documentIds`).
    public func search(ownerId: String, query: [Float], documentIds: Set<String>?, limit: Int) async throws -> [(chunkId: Int64, documentId: String, score: Float)] {
        let owner = try await matrix(for: ownerId)
        let n = owner.chunkIDs.count
        guard n > 0, query.count == dimensions else { return [] }
        var scores = [Float](repeating: 0, count: n)
        owner.matrix.withUnsafeBufferPointer { m in
            query.withUnsafeBufferPointer { q in
                scores.withUnsafeMutableBufferPointer { s in
                    cblas_sgemv(CblasRowMajor, CblasNoTrans, Int32(n), Int32(dimensions), 1, m.baseAddress, Int32(dimensions),
                                q.baseAddress, 1, 0, s.baseAddress, 1)
                }
            }
        }
        var candidates = Array(0..<n)
        if let documentIds { candidates = candidates.filter { documentIds.contains(owner.documentIDs[$0]) } }
        // Partial selection would be faster for huge n; a sort of the survivors is exact and simple.
        let top = candidates.sorted { scores[$0] > scores[$1] || (scores[$0] == scores[$1] && owner.chunkIDs[$0] < owner.chunkIDs[$1]) }
            .prefix(limit)
        return top.map { (owner.chunkIDs[$0], owner.documentIDs[$0], scores[$0]) }
    }

    /// Number of vectors currently loaded for an owner (0 when not loaded).
    public func loadedCount(ownerId: String) -> Int { owners[ownerId]?.chunkIDs.count ?? 0 }

    private func matrix(for ownerId: String) async throws -> OwnerMatrix {
        if let cached = owners[ownerId] { return cached }
        let vectors = try await store.vectors(ownerId: ownerId, model: model)
        var matrix = [Float]()
        matrix.reserveCapacity(vectors.count * dimensions)
        var chunkIDs: [Int64] = [], documentIDs: [String] = []
        for entry in vectors where entry.vector.count == dimensions {
            matrix.append(contentsOf: entry.vector)
            chunkIDs.append(entry.chunkId)
            documentIDs.append(entry.documentId)
        }
        let owner = OwnerMatrix(chunkIDs: chunkIDs, documentIDs: documentIDs, matrix: matrix)
        owners[ownerId] = owner
        return owner
    }
}
