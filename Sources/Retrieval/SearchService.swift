import Crypto
import Embeddings
public import DocuThinkerCore
import Foundation
import NIOPosix
public import Storage
import Tracing

/// How a search ranks: BM25 keywords, vector similarity, or both fused.
public enum SearchMode: String, Codable, Sendable { case hybrid, keyword, semantic }

/// Keyword, semantic and hybrid search over the caller's chunks, for every edge. Semantic search
/// needs the embedding model; without it, `semantic` fails with `embeddings_unavailable` and
/// `hybrid` falls back to keyword.
public struct SearchService: Sendable {
    public typealias Mode = SearchMode

    public let store: any SearchRepository
    public let index: (any VectorIndex)?
    public let embedding: ChunkEmbedding?
    /// Candidates taken from each side before fusion.
    public var depth = 50
    public var keywordWeight = 0.5
    /// Where query embeddings are kept (a repeated question is not embedded again): the
    /// embedding is a function of the model and the text alone, so an entry is never stale.
    public var queryCache: (any Cache)?
    /// How long a query embedding stays cached.
    public var queryCacheTTL: Duration = .seconds(86_400)
    /// Re-ranks hybrid search's fused candidates before the best `limit` are taken (graph-augmented
    /// retrieval when `DOCUTHINKER_GRAPH_RETRIEVAL` turns it on): (chunk id, score) pairs in, best first out.
    public var hybridRerank: (@Sendable (_ ownerId: String, _ query: String, _ documentIds: [String]?,
                                         _ fused: [(chunkId: Int64, score: Double)]) async throws -> [(chunkId: Int64, score: Double)])?

    public init(store: any SearchRepository, index: (any VectorIndex)?, embedding: ChunkEmbedding?) {
        self.store = store
        self.index = index
        self.embedding = embedding
    }

    /// The `limit` best chunks of the owner for `query` (only in `documentIds` when given), in a
    /// `retrieval` span (mode, limit, how many were found; never the query).
    public func search(ownerId: String, query: String, mode: Mode, documentIds: [String]?, limit: Int) async throws -> [ChunkHit] {
        try await withSpan("retrieval \(mode.rawValue)") { span in
            span.attributes["docuthinker.retrieval.mode"] = mode.rawValue
            span.attributes["docuthinker.retrieval.limit"] = limit
            let hits = try await rank(ownerId: ownerId, query: query, mode: mode, documentIds: documentIds, limit: limit)
            span.attributes["docuthinker.retrieval.results"] = hits.count
            return hits
        }
    }

    private func rank(ownerId: String, query: String, mode: Mode, documentIds: [String]?, limit: Int) async throws -> [ChunkHit] {
        switch mode {
        case .keyword:
            return try await keywordSearch(ownerId: ownerId, query: query, documentIds: documentIds, limit: limit)
        case .semantic:
            guard index != nil, embedding != nil else { throw Self.unavailable }
            let hits: [VectorHit]
            do {
                hits = try await semantic(ownerId: ownerId, query: query, documentIds: documentIds, limit: limit)
            } catch let error as StorageError where error.code == .unavailable {
                throw DomainError(.unavailable, code: "vector_store_unavailable", message: error.message)
            }
            return try await details(hits.map { ($0.chunkId, Double($0.score)) }, ownerId: ownerId)
        case .hybrid:
            let keyword = try await keywordSearch(ownerId: ownerId, query: query, documentIds: documentIds, limit: depth)
            guard index != nil, embedding != nil else { return Array(keyword.prefix(limit)) }
            let vector: [VectorHit]
            do {
                vector = try await semantic(ownerId: ownerId, query: query, documentIds: documentIds, limit: depth)
            } catch let error as StorageError where error.code == .unavailable {
                // The vector store (Chroma) is down: keyword results still answer.
                return Array(keyword.prefix(limit))
            }
            var fused = HybridFusion.fuse(
                keyword: keyword.map { .init(chunkId: $0.chunkId, score: $0.score) },
                vector: vector.map { .init(chunkId: $0.chunkId, score: Double($0.score)) }, keywordWeight: keywordWeight)
            if let hybridRerank { fused = try await hybridRerank(ownerId, query, documentIds, fused) }
            return try await details(Array(fused.prefix(limit)).map { ($0.chunkId, $0.score) }, ownerId: ownerId)
        }
    }

    /// Embeds texts off the cooperative pool.
    public func embed(_ texts: [String]) async throws -> [[Float]] {
        guard let embedding else { throw Self.unavailable }
        let started = ContinuousClock.now
        let vectors = try await NIOThreadPool.singleton.runIfActive { embedding.embed(texts) }
        ProductMetrics.embedded(texts.count, purpose: "query", duration: .now - started)
        return vectors
    }

    private func semantic(ownerId: String, query: String, documentIds: [String]?, limit: Int) async throws -> [VectorHit] {
        guard let index else { throw Self.unavailable }
        let vector = try await queryEmbedding(query)
        return try await withSpan("vector search", ofKind: .client) { span in
            span.attributes["docuthinker.retrieval.limit"] = limit
            return try await index.search(owner: ownerId, query: vector, k: limit, documents: documentIds.map(Set.init))
        }
    }

    /// The keyword store's ranking, as a client span of the store call.
    private func keywordSearch(ownerId: String, query: String, documentIds: [String]?, limit: Int) async throws -> [ChunkHit] {
        try await withSpan("keyword search", ofKind: .client) { span in
            span.attributes["docuthinker.retrieval.limit"] = limit
            return try await store.keywordSearch(ownerId: ownerId, query: query, documentIds: documentIds, limit: limit)
        }
    }

    /// The query's embedding, from `queryCache` when it holds it.
    public func queryEmbedding(_ query: String) async throws -> [Float] {
        guard let queryCache, let embedding else { return try await embed([query])[0] }
        let digest = SHA256.hash(data: Data(query.utf8)).hexString
        let key = "qe:\(embedding.embedder.modelID):\(digest)"
        if let data = await queryCache.value(forKey: key), data.count == embedding.embedder.dimensions * 4 {
            ProductMetrics.cacheLookup("query_embedding", hit: true)
            return data.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
        }
        ProductMetrics.cacheLookup("query_embedding", hit: false)
        let vector = try await embed([query])[0]
        await queryCache.set(vector.withUnsafeBufferPointer { Data(buffer: $0) }, forKey: key, ttl: queryCacheTTL)
        return vector
    }

    private func details(_ ranked: [(Int64, Double)], ownerId: String) async throws -> [ChunkHit] {
        let found = Dictionary(uniqueKeysWithValues: try await store.chunks(ids: ranked.map(\.0), ownerId: ownerId).map { ($0.chunkId, $0) })
        return ranked.compactMap { id, score in found[id].map { var hit = $0; hit.score = score; return hit } }
    }

    /// Semantic search without the embedding model.
    public static let unavailable = DomainError(
        .unavailable, code: "embeddings_unavailable",
        message: "Semantic search needs the embedding model; run scripts/bootstrap or set DOCUTHINKER_EMBEDDING_MODEL_DIR.")
}
