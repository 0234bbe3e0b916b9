import Crypto
import Extraction
import Foundation
public import Logging
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

/// `docuthinker ingest`: imports files for a user (created when missing) and indexes them before
/// returning, so everything reported is searchable. The same code paths as an upload through the
/// API (`DocumentImporter`, `IndexingService`), without HTTP.
public func ingest(files: [String], email: String, password: String? = nil, configuration: AppConfiguration, logger: Logger,
                   progress: @Sendable (IngestReport) -> Void = { _ in }) async throws -> [IngestReport] {
    let data = configuration.dataDirectory
    try FileManager.default.createDirectory(atPath: data + "/tmp", withIntermediateDirectories: true)
    let store = try SQLiteStore(path: data + "/docuthinker.sqlite")
    let importer = DocumentImporter(
        documents: store, objects: try FileObjectStore(root: data + "/objects"),
        ingestor: DocumentIngestor(
            extractor: DocumentExtractor(limits: configuration.limits),
            chunker: Chunker(targetWords: configuration.chunkWords, maxWords: configuration.chunkMaxWords,
                             overlapWords: configuration.chunkOverlapWords)))
    let search = makeSearchService(configuration: configuration, store: store, logger: logger)
    guard search.embedding != nil else {
        throw StartupError(description: "The embedding model is missing (\(configuration.embeddingModelDirectory)); run scripts/fetch-model.")
    }
    let indexer = IndexingService(store: store, search: search, logger: logger)
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
        // The importer moves its input into the object store: give it a copy.
        let staged = data + "/tmp/ingest-" + UUID().uuidString
        try FileManager.default.copyItem(atPath: file, toPath: staged)
        let size = (try FileManager.default.attributesOfItem(atPath: staged)[.size] as? Int) ?? 0
        let name = URL(fileURLWithPath: file).lastPathComponent
        let imported = try await importer.importFile(
            ReceivedUpload(path: staged, filename: name, title: nil, size: size), owner: owner, logger: logger)
        let indexing = ContinuousClock.now
        await indexer.index(.init(documentId: imported.record.id, ownerId: owner))
        let status = try await store.indexStatus(documentId: imported.record.id)
        guard status?.status == "ready" else {
            throw StartupError(description: "\(name): indexing \(status?.status ?? "did not run"): \(status?.error ?? "")")
        }
        let report = IngestReport(file: file, documentId: imported.record.id, pages: imported.record.pageCount, chunks: imported.chunks,
                                  importSeconds: (indexing - started).seconds, indexSeconds: (ContinuousClock.now - indexing).seconds)
        progress(report)
        reports.append(report)
    }
    return reports
}
