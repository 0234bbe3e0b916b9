import StoreEngines
import AIService
import Ingestion
import DocuThinkerCore
import Crypto
import Extraction
import Foundation
public import Logging
import Retrieval
import Storage
import TextProcessing

/// One file of `docuthinker ingest`.
public struct IngestReport: Sendable {
    public var file: String
    public var documentId: String
    public var pages: Int
    public var chunks: Int
    /// Extraction, chunking and storage.
    public var importSeconds: Double
    /// Embedding and vector storage (the document is searchable after it).
    public var indexSeconds: Double
}

/// `docuthinker ingest`: imports files for a user (created when missing) through the same
/// pipeline as an upload — the document and its job are stored, then this process runs the job
/// up to the point where the document is searchable — so everything reported is searchable. The
/// ingestion analyses stay queued in the job and run in the next `serve`/`ai` process.
public func ingest(files: [String], email: String, password: String? = nil, configuration: AppConfiguration, logger: Logger,
                   progress: @Sendable (IngestReport) -> Void = { _ in }) async throws -> [IngestReport] {
    let stores = try await migratedStores(configuration)
    let store = stores.database
    let backend = makeLocalAIBackend(configuration: configuration, stores: stores, runsIngestion: true, logger: logger)
    guard backend.searcher.embedding != nil, let worker = backend.ingestion else {
        throw StartupError(description: "The embedding model is missing (\(configuration.embeddingModelDirectory)); run scripts/fetch-model.")
    }
    let documents = DocumentService(documents: store, objects: stores.objects, extractor: DocumentExtractor(limits: configuration.limits),
                                    backend: backend)
    let owner: String
    if let user = try await store.user(email: email) {
        owner = user.id
    } else {
        // A local account for command-line imports; without a password given, a random one.
        let chosen = password ?? SymmetricKey(size: .bits256).withUnsafeBytes { Data($0).base64EncodedString() }
        guard (8...72).contains(chosen.utf8.count) else { throw StartupError(description: "The password must have 8 to 72 bytes.") }
        let hash = try await PasswordHasher(cost: configuration.bcryptCost).hash(chosen)
        owner = UUID().uuidString.lowercased()
        try await store.createUser(UserRecord(id: owner, email: email, passwordHash: hash, createdAt: .now))
    }
    var reports: [IngestReport] = []
    for file in files {
        let started = ContinuousClock.now
        // Accepting moves its input into the object store: give it a copy.
        let staged = stores.stagingDirectory + "/ingest-" + UUID().uuidString
        try FileManager.default.copyItem(atPath: file, toPath: staged)
        let size = (try FileManager.default.attributesOfItem(atPath: staged)[.size] as? Int) ?? 0
        let name = URL(fileURLWithPath: file).lastPathComponent
        let accepted = try await documents.accept(ReceivedUpload(path: staged, filename: name, title: nil, size: size), owner: owner, logger: logger)
        // Two runs of the same job, timed apart: extraction + keyword index, then embeddings.
        _ = try await worker.runJob(documentId: accepted.record.id, stopBefore: .embed)
        let indexing = ContinuousClock.now
        let job = try await worker.runJob(documentId: accepted.record.id, stopBefore: .analyse)
        let record = try await documents.document(id: accepted.record.id, owner: owner)
        guard record.status == .ready else {
            throw StartupError(description: "\(name): \(record.errorMessage ?? job?.errorMessage ?? "processing did not finish")")
        }
        let chunks = try await store.chunkCount(documentId: record.id)
        let report = IngestReport(file: file, documentId: record.id, pages: record.pageCount, chunks: chunks,
                                  importSeconds: (indexing - started).seconds, indexSeconds: (ContinuousClock.now - indexing).seconds)
        progress(report)
        reports.append(report)
    }
    return reports
}
