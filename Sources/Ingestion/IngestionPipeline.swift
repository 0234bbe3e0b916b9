public import Analysis
import DocuThinkerCore
import Extraction
import Foundation
public import Logging
public import Storage
import TextProcessing
public import Retrieval
import Embeddings
import Tracing

/// The analyses an ingestion job computes and caches for a document's first view (the AI side's
/// analysis service, over the ingestion executor's threads).
public protocol IngestionAnalyses: Sendable {
    /// Computes and caches one analysis of the owner's document.
    func analyse(documentId: String, ownerId: String, kind: AnalysisKind) async throws
}

/// Builds a document's knowledge graph at the end of its ingestion (the AI side's graph builder).
public protocol IngestionGraph: Sendable {
    /// Extracts and stores the owner's document's entities and relations (replacing earlier ones).
    func buildGraph(documentId: String, ownerId: String) async throws
}

/// The stages of ingesting one stored document — extract (text, pages, sentences, chunks) →
/// keyword index → embeddings (then the document is `ready`: searchable in every mode) →
/// analyses (summary, key ideas) and the knowledge graph. Each stage is idempotent and the job records the stage it is
/// in, so a job taken over after a crash continues where it stopped without duplicates.
public struct IngestionPipeline: Sendable {
    let documents: any DocumentRepository
    let jobs: any JobRepository
    let search: SearchService
    let objects: any ObjectStore
    let ingestor: DocumentIngestor
    let analyses: any IngestionAnalyses
    /// Builds the knowledge graph after the analyses (none: no graph).
    public var graph: (any IngestionGraph)?
    /// Reads pages without a usable text layer (none: OCR is off, and a document left without
    /// text fails with `no_text`).
    public var ocr: OCRStage?
    /// Why OCR is off, for the message of a document that needed it.
    public var ocrUnavailable: String?
    /// The low-priority threads every stage computes on.
    public let executor: IngestionExecutor
    let logger: Logger
    /// Chunks embedded between two progress records (~1 s of work on 2 cores in a release build;
    /// stops are checked after every model batch of 8).
    var embedBatch = 128

    public init(documents: any DocumentRepository, jobs: any JobRepository, search: SearchService, objects: any ObjectStore,
                ingestor: DocumentIngestor, analyses: any IngestionAnalyses, executor: IngestionExecutor, logger: Logger) {
        self.documents = documents
        self.jobs = jobs
        self.search = search
        self.objects = objects
        self.ingestor = ingestor
        self.analyses = analyses
        self.executor = executor
        self.logger = logger
    }

    /// How a run ended when it did not throw.
    enum Outcome: Sendable, Equatable {
        /// Every stage is done.
        case finished
        /// The time slice ended while other owners wait: the job goes back to the queue.
        case yielded
        /// Stopped before `stopBefore` as asked (the rest runs later, e.g. in a server).
        case paused
    }

    /// Runs the job's remaining stages. `slice`: after this long, hand the job back when other
    /// owners' jobs wait (fairness); `stopBefore`: leave this stage and the later ones queued.
    func run(_ job: JobRecord, worker: String, control: JobControl, slice: Duration, stopBefore: IngestStage? = nil) async throws -> Outcome {
        let started = ContinuousClock.now
        var stage = job.stage
        func advance(to next: IngestStage, done: Int = 0, total: Int = 0) async throws {
            stage = next
            guard try await jobs.updateJob(jobId: job.id, worker: worker, stage: next, done: done, total: total, at: .now) else {
                throw JobStopped(reason: .leaseLost)
            }
        }
        while stage != .done {
            try control.check()
            if stage == stopBefore { return .paused }
            // Each stage is a span (`ingest extract`, …, `ingest analyses`) under the job's.
            let yielded = try await withSpan("ingest \(stage.rawValue)") { _ -> Bool in
                switch stage {
                case .extract:
                    switch try await extract(job, control: control) {
                    case .stored(let chunks): try await advance(to: .keywords, total: chunks)
                    case .needsOCR(let pages): try await advance(to: .ocr, total: pages)
                    }
                case .ocr:
                    let chunks = try await readScannedPages(job, worker: worker, control: control)
                    try await advance(to: .keywords, total: chunks)
                case .keywords:
                    try await search.store.indexKeywords(documentId: job.documentId)
                    try await advance(to: .embed)
                case .embed:
                    let deadline = started + slice
                    guard try await embed(job, worker: worker, control: control, deadline: deadline) else { return true }
                    try await documents.setDocumentStatus(id: job.documentId, .ready, error: nil, at: .now)
                    try await advance(to: .analyse)
                case .analyse:
                    await analyse(job, control: control)
                    try control.check()
                    await buildGraph(job)
                    try control.check()
                    try await advance(to: .done)
                case .done:
                    break
                }
                return false
            }
            if yielded { return .yielded }
        }
        return .finished
    }

