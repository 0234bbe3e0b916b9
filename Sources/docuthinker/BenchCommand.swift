import DocuThinkerCore
import APIService
import ArgumentParser
import Embeddings
import Evaluation
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
    @Option(help: "auto, fp32 or bf16.") var precision = "auto"

    func run() async throws {
        let texts = try JSONDecoder().decode([String].self, from: Data(contentsOf: URL(fileURLWithPath: file)))
        let embedder = try MiniLMEmbedder(directory: URL(fileURLWithPath: model), batchSize: batchSize, threads: threads,
                                          precision: MiniLMEmbedder.Precision(rawValue: precision) ?? .auto)
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
            best = min(best, elapsed.seconds)
        }
        let total = tokens.reduce(0, +)
        print(String(format: "docuthinker: %d texts, %d tokens in %.2fs = %.1f texts/s, %.0f tokens/s, %.1f GFLOP/s (cores %d, batch %d, %@)",
                     texts.count, total, best, Double(texts.count) / best, Double(total) / best, flops / best / 1e9,
                     embedder.parallelism, batchSize, embedder.usesBFloat16 ? "bf16" : "fp32"))
    }
}

/// `docuthinker bench-search TEXTS.json QUERIES.json --sizes 10000,100000`: search latency.
struct BenchSearchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-search", abstract: "Measure keyword, vector and hybrid query latency (p50/p99).")

    @Argument(help: "A JSON array of chunk texts (real text; embedded once, then grown to each size).") var texts: String
    @Argument(help: "A JSON array of query strings.") var queries: String
    @Option(help: "Corpus sizes in chunks.") var sizes = "10000,100000"
    @Option(help: "Embedding model directory.") var model = "models/all-MiniLM-L6-v2"
    @Option(help: "Write each size's vectors (float32, row-major) to PREFIX-SIZE.f32 and the query vectors to PREFIX-queries.f32.")
    var vectorsPrefix: String?
    @Option(help: "Measure PostgreSQL + pgvector (postgres://…) instead of the embedded SQLite store; a user of its own is added to that database.")
    var databaseURL: String?

    func run() async throws {
        let textList = try JSONDecoder().decode([String].self, from: Data(contentsOf: URL(fileURLWithPath: texts)))
        let queryList = try JSONDecoder().decode([String].self, from: Data(contentsOf: URL(fileURLWithPath: queries)))
        let embedder = try MiniLMEmbedder(directory: URL(fileURLWithPath: model))
        let start = ContinuousClock.now
        let vectors = embedder.embedSynchronously(textList)
        let queryVectors = embedder.embedSynchronously(queryList)
        print("embedded \(textList.count) texts and \(queryList.count) queries in \(ContinuousClock.now - start)")
        if let vectorsPrefix {
            var data = Data()
            for vector in queryVectors { vector.withUnsafeBufferPointer { data.append(Data(buffer: $0)) } }
            try data.write(to: URL(fileURLWithPath: "\(vectorsPrefix)-queries.f32"))
        }
        print("| chunks | mode | p50 ms | p99 ms | mean ms |")
        print("|--:|---|--:|--:|--:|")
        for size in sizes.split(separator: ",").compactMap({ Int($0) }) {
            let rows = try await SearchBenchmark.run(
                texts: textList, vectors: vectors, queries: queryList, queryVectors: queryVectors, size: size,
                vectorsOut: vectorsPrefix.map { "\($0)-\(size).f32" }, embedder: embedder, databaseURL: databaseURL)
            for row in rows {
                if row.mode.hasPrefix("ingest") || row.mode.hasPrefix("HNSW index build") {
                    print("| \(row.size) | \(row.mode) | | | \(String(format: "%.0f", row.mean)) ms total |")
                } else {
                    print("| \(row.size) | \(row.mode) | " + String(format: "%.2f | %.2f | %.2f |", row.p50, row.p99, row.mean))
                }
            }
        }
    }
}

/// `docuthinker bench-cache --manuals bench/manuals`: the query cache on a repeated-question workload.
struct BenchCacheCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-cache", abstract: "Measure the query cache (hit ratio, latency with and without, in process and in Redis).")

    @Option(help: "A question set directory (questions.jsonl, as bench/manuals).") var manuals = "bench/manuals"
    @Option(help: "Directory holding the files the questions name.") var manualDocuments = "test-data/manuals"
    @Option(help: "Searches to run (questions drawn Zipf-distributed, so they repeat as people's do).") var requests = 600
    @Option(help: "Embedding model directory.") var model = "models/all-MiniLM-L6-v2"
    @Option(help: "Also measure a Redis cache (redis://…; the database is flushed).") var redisURL: String?
    @Option(help: "Build the library in this PostgreSQL database instead of a temporary SQLite store.") var databaseURL: String?

    func run() async throws {
        let lines = try String(contentsOfFile: manuals + "/questions.jsonl", encoding: .utf8).split(separator: "\n")
        let items = lines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        let questions = items.compactMap { $0["question"] as? String }
        let files = Array(Set(items.compactMap { $0["file"] as? String })).sorted()
        let configuration = AppConfiguration(reader: try await AppConfiguration.standardReader())
        let rows = try await CacheBenchmark.run(
            files: files, documentsDirectory: manualDocuments, questions: questions, requests: requests, modelDirectory: model,
            ingestor: makeIngestor(configuration: configuration), redisURL: redisURL, databaseURL: databaseURL)
        print("\(questions.count) distinct questions, \(requests) hybrid searches over \(files.count) manuals")
        print("| setup | requests | hit ratio | p50 ms | p95 ms | mean ms |")
        print("|---|--:|--:|--:|--:|--:|")
        for row in rows {
            print("| \(row.setup) | \(row.requests) | \(row.hitRatio.map { String(format: "%.1f%%", $0 * 100) } ?? "") | "
                  + String(format: "%.3f | %.3f | %.3f |", row.p50, row.p95, row.mean))
        }
    }
}
