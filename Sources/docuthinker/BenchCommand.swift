import ArgumentParser
import Embeddings
import Foundation

/// `docuthinker bench-embed FILE.json`: embedding throughput on a JSON array of texts.
struct BenchEmbedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-embed", abstract: "Measure embedding throughput (chunks/s, tokens/s, GFLOP/s).")

    @Argument(help: "A JSON array of texts.") var file: String
    @Option(help: "Embedding model directory.") var model = "models/all-MiniLM-L6-v2"
    @Option(help: "Cores to use (0: all).") var threads = 0
    @Option(help: "Batch size.") var batchSize = 8
    @Option(help: "Timed repetitions (the best is kept).") var repeats = 2

    func run() async throws {
        let texts = try JSONDecoder().decode([String].self, from: Data(contentsOf: URL(fileURLWithPath: file)))
        let embedder = try MiniLMEmbedder(directory: URL(fileURLWithPath: model), batchSize: batchSize, threads: threads)
        let tokens = texts.map { embedder.tokenIDs($0).count }
        // FLOPs of the encoder: per layer 4 projections, 2 FFN products and QKᵀ, PV per token.
        let flops = tokens.reduce(0.0) { total, t in
            let n = Double(t)
            return total + 6 * (2 * n * 384 * 384 * 4 + 2 * n * 384 * 1536 * 2 + 2 * n * n * 384 * 2)
        }
        _ = embedder.embedSynchronously(Array(texts.prefix(8)))
        var best = Double.infinity
        for _ in 0..<max(1, repeats) {
            let start = ContinuousClock.now
            _ = embedder.embedSynchronously(texts)
            let elapsed = ContinuousClock.now - start
            best = min(best, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
        }
        let total = tokens.reduce(0, +)
        print(String(format: "docuthinker: %d texts, %d tokens in %.2fs = %.1f texts/s, %.0f tokens/s, %.1f GFLOP/s (cores %d, batch %d)",
                     texts.count, total, best, Double(texts.count) / best, Double(total) / best, flops / best / 1e9,
                     embedder.parallelism, batchSize))
    }
}
