import Foundation
import Logging
import PostgresNIO
public import Storage

/// Nearest-neighbour search in PostgreSQL with pgvector: the vectors never leave the database.
/// A search over few vectors (at most `exactLimit` of the owner's, or any search restricted to
/// documents) is exact (`ORDER BY embedding <=> query`); a larger one walks the model's HNSW
/// index (cosine) with `hnsw.ef_search = efSearch`, filtered by owner, and falls back to the
/// exact search when the filter leaves fewer than `k` hits.
///
/// The HNSW index is built only once a library needs it: maintaining it costs every insert
/// (10,000 vectors went in 0.45 s without it and 24.6 s with it here), and most libraries stay
/// under the exact limit. The first search over the limit starts `CREATE INDEX CONCURRENTLY` in
/// the background (one process builds, under an advisory lock, while writes go on) and is
/// answered exactly until the index is valid.
public struct PgVectorIndex: VectorIndex {
    public let model: String
    public let dimensions: Int
    private let store: PostgresStore
    /// `hnsw.ef_search` for the approximate path (pgvector's default is 40).
    public let efSearch: Int
    /// Owners with at most this many vectors are searched exactly.
    public let exactLimit: Int
    private let preparation: IndexPreparation

    public init(store: PostgresStore, model: String, dimensions: Int, efSearch: Int = 400, exactLimit: Int = 100_000) {
        self.store = store
        self.model = model
        self.dimensions = dimensions
        self.efSearch = max(1, min(1_000, efSearch))
        self.exactLimit = max(0, exactLimit)
        preparation = IndexPreparation()
    }

    public func chunksToEmbed(documentId: String) async throws -> [(chunkId: Int64, text: String)] {
        try await store.chunksToEmbed(documentId: documentId, model: model)
    }

    public func save(_ vectors: [ChunkVector], documentId: String, owner: String) async throws {
        try requireDimensions(vectors)
        try await store.storeVectors(vectors, model: model)
    }

    public func search(owner: String, query: [Float], k: Int, documents: Set<String>?) async throws -> [VectorHit] {
        guard query.count == dimensions, k > 0 else { return [] }
        if let documents, documents.isEmpty { return [] }
        let vector = PostgresStore.vectorText(query)
        if documents == nil, try await ownerVectorCount(owner) > exactLimit {
            if try await indexIsValid() {
                let hits = try await approximate(owner: owner, vector: vector, k: k)
                if hits.count >= k { return hits }
            } else if await preparation.startBuild() {
                let index = self
                Task {
                    do { try await index.buildIndex() } catch { index.store.logger.error("HNSW index build failed", metadata: ["error": "\(error)"]) }
                    await index.preparation.buildEnded()
                }
            }
        }
        let filter = documents.map { Array($0) }
        return try await store.rows("""
            SELECT chunk_id, document_id, 1 - (embedding <=> \(vector)::vector) FROM chunk_vectors
            WHERE model = \(model) AND owner_id = \(owner) AND (\(filter == nil) OR document_id = ANY(\(filter ?? [])))
            ORDER BY embedding <=> \(vector)::vector, chunk_id LIMIT \(k)
            """).map(Self.hit)
    }

    public func remove(documentId: String, owner: String) async throws {
        try await store.execute("DELETE FROM chunk_vectors WHERE document_id = \(documentId) AND owner_id = \(owner) AND model = \(model)")
    }

    /// How many vectors of this model the owner has: counted again only when the owner's vector
    /// generation moved (any process's save or delete moves it), so a search costs a key lookup.
    private func ownerVectorCount(_ owner: String) async throws -> Int {
        let generation = try await store.vectorGeneration(ownerId: owner)
        if let known = await preparation.count(owner: owner, generation: generation) { return known }
        let count: Int = try await store.rows("SELECT count(*) FROM chunk_vectors WHERE model = \(model) AND owner_id = \(owner)")
            .first?.get(0) ?? 0
        await preparation.remember(count: count, owner: owner, generation: generation)
        return count
    }

    /// The HNSW walk: `ef_search` is set for this transaction only.
    private func approximate(owner: String, vector: String, k: Int) async throws -> [VectorHit] {
        let cast = "vector(\(dimensions))"
        let ef = max(efSearch, k)
        // The model as a literal, so the planner matches the partial index's predicate.
        let modelLiteral = Self.literal(model)
        let hits = try await store.transaction { connection in
            try await connection.execute("SET LOCAL hnsw.ef_search = \(unescaped: String(ef))", logger: store.logger)
            return try await connection.rows("""
                SELECT chunk_id, document_id, 1 - ((embedding::\(unescaped: cast)) <=> \(vector)::\(unescaped: cast)) FROM chunk_vectors
                WHERE model = \(unescaped: modelLiteral) AND owner_id = \(owner)
                ORDER BY (embedding::\(unescaped: cast)) <=> \(vector)::\(unescaped: cast) LIMIT \(k)
                """, logger: store.logger).map(Self.hit)
        }
        return hits.sorted { ($0.score, $1.chunkId) > ($1.score, $0.chunkId) }
    }

