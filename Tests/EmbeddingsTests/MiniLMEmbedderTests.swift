import Embeddings
import Foundation
import Testing

/// Checks the native embedder against vectors computed once by sentence-transformers
/// (scripts/fixtures/make_reference_vectors.py). The model comes from scripts/fetch-model.
@Suite("Native all-MiniLM-L6-v2")
struct MiniLMEmbedderTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static var modelDirectory: URL {
        ProcessInfo.processInfo.environment["DOCUTHINKER_EMBEDDING_MODEL_DIR"].map { URL(fileURLWithPath: $0) }
            ?? root.appendingPathComponent("models/all-MiniLM-L6-v2")
    }

    struct Reference: Decodable {
        struct Item: Decodable {
            var text: String
            var tokens: Int
            var vector: [Float]
        }
        var items: [Item]
    }

    static func embedder(batchSize: Int = 8, precision: MiniLMEmbedder.Precision = .auto) throws -> MiniLMEmbedder {
        try MiniLMEmbedder(directory: modelDirectory, batchSize: batchSize, precision: precision)
    }

    static func reference() throws -> Reference {
        let url = root.appendingPathComponent("Tests/Fixtures/embeddings/reference.json")
        return try JSONDecoder().decode(Reference.self, from: Data(contentsOf: url))
    }

    /// Both number formats (bfloat16 runs only where the CPU has AVX512-BF16; elsewhere `bf16`
    /// falls back to float32 and this checks that path twice).
    @Test(arguments: [MiniLMEmbedder.Precision.float32, .bfloat16])
    func matchesSentenceTransformers(precision: MiniLMEmbedder.Precision) throws {
        let reference = try Self.reference()
        let embedder = try Self.embedder(precision: precision)
        if precision == .float32 { #expect(!embedder.usesBFloat16) }
        let vectors = embedder.embedSynchronously(reference.items.map(\.text))
        for (item, vector) in zip(reference.items, vectors) {
            #expect(vector.count == 384)
            let cosine = zip(item.vector, vector).reduce(Float(0)) { $0 + $1.0 * $1.1 }
            #expect(cosine >= 0.999, "cosine \(cosine) for \(item.text.prefix(40))")
            #expect(embedder.tokenIDs(item.text).count == min(item.tokens, 256), "token count for \(item.text.prefix(40))")
        }
    }

    @Test(arguments: [MiniLMEmbedder.Precision.float32, .bfloat16])
    func batchingAndPaddingDoNotChangeVectors(precision: MiniLMEmbedder.Precision) throws {
        let texts = try Self.reference().items.map(\.text)
        let single = try Self.embedder(batchSize: 1, precision: precision).embedSynchronously(texts)
        let batched = try Self.embedder(batchSize: 16, precision: precision).embedSynchronously(texts)
        for (a, b) in zip(single, batched) {
            let cosine = zip(a, b).reduce(Float(0)) { $0 + $1.0 * $1.1 }
            #expect(cosine > 0.99999)
        }
    }

    /// A run shared by threads the caller picks gives the same vectors as `embedSynchronously`;
    /// a run told to stop leaves no partial result.
    @Test func runsSharedByOwnThreadsMatchAndStopWithoutAPartialResult() throws {
        let embedder = try Self.embedder(batchSize: 2)
        let texts = try Self.reference().items.map(\.text)
        let expected = embedder.embedSynchronously(texts)
        let run = embedder.makeRun(tokenized: texts.map(embedder.tokenIDs))
        #expect(run.batchCount == (texts.count + 1) / 2)
        let threads = (0..<3).map { _ in Thread { run.work() } }
        threads.forEach { $0.start() }
        while threads.contains(where: { !$0.isFinished }) { usleep(1_000) }
        let shared = try #require(run.vectors())
        #expect(shared.count == expected.count)
        for (a, b) in zip(shared, expected) {
            #expect(zip(a, b).reduce(Float(0)) { $0 + $1.0 * $1.1 } > 0.99999)
        }

        let stopped = embedder.makeRun(tokenized: texts.map(embedder.tokenIDs))
        let asked = Counter()
        stopped.work(shouldStop: { asked.increment() > 1 })  // into the first batch, then stop
        #expect(stopped.vectors() == nil, "an unfinished run has no vectors")

        // A stop is seen inside a batch (before each encoder layer), not only between batches:
        // a run of a single batch told to stop after its start has no vectors.
        let single = embedder.makeRun(tokenized: texts.prefix(2).map(embedder.tokenIDs))
        #expect(single.batchCount == 1)
        let asks = Counter()
        single.work(shouldStop: { asks.increment() > 1 })
        #expect(single.vectors() == nil && asks.increment() == 3, "stopped at the first layer of its only batch")
        #expect(embedder.embedSynchronously(tokenized: texts.map(embedder.tokenIDs), shouldStop: { true }).isEmpty)
    }

    @Test func similarTextsAreCloser() throws {
        let vectors = try Self.embedder().embedSynchronously([
            "How do I change my password?", "Steps to reset a forgotten password", "The recipe needs two eggs and flour.",
        ])
        let related = zip(vectors[0], vectors[1]).reduce(Float(0)) { $0 + $1.0 * $1.1 }
        let unrelated = zip(vectors[0], vectors[2]).reduce(Float(0)) { $0 + $1.0 * $1.1 }
        #expect(related > unrelated + 0.3)
    }

    @Test func missingModelIsAClearError() {
        #expect(throws: EmbeddingError.self) { try MiniLMEmbedder(directory: URL(fileURLWithPath: "/nonexistent")) }
        do {
            _ = try MiniLMEmbedder(directory: URL(fileURLWithPath: "/nonexistent"))
        } catch let error as EmbeddingError {
            #expect(error.code == .modelMissing && error.message.contains("scripts/bootstrap"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }
}

/// A thread-safe count of calls.
private final class Counter: @unchecked Sendable {
    // @unchecked: `value` is only touched under `lock`.
    private var value = 0
    private let lock = NSLock()

    /// Adds one and returns the new count.
    func increment() -> Int {
        lock.lock()
        defer { lock.unlock() }
        value += 1
        return value
    }
}
