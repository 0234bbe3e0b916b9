import StoreEngines
import DocuThinkerCore
import Embeddings
import Foundation
import Retrieval
import Storage
import StoragePostgres

/// Query latency of keyword, vector and hybrid search over a corpus grown to `size` chunks from
/// real texts and vectors: copies get a small deterministic perturbation (re-normalised) so no two
/// vectors are equal. Also writes the vectors it used, so another engine can be measured on
/// exactly the same data. On SQLite (default): FTS5 BM25 and the exact in-memory index; with
/// `databaseURL`: PostgreSQL's tsvector search and pgvector (exact up to the index's exact limit,
/// HNSW above it), plus HNSW recall@10 against exact search. `ingest` reports the store's write
/// rate (chunks with text, keyword index and vectors per second).
public enum SearchBenchmark {
    public struct Row: Sendable {
        public var size: Int
        public var mode: String
        public var p50: Double
        public var p99: Double
        public var mean: Double
    }

    public static func run(texts: [String], vectors: [[Float]], queries: [String], queryVectors: [[Float]],
                           size: Int, vectorsOut: String?, embedder: MiniLMEmbedder?, databaseURL: String? = nil) async throws -> [Row] {
        let directory = NSTemporaryDirectory() + "dt-bench-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let stores = try await StoreFactory.openMigrated(StoreConfiguration(dataDirectory: directory, databaseURL: databaseURL))
        let store = stores.database
        let owner = "bench-" + UUID().uuidString
        try await store.createUser(UserRecord(id: owner, email: owner + "@example.com", passwordHash: "-", createdAt: .now))
        let index = stores.databaseVectorIndex?("bench", 384) ?? MatrixVectorIndex(storage: store, model: "bench", dimensions: 384)
        // Ingest as a library under the exact limit does: without the HNSW index (built below, timed).
        try await (index as? PgVectorIndex)?.dropIndex()
        let ingestStart = ContinuousClock.now
        var generator = SplitMix(seed: 42)
        var written = Data()
        let perDocument = 1_000
        var made = 0
        var document = 0
        while made < size {
            let count = min(perDocument, size - made)
            let id = "\(owner)-doc-\(document)"
            let record = DocumentRecord(id: id, ownerId: owner, title: id, filename: nil, format: .text, status: .ready, pageCount: 1,
                                        sizeBytes: 0, sha256: "", characters: 0, author: nil, quality: nil, objectKey: id,
                                        createdAt: .now, updatedAt: .now)
            let chunks = (0..<count).map { k in
                ChunkRecord(ordinal: k, page: 1, pageEnd: 1, start: 0, end: 0, wordCount: 0, text: texts[(made + k) % texts.count])
            }
            try await store.insertDocument(record, content: .init(text: "", pages: [], blocks: []), chunks: chunks)
            let pending = try await store.chunksToEmbed(documentId: id, model: "bench")
            var batch: [ChunkVector] = []
            for (k, chunk) in pending.enumerated() {
                let index = made + k
                var vector = vectors[index % vectors.count]
                if index >= vectors.count {
                    for d in vector.indices { vector[d] += Float(generator.nextGaussian()) * 0.02 }
                    let norm = vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
                    for d in vector.indices { vector[d] /= norm }
                }
                vector.withUnsafeBufferPointer { written.append(Data(buffer: $0)) }
                batch.append(ChunkVector(chunkId: chunk.chunkId, vector: vector))
            }
            try await index.save(batch, documentId: id, owner: owner)
            made += count
            document += 1
        }
        let ingestSeconds = (ContinuousClock.now - ingestStart).seconds
        if let vectorsOut { try written.write(to: URL(fileURLWithPath: vectorsOut)) }
        _ = try await index.search(owner: owner, query: queryVectors[0], k: 10, documents: nil)  // load
        var rows: [Row] = [Row(size: size, mode: "ingest: \(Int(Double(size) / ingestSeconds)) chunks/s (text, keyword index, vector)",
                               p50: 0, p99: 0, mean: ingestSeconds * 1000)]
        if let pg = index as? PgVectorIndex {
            // The HNSW index is built when a library first needs it; here at once, timed, before measuring.
            let started = ContinuousClock.now
            try await pg.buildIndex()
            rows.append(Row(size: size, mode: "HNSW index build (CREATE INDEX CONCURRENTLY over every vector in the database)",
                            p50: 0, p99: 0, mean: (ContinuousClock.now - started).seconds * 1000))
        }
        let engine = databaseURL == nil ? "FTS5 BM25" : "PostgreSQL tsvector"
        func measure(_ mode: String, _ body: (Int) async throws -> Void) async rethrows {
            var times: [Double] = []
            for (k, _) in queries.enumerated() {
                let start = ContinuousClock.now
                try await body(k)
                let elapsed = ContinuousClock.now - start
                times.append(elapsed.seconds * 1000)
            }
            times.sort()
            rows.append(Row(size: size, mode: mode, p50: times[times.count / 2], p99: times[min(times.count - 1, times.count * 99 / 100)],
                            mean: times.reduce(0, +) / Double(times.count)))
        }
        try await measure("keyword (\(engine))") { k in
            _ = try await store.keywordSearch(ownerId: owner, query: queries[k], documentIds: nil, limit: 10)
        }
        let vectorMode = databaseURL == nil ? "exact, in memory" : (index as? PgVectorIndex).map { size > $0.exactLimit ? "pgvector HNSW, ef_search \($0.efSearch)" : "pgvector exact" } ?? "?"
        try await measure("vector (\(vectorMode), query vector given)") { k in
            _ = try await index.search(owner: owner, query: queryVectors[k], k: 10, documents: nil)
        }
        if let embedder {
            let search = SearchService(store: store, index: index, embedding: ChunkEmbedding(embedder: embedder))
            try await measure("hybrid (incl. embedding the query)") { k in
                _ = try await search.search(ownerId: owner, query: queries[k], mode: .hybrid, documentIds: nil, limit: 10)
            }
        }
        if let pg = index as? PgVectorIndex, let postgres = store as? PostgresStore {
            // HNSW against exact search on the same vectors: recall@10 over every query.
            let exact = PgVectorIndex(store: postgres, model: "bench", dimensions: 384, exactLimit: .max)
            try await measure("vector (pgvector exact, for comparison)") { k in
                _ = try await exact.search(owner: owner, query: queryVectors[k], k: 10, documents: nil)
            }
            var truths: [Set<Int64>] = []
            for vector in queryVectors { truths.append(Set(try await exact.search(owner: owner, query: vector, k: 10, documents: nil).map(\.chunkId))) }
            for ef in Array(Set([pg.efSearch, 400])).sorted() {
                let approximate = PgVectorIndex(store: postgres, model: "bench", dimensions: 384, efSearch: ef, exactLimit: 0)
                var found = 0
                for (vector, truth) in zip(queryVectors, truths) {
                    found += try await approximate.search(owner: owner, query: vector, k: 10, documents: nil).filter { truth.contains($0.chunkId) }.count
                }
                let recall = Double(found) / Double(max(1, truths.map(\.count).reduce(0, +)))
                try await measure("vector (pgvector HNSW, ef_search \(ef)); recall@10 vs exact \(String(format: "%.3f", recall))") { k in
                    _ = try await approximate.search(owner: owner, query: queryVectors[k], k: 10, documents: nil)
                }
            }
        }
        return rows
    }
}

/// A small deterministic random source (SplitMix64) for reproducible perturbations.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E3779B97F4A7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
        z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
        return z ^ (z >> 31)
    }

    mutating func nextGaussian() -> Double {
        let u1 = max(Double(next() >> 11) / Double(1 << 53), 1e-12), u2 = Double(next() >> 11) / Double(1 << 53)
        return (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
    }
}