    /// A SQL string literal (quotes doubled).
    private static func literal(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
    }

    private static func hit(_ row: PostgresRandomAccessRow) throws -> VectorHit {
        VectorHit(chunkId: try row.get(0), documentId: try row.get(1), score: Float(try row.get(2, as: Double.self)))
    }

    /// The model's HNSW index: a partial expression index (`embedding::vector(D)` where the
    /// model matches), named by model and dimensions.
    var indexName: String {
        let digest = model.utf8.reduce(UInt64(14_695_981_039_346_656_037)) { ($0 ^ UInt64($1)) &* 1_099_511_628_211 }
        return "chunk_vectors_hnsw_\(String(digest, radix: 16))_\(dimensions)"
    }

    /// Whether the HNSW index exists and may be used (a concurrent build makes it valid at its end).
    func indexIsValid() async throws -> Bool {
        if await preparation.valid { return true }
        let valid = try await store.rows("""
            SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = \(indexName)
            """).first?.get(0, as: Bool.self) ?? false
        if valid { await preparation.markValid() }
        return valid
    }

    /// Builds the HNSW index now, without blocking writes (`CREATE INDEX CONCURRENTLY`), unless
    /// another process is building it (then this returns at once). A failed earlier build leaves
    /// an invalid index behind: it is dropped and built again. Returns whether the index is valid.
    @discardableResult
    public func buildIndex() async throws -> Bool {
        let name = indexName, logger = store.logger
        let key = Int64(bitPattern: model.utf8.reduce(UInt64(dimensions)) { ($0 ^ UInt64($1)) &* 1_099_511_628_211 })
        try await store.mapErrors {
            try await store.client.withConnection { connection in
                guard try await connection.rows("SELECT pg_try_advisory_lock(\(key))", logger: logger).first?.get(0, as: Bool.self) == true else {
                    return
                }
                do {
                    let state = try await connection.rows("""
                        SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = \(name)
                        """, logger: logger).first?.get(0, as: Bool.self)
                    if state == false {
                        try await connection.execute(PostgresQuery(unsafeSQL: "DROP INDEX CONCURRENTLY IF EXISTS \(name)"), logger: logger)
                    }
                    if state != true {
                        logger.info("building the HNSW index", metadata: ["index": .string(name)])
                        try await connection.execute(PostgresQuery(unsafeSQL: """
                            CREATE INDEX CONCURRENTLY IF NOT EXISTS \(name) ON chunk_vectors
                            USING hnsw ((embedding::vector(\(dimensions))) vector_cosine_ops) WHERE model = \(Self.literal(model))
                            """), logger: logger)
                    }
                } catch {
                    _ = try? await connection.rows("SELECT pg_advisory_unlock(\(key))", logger: logger)
                    throw error
                }
                _ = try await connection.rows("SELECT pg_advisory_unlock(\(key))", logger: logger)
            }
        }
        return try await indexIsValid()
    }
}

extension PgVectorIndex {
    /// Drops the model's HNSW index (maintenance and benchmarks: bulk loads go faster without
    /// it); the next search over the exact limit builds it again.
    public func dropIndex() async throws {
        try await store.execute(PostgresQuery(unsafeSQL: "DROP INDEX IF EXISTS \(indexName)"))
        await preparation.markInvalid()
    }
}

/// Whether this process knows the model's HNSW index to be valid or is building it, and the
/// owners' vector counts by generation.
private actor IndexPreparation {
    private(set) var valid = false
    private var building = false
    private var counts: [String: (generation: Int64, count: Int)] = [:]

    func markValid() { valid = true }
    func markInvalid() { valid = false }

    /// True for the one caller that should start a build.
    func startBuild() -> Bool {
        guard !building, !valid else { return false }
        building = true
        return true
    }

    func buildEnded() { building = false }

    func count(owner: String, generation: Int64) -> Int? {
        counts[owner].flatMap { $0.generation == generation ? $0.count : nil }
    }

    func remember(count: Int, owner: String, generation: Int64) {
        if counts.count > 10_000 { counts.removeAll() }
        counts[owner] = (generation, count)
    }
}
