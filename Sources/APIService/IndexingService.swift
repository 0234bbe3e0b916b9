import Embeddings
import Foundation
import Retrieval
import Logging
import NIOPosix
import Retrieval
import ServiceLifecycle
import Storage

/// Embeds every chunk of new documents in the background, batch by batch, recording progress
/// (`document_index`) so a restart resumes where it stopped. A `Service` of the app.
final class IndexingService: Service, Sendable {
    struct Job: Sendable {
        var documentId: String
        var ownerId: String
    }

    private let store: any SearchRepository
    private let search: SearchService
    private let logger: Logger
    private let batchSize: Int
    private let stream: AsyncStream<Job>
    private let continuation: AsyncStream<Job>.Continuation

    init(store: any SearchRepository, search: SearchService, logger: Logger, batchSize: Int = 256) {
        self.store = store
        self.search = search
        self.logger = logger
        self.batchSize = batchSize
        (stream, continuation) = AsyncStream.makeStream(of: Job.self, bufferingPolicy: .bufferingNewest(100_000))
    }

    var model: String { search.embedding?.embedder.modelID ?? "none" }

    func enqueue(documentId: String, ownerId: String) {
        continuation.yield(Job(documentId: documentId, ownerId: ownerId))
    }

    func run() async throws {
        if search.embedding != nil {
            for pending in (try? await store.documentsNeedingIndex(model: model)) ?? [] {
                enqueue(documentId: pending.documentId, ownerId: pending.ownerId)
            }
        }
        for await job in stream.cancelOnGracefulShutdown() {
            await index(job)
        }
    }

    /// Embeds the document's missing chunk vectors and marks it ready.
    func index(_ job: Job) async {
        guard search.embedding != nil, let vectorIndex = search.index else {
            try? await store.setIndexStatus(documentId: job.documentId, IndexStatus(
                status: "unavailable", indexed: 0, total: 0, model: model, error: "no embedding model", updatedAt: .now))
            return
        }
        do {
            let chunks = try await store.chunksToEmbed(documentId: job.documentId, model: model)
            let total = chunks.count
            var done = 0
            try await store.setIndexStatus(documentId: job.documentId, IndexStatus(status: "indexing", indexed: 0, total: total, model: model, updatedAt: .now))
            for start in stride(from: 0, to: chunks.count, by: batchSize) {
                let batch = Array(chunks[start..<min(chunks.count, start + batchSize)])
                let vectors = try await search.embed(batch.map(\.text))
                try await store.saveVectors(zip(batch, vectors).map { ($0.0.chunkId, $0.1) }, model: model)
                done += batch.count
                try await store.setIndexStatus(documentId: job.documentId, IndexStatus(status: "indexing", indexed: done, total: total, model: model, updatedAt: .now))
            }
            try await store.setIndexStatus(documentId: job.documentId, IndexStatus(status: "ready", indexed: done, total: total, model: model, updatedAt: .now))
            await vectorIndex.invalidate(ownerId: job.ownerId)
            logger.info("document indexed", metadata: ["document_id": .string(job.documentId), "chunks": .stringConvertible(total)])
        } catch {
            logger.warning("indexing failed", metadata: ["document_id": .string(job.documentId), "error": "\(error)"])
            try? await store.setIndexStatus(documentId: job.documentId, IndexStatus(
                status: "failed", indexed: 0, total: 0, model: model, error: "\(error)", updatedAt: .now))
        }
    }
}
