import StoreEngines
import DocuThinkerCore
import Embeddings
import Foundation
import Retrieval
import Storage

/// Query latency of keyword (FTS5 BM25), vector (exact, in memory) and hybrid search over a
/// corpus grown to `size` chunks from real texts and vectors: copies get a small deterministic
/// perturbation (re-normalised) so no two vectors are equal. Also writes the vectors it used, so
/// another engine can be measured on exactly the same data.
public enum SearchBenchmark {
    public struct Row: Sendable {
        public var size: Int
        public var mode: String
        public var p50: Double
        public var p99: Double
        public var mean: Double
    }

    public static func run(texts: [String], vectors: [[Float]], queries: [String], queryVectors: [[Float]],
                           size: Int, vectorsOut: String?, embedder: MiniLMEmbedder?) async throws -> [Row] {
        let directory = NSTemporaryDirectory() + "dt-bench-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try await StoreFactory.openMigrated(StoreConfiguration(dataDirectory: directory)).database
        try await store.createUser(UserRecord(id: "bench", email: "bench@example.com", passwordHash: "-", createdAt: .now))
        var generator = SplitMix(seed: 42)
        var written = Data()
        let perDocument = 1_000
        var made = 0
        var document = 0
        while made < size {
            let count = min(perDocument, size - made)
            let id = "doc-\(document)"
            let record = DocumentRecord(id: id, ownerId: "bench", title: id, filename: nil, format: .text, status: .ready, pageCount: 1,
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
            try await store.saveVectors(batch, model: "bench")
            made += count
            document += 1
        }
        if let vectorsOut { try written.write(to: URL(fileURLWithPath: vectorsOut)) }
        let index = MatrixVectorIndex(storage: store, model: "bench", dimensions: 384)
        _ = try await index.search(owner: "bench", query: queryVectors[0], k: 10, documents: nil)  // load
        var rows: [Row] = []
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
        try await measure("keyword (FTS5 BM25)") { k in
            _ = try await store.keywordSearch(ownerId: "bench", query: queries[k], documentIds: nil, limit: 10)
        }
        try await measure("vector (exact, query vector given)") { k in
            _ = try await index.search(owner: "bench", query: queryVectors[k], k: 10, documents: nil)
        }
        if let embedder {
            let search = SearchService(store: store, index: index, embedding: ChunkEmbedding(embedder: embedder))
            try await measure("hybrid (incl. embedding the query)") { k in
                _ = try await search.search(ownerId: "bench", query: queries[k], mode: .hybrid, documentIds: nil, limit: 10)
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
