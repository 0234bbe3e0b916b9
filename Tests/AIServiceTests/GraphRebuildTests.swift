import AIService
import Analysis
import DocuThinkerCore
import Extraction
import Foundation
import Ingestion
import KnowledgeGraph
import Logging
import Storage
import StoreEngines
import Testing

/// The background rebuild against a real SQLite store: ready documents without a graph get one,
/// a graph of an older extraction version is rebuilt, a document still processing waits, and a
/// document that cannot be read does not stall the others.
@Suite struct GraphRebuildTests {
    static let text = """
        Angela Merkel met Emmanuel Macron in Berlin on Monday. Merkel said the European Union would act. \
        Macron later flew to Geneva, where the World Health Organization (WHO) is based.
        """

    @Test func staleAndMissingGraphsAreRebuiltInTheBackground() async throws {
        let stores = try await StoreFactory.openMigrated(StoreConfiguration(dataDirectory: NSTemporaryDirectory() + "dt-graph-" + UUID().uuidString))
        let store = stores.database
        let owner = UserRecord(id: UUID().uuidString, email: "owner@example.com", passwordHash: "$2b$04$hash", createdAt: .now)
        try await store.createUser(owner)
        func insert(status: DocumentStatus = .ready, content: Bool = true) async throws -> String {
            let processed = try DocumentIngestor(extractor: DocumentExtractor()).processSynchronously(Data(Self.text.utf8))
            let id = UUID().uuidString
            let record = DocumentRecord(
                id: id, ownerId: owner.id, title: "Talks", filename: "talks.txt", format: .text, status: status, pageCount: 1,
                sizeBytes: processed.size, sha256: processed.sha256 + id, characters: processed.extraction.quality.characters, author: nil,
                quality: processed.extraction.quality, objectKey: id, createdAt: .now, updatedAt: .now)
            if content {
                let stored = processed.extraction
                try await store.insertDocument(record, content: DocumentContent(text: stored.text, pages: stored.pages, blocks: stored.blocks),
                                               chunks: processed.chunkRecords)
            } else {
                try await store.insertPendingDocument(record, explicitTitle: true, job: JobRecord(
                    id: UUID().uuidString, documentId: id, ownerId: owner.id, createdAt: .now, updatedAt: .now))
                try await store.setDocumentStatus(id: id, status, error: nil, at: .now)
            }
            return id
        }
        let missing = try await insert()
        let old = try await insert()
        try await store.saveGraph(DocumentGraph(entities: [], relations: []), documentId: old, ownerId: owner.id, version: EntityExtractor.version - 1)
        let processing = try await insert(status: .processing)
        let unreadable = try await insert(status: .ready, content: false)   // ready, but no text stored: its build fails

        let executor = IngestionExecutor(threads: 1)
        let builder = GraphBuilder(documents: DocumentAnalysisService(documents: store, engine: OfflineAnalysisEngine()), store: store,
                                   extractor: EntityExtractor(gazetteer: .builtIn), executor: executor)
        let service = GraphRebuildService(builder: builder, store: store, logger: Logger(label: "test"))
        #expect(try await store.graphProgress(ownerId: owner.id, version: EntityExtractor.version) == (current: 0, ready: 3))
        #expect(await service.rebuildStale() == 2, "the missing and the old graph; the unreadable one is skipped, not retried forever")
        for id in [missing, old] {
            #expect(try await store.graphVersion(documentId: id, ownerId: owner.id) == EntityExtractor.version)
            let graph = try #require(try await store.documentGraph(documentId: id, ownerId: owner.id))
            #expect(graph.entities.contains { $0.name == "Angela Merkel" && $0.type == "person" && $0.aliases.contains("Merkel") })
        }
        #expect(try await store.graphVersion(documentId: processing, ownerId: owner.id) == nil, "still processing: the job builds it")
        #expect(try await store.graphVersion(documentId: unreadable, ownerId: owner.id) == nil)
        #expect(try await store.graphProgress(ownerId: owner.id, version: EntityExtractor.version) == (current: 2, ready: 3))
        #expect(await service.rebuildStale() == 0, "nothing left but the unreadable document")
        await executor.shutdown()
    }
}
