import StoreEngines
import DocuThinkerCore
import Embeddings
import Extraction
import Foundation
import Ingestion
import KnowledgeGraph
import Retrieval
import Storage
import TextProcessing

/// A temporary library of files for evaluations: each file ingested the way an upload is (text,
/// pages, blocks, labelled sentences and chunks stored, keyword-indexed, embedded), owned by
/// `eval`. The store lives in a temporary directory removed by `close()`.
struct EvaluationLibrary {
    let directory: String
    let store: any DatabaseStore
    let search: SearchService
    /// File name → its processing (the document id is the file name).
    var processed: [String: ProcessedDocument] = [:]
    var pages: [String: PageIndex] = [:]
    var chunks = 0
    var indexSeconds = 0.0
    /// Where the documents' knowledge graphs were saved, when they were built.
    var graphStore: (any GraphStore)?

    /// With `databaseURL` the library is built in that PostgreSQL database (its `eval` user's
    /// documents are replaced) and searched with pgvector; otherwise in a temporary SQLite store.
    /// With `gazetteerDirectory` each document's knowledge graph is built and saved as well.
    init(files: [String], documentsDirectory: String, modelDirectory: String, ingestor: DocumentIngestor, embeddingBatchSize: Int,
         databaseURL: String? = nil, gazetteerDirectory: String? = nil) async throws {
        directory = NSTemporaryDirectory() + "dt-eval-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let stores = try await StoreFactory.openMigrated(StoreConfiguration(dataDirectory: directory, databaseURL: databaseURL))
        store = stores.database
        if try await store.user(id: "eval") == nil {
            try await store.createUser(UserRecord(id: "eval", email: "eval@example.com", passwordHash: "-", createdAt: .now))
        }
        _ = try await store.deleteAllDocuments(ownerId: "eval")
        let embedder = try MiniLMEmbedder(directory: URL(fileURLWithPath: modelDirectory), batchSize: embeddingBatchSize)
        let index = stores.databaseVectorIndex?(embedder.modelID, embedder.dimensions)
            ?? MatrixVectorIndex(storage: store, model: embedder.modelID, dimensions: embedder.dimensions)
        search = SearchService(store: store, index: index, embedding: ChunkEmbedding(embedder: embedder))
        let extractor = gazetteerDirectory.map { EntityExtractor(gazetteer: Gazetteer.load(directory: $0).gazetteer) }
        if extractor != nil { graphStore = stores.graph }
        let started = ContinuousClock.now
        for file in files.sorted() {
            let result = try ingestor.processSynchronously(fileAt: documentsDirectory + "/" + file)
            let extraction = result.extraction
            let record = DocumentRecord(
                id: file, ownerId: "eval", title: extraction.metadata.title ?? file, filename: file, format: extraction.format, status: .ready,
                pageCount: extraction.metadata.pageCount, sizeBytes: result.size, sha256: result.sha256,
                characters: extraction.quality.characters, author: nil, quality: extraction.quality, objectKey: file, createdAt: .now, updatedAt: .now)
            let content = DocumentContent(text: extraction.text, pages: extraction.pages, blocks: extraction.blocks)
            try await store.insertDocument(record, content: content, chunks: [])
            // As the ingestion pipeline stores them: labelled sentences, then chunks keyword-indexed.
            let sentences = result.sentences.enumerated().map {
                SentenceRecord(ordinal: $0.offset, page: $0.element.span.page, start: $0.element.span.start, end: $0.element.span.end, role: $0.element.role)
            }
            let fields = ExtractedFields(format: extraction.format, sha256: result.sha256, author: nil, quality: extraction.quality, title: extraction.metadata.title)
            _ = try await store.storeExtraction(documentId: file, fields: fields, content: content, sentences: sentences, chunks: result.chunkRecords, at: .now)
            try await store.indexKeywords(documentId: file)
            let pending = try await index.chunksToEmbed(documentId: file)
            for start in stride(from: 0, to: pending.count, by: 64) {
                let batch = Array(pending[start..<min(pending.count, start + 64)])
                let vectors = try await search.embed(batch.map(\.text))
                try await index.save(zip(batch, vectors).map { ChunkVector(chunkId: $0.0.chunkId, vector: $0.1) }, documentId: file, owner: "eval")
            }
            if let extractor {
                let graph = extractor.extract(text: ScalarText(extraction.text), sentences: result.sentences)
                try await stores.graph.saveGraph(graph, documentId: file, ownerId: "eval", version: EntityExtractor.version)
            }
            chunks += result.chunks.count
            processed[file] = result
            pages[file] = PageIndex(pages: extraction.pages.map { ($0.number, $0.start, $0.end) })
        }
        indexSeconds = (ContinuousClock.now - started).seconds
    }

    func close() {
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// JSON objects, one a line.
    static func lines(_ path: String) throws -> [[String: Any]] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").compactMap {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
    }
}
