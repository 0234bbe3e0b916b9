/// One chunk's embedding, to store.
public struct ChunkVector: Sendable, Hashable {
    public var chunkId: Int64
    public var vector: [Float]

    public init(chunkId: Int64, vector: [Float]) {
        self.chunkId = chunkId
        self.vector = vector
    }
}

/// A nearest neighbour: one of the owner's chunks and its similarity to the query (cosine).
public struct VectorHit: Sendable, Hashable {
    public var chunkId: Int64
    public var documentId: String
    public var score: Float

    public init(chunkId: Int64, documentId: String, score: Float) {
        self.chunkId = chunkId
        self.documentId = documentId
        self.score = score
    }
}

/// The vectors of one embedding model and nearest-neighbour search over them, always scoped to an
/// owner. An engine that can rank (pgvector, Chroma) ranks on its side and returns `k` hits; the
/// embedded default, `MatrixVectorIndex` in Retrieval, ranks in memory over a `VectorStorage`.
public protocol VectorIndex: Sendable {
    /// The embedding model whose vectors this index holds; vectors of other models are invisible.
    var model: String { get }
    /// Length of every vector (a query of another length finds nothing).
    var dimensions: Int { get }
    /// The document's chunks that have no vector here yet, in order: embedding resumes there.
    func chunksToEmbed(documentId: String) async throws -> [(chunkId: Int64, text: String)]
    /// Stores vectors of chunks of one of the owner's documents, replacing a chunk's earlier vector.
    /// A vector of a chunk deleted meanwhile is dropped; one of the wrong length is refused
    /// (`StorageError.invalid`) and nothing is stored.
    func save(_ vectors: [ChunkVector], documentId: String, owner: String) async throws
    /// The `k` of the owner's chunks closest to `query` (unit vectors: dot product = cosine), best
    /// first, equal scores in chunk-id order; only chunks of `documents` when that is given.
    func search(owner: String, query: [Float], k: Int, documents: Set<String>?) async throws -> [VectorHit]
    /// Forgets a deleted document's vectors.
    func remove(documentId: String, owner: String) async throws
}

/// Vector persistence under an index that ranks in memory (the SQLite store). The vectors live
/// beside their chunks, so deleting a document deletes them in the same transaction.
public protocol VectorStorage: VectorGenerationSource {
    /// Chunks of a document that have no vector for `model` yet, in order.
    func chunksToEmbed(documentId: String, model: String) async throws -> [(chunkId: Int64, text: String)]
    /// Stores vectors for `model`; vectors of chunks that no longer exist are dropped.
    func saveVectors(_ vectors: [ChunkVector], model: String) async throws
    /// Every stored vector of the owner's documents for `model`, in chunk-id order.
    func vectors(ownerId: String, model: String) async throws -> [StoredVector]
}

/// A counter per owner that changes whenever the owner's stored vectors change (vectors saved,
/// documents deleted). Every process holding vectors in memory compares it before a search, so
/// several `ai` tasks behind a load balancer never serve a stale index.
public protocol VectorGenerationSource: Sendable {
    func vectorGeneration(ownerId: String) async throws -> Int64
}

/// A stored vector of one chunk, with the owner-visible document it belongs to.
public struct StoredVector: Sendable {
    public var chunkId: Int64
    public var documentId: String
    public var vector: [Float]

    public init(chunkId: Int64, documentId: String, vector: [Float]) {
        self.chunkId = chunkId
        self.documentId = documentId
        self.vector = vector
    }
}

extension VectorIndex {
    /// Refuses (`StorageError.invalid`) a batch holding a vector of another length than the index's,
    /// before anything of it is stored.
    public func requireDimensions(_ vectors: [ChunkVector]) throws {
        if let wrong = vectors.first(where: { $0.vector.count != dimensions }) {
            throw StorageError(.invalid, "A vector of \(wrong.vector.count) numbers cannot join the \(model) index of \(dimensions) dimensions.")
        }
    }
}