    /// What the extract stage did.
    enum Extracted {
        /// The text is stored, in this many chunks.
        case stored(Int)
        /// This many pages must be read by OCR first (nothing is stored yet).
        case needsOCR(Int)
    }

    /// Extraction, segmentation and chunking on the thread pool; stores the results, unless
    /// pages must be read by OCR first.
    private func extract(_ job: JobRecord, control: JobControl) async throws -> Extracted {
        let record = try await documentRecord(job)
        let processed = try await process(record, control: control) { ingestor, data in try ingestor.processSynchronously(data) }
        if ocr != nil, !processed.extraction.ocrRequests.isEmpty {
            return .needsOCR(processed.extraction.ocrRequests.count)
        }
        return .stored(try await store(processed, job: job))
    }

    func documentRecord(_ job: JobRecord) async throws -> DocumentRecord {
        guard let record = try await documents.document(id: job.documentId, ownerId: job.ownerId) else {
            throw JobStopped(reason: .deleted)
        }
        return record
    }

    /// Runs `work` on the thread pool over the document's bytes (memory-mapped when the object
    /// store keeps a local file), with the job's control as the extractor's interrupt.
    func process<Value: Sendable>(_ record: DocumentRecord, control: JobControl,
                                  _ work: @escaping @Sendable (DocumentIngestor, Data) throws -> Value) async throws -> Value {
        var ingestor = ingestor
        ingestor.extractor.interrupt = { control.isStopped }
        do {
            if let path = objects.localPath(for: record.objectKey) {
                return try await executor.run { [ingestor] in
                    try work(ingestor, try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped))
                }
            }
            let data = try await objects.read(key: record.objectKey, maxBytes: ingestor.extractor.limits.maxBytes + 1)
            return try await executor.run { [ingestor] in try work(ingestor, data) }
        } catch is CancellationError {
            throw JobStopped(reason: control.reason ?? .shutdown)
        }
    }

    /// Stores an extraction's text, pages, blocks, sentences and chunks; returns the chunk count.
    /// A document without any text is refused with `no_text` (never `ready` and empty).
    func store(_ processed: ProcessedDocument, job: JobRecord) async throws -> Int {
        let extraction = processed.extraction
        guard extraction.hasText else {
            throw ExtractionError(.noText, noTextMessage(processed))
        }
        let fields = ExtractedFields(
            format: extraction.format, sha256: processed.sha256, author: extraction.metadata.author, quality: extraction.quality,
            title: extraction.metadata.title.map { String($0.prefix(300)) })
        let sentences = processed.sentences.enumerated().map { index, sentence in
            SentenceRecord(ordinal: index, page: sentence.span.page, start: sentence.span.start, end: sentence.span.end, role: sentence.role)
        }
        let chunks = processed.chunkRecords
        try await withSpan("store extraction", ofKind: .client) { span in
            span.attributes["docuthinker.document.pages"] = fields.pageCount
            span.attributes["docuthinker.document.format"] = fields.format.rawValue
            span.attributes["docuthinker.document.chunks"] = chunks.count
            span.attributes["docuthinker.document.ocr_pages"] = extraction.ocrPages.count
            guard try await documents.storeExtraction(
                documentId: job.documentId, fields: fields, content: DocumentContent(text: extraction.text, pages: extraction.pages, blocks: extraction.blocks),
                sentences: sentences, chunks: chunks, at: .now) else { throw JobStopped(reason: .deleted) }
        }
        ProductMetrics.pagesExtracted(fields.pageCount, format: fields.format.rawValue)
        logger.info("document extracted", metadata: [
            "document_id": .string(job.documentId), "format": .string(fields.format.rawValue), "pages": .stringConvertible(fields.pageCount),
            "sentences": .stringConvertible(sentences.count), "chunks": .stringConvertible(chunks.count),
            "ocr_pages": .stringConvertible(extraction.ocrPages.count),
        ])
        return chunks.count
    }

    private func noTextMessage(_ processed: ProcessedDocument) -> String {
        let extraction = processed.extraction
        let pages = extraction.metadata.pageCount == 1 ? "its page" : "its \(extraction.metadata.pageCount) pages"
        if !extraction.ocrPages.isEmpty {
            return "No text was found in the document, even after reading \(pages) by OCR (a blank or unreadable scan)."
        }
        if !extraction.ocrRequests.isEmpty {
            return "The document has no text layer (a scan or an image), and OCR is off on this server: \(ocrUnavailable ?? "not configured")."
        }
        return "No text was found in the document."
    }

    /// Embeds the chunks that have no vector yet, batch by batch, recording true progress (chunks
    /// with a vector of all chunks, also after a resume). False when the slice ended first.
    private func embed(_ job: JobRecord, worker: String, control: JobControl, deadline: ContinuousClock.Instant) async throws -> Bool {
        let store = search.store
        guard let embedding = search.embedding, let index = search.index else {
            try await store.setIndexStatus(documentId: job.documentId, IndexStatus(
                status: .unavailable, indexed: 0, total: 0, model: "none", error: "no embedding model", updatedAt: .now))
            return true
        }
        let model = embedding.embedder.modelID
        let pending = try await index.chunksToEmbed(documentId: job.documentId)
        let total = try await store.chunkCount(documentId: job.documentId)
        var done = total - pending.count
        try await store.setIndexStatus(documentId: job.documentId, IndexStatus(
            status: .indexing, indexed: done, total: total, model: model, updatedAt: .now))
        for start in stride(from: 0, to: pending.count, by: embedBatch) {
            try control.check()
            if ContinuousClock.now > deadline, try await jobs.othersWaiting(ownerId: job.ownerId, now: .now) { return false }
            let batch = Array(pending[start..<min(pending.count, start + embedBatch)])
            let vectors: [[Float]]
            let embedded = ContinuousClock.now
            do {
                vectors = try await withSpan("embed batch") { span in
                    span.attributes["docuthinker.embedding.texts"] = batch.count
                    span.attributes["docuthinker.embedding.model"] = model
                    return try await embedOnExecutor(batch.map(\.text), embedding: embedding, control: control)
                }
            } catch is CancellationError {
                throw JobStopped(reason: control.reason ?? .shutdown)
            }
            ProductMetrics.embedded(batch.count, purpose: "chunks", duration: .now - embedded)
            try control.check()
            try await withSpan("vector store save", ofKind: .client) { span in
                span.attributes["docuthinker.embedding.texts"] = batch.count
                try await index.save(zip(batch, vectors).map { ChunkVector(chunkId: $0.0.chunkId, vector: $0.1) },
                                     documentId: job.documentId, owner: job.ownerId)
            }
            done += batch.count
            guard try await jobs.updateJob(jobId: job.id, worker: worker, stage: .embed, done: done, total: total, at: .now) else {
                throw JobStopped(reason: .leaseLost)
            }
            try await store.setIndexStatus(documentId: job.documentId, IndexStatus(
                status: .indexing, indexed: done, total: total, model: model, updatedAt: .now))
        }
        try await store.setIndexStatus(documentId: job.documentId, IndexStatus(
            status: .ready, indexed: done, total: total, model: model, updatedAt: .now))
        return true
    }

    /// Embeds texts on the executor's (low-priority) threads: one tokenizes, then every thread
    /// works on the same run, taking the next model batch of 8 as it finishes one. The job's
    /// control is asked before each text and each batch, so a delete or SIGTERM waits for one
    /// small batch at most.
    private func embedOnExecutor(_ texts: [String], embedding: ChunkEmbedding, control: JobControl) async throws -> [[Float]] {
        let stop: @Sendable () -> Bool = { control.isStopped }
        let prepared = try await executor.run {
            guard let prepared = embedding.prepare(texts, shouldStop: stop) else { throw CancellationError() }
            return prepared
        }
        try await withThrowingDiscardingTaskGroup { group in
            for _ in 0..<min(executor.threads, max(1, prepared.run.batchCount)) {
                group.addTask { try await executor.run { prepared.run.work(shouldStop: stop) } }
            }
        }
        guard let vectors = embedding.finish(prepared) else { throw CancellationError() }
        return vectors
    }

    /// The document's knowledge graph; a failure is logged (the background rebuild tries again)
    /// and never fails the job.
    private func buildGraph(_ job: JobRecord) async {
        guard let graph else { return }
        do {
            try await withSpan("graph build") { _ in try await graph.buildGraph(documentId: job.documentId, ownerId: job.ownerId) }
        } catch {
            logger.warning("knowledge graph not built", metadata: ["document_id": .string(job.documentId), "error": "\(error)"])
        }
    }

    /// The ingestion analyses, cached for the document's first view; one failing never fails the job.
    private func analyse(_ job: JobRecord, control: JobControl) async {
        for kind in Self.analysisKinds where !control.isStopped {
            do {
                try await withSpan("analysis \(kind.rawValue)") { _ in
                    try await analyses.analyse(documentId: job.documentId, ownerId: job.ownerId, kind: kind)
                }
            } catch is CancellationError {
                return
            } catch {
                logger.warning("ingestion analysis failed", metadata: [
                    "document_id": .string(job.documentId), "kind": .string(kind.rawValue), "error": "\(error)",
                ])
            }
        }
    }

    /// The analyses every document gets at ingestion.
    public static let analysisKinds: [AnalysisKind] = [.summary, .keyIdeas]
}
