import StoreEngines
import AIService
import Analysis
import DocuThinkerCore
import Extraction
import Foundation
import Ingestion
import Storage
import Testing

/// Analyses of stored documents against a real SQLite store: written once, then served from the
/// cache; scoped to the owner; a document without text yet gives the typed domain error.
@Suite struct DocumentAnalysisServiceTests {
    let stores: Stores
    let service: DocumentAnalysisService
    let owner = UserRecord(id: UUID().uuidString, email: "owner@example.com", passwordHash: "$2b$04$hash", createdAt: .now)
    let other = UserRecord(id: UUID().uuidString, email: "other@example.com", passwordHash: "$2b$04$hash", createdAt: .now)

    init() async throws {
        stores = try await StoreFactory.openMigrated(StoreConfiguration(dataDirectory: NSTemporaryDirectory() + "dt-ai-" + UUID().uuidString))
        service = DocumentAnalysisService(documents: stores.database, engine: OfflineAnalysisEngine())
        try await stores.database.createUser(owner)
        try await stores.database.createUser(other)
    }

    static let text = """
        Tidal power converts the energy of tides into electricity. Engineers build barrages across estuaries to hold water at high tide. \
        The stored water is released through turbines as the tide falls. Tidal power is predictable because tides follow the moon. \
        The largest plant, at Sihwa Lake in South Korea, produces 254 megawatts. Critics point to the cost of barrages and their effect on mudflats. \
        Newer designs place turbines in open currents instead of damming an estuary. These tidal stream generators resemble underwater wind turbines.
        """

    func insert(owner: String, status: DocumentStatus = .ready, content: Bool = true) async throws -> String {
        let processed = try DocumentIngestor(extractor: DocumentExtractor()).processSynchronously(Data(Self.text.utf8))
        let id = UUID().uuidString
        let record = DocumentRecord(
            id: id, ownerId: owner, title: "Tidal power", filename: "tides.txt", format: .text, status: status, pageCount: 1,
            sizeBytes: processed.size, sha256: processed.sha256, characters: processed.extraction.quality.characters, author: nil,
            quality: processed.extraction.quality, objectKey: id, createdAt: .now, updatedAt: .now)
        let stored = processed.extraction
        if content {
            try await stores.database.insertDocument(
                record, content: DocumentContent(text: stored.text, pages: stored.pages, blocks: stored.blocks), chunks: processed.chunkRecords)
        } else {
            try await stores.database.insertPendingDocument(
                record, explicitTitle: true, job: JobRecord(id: UUID().uuidString, documentId: id, ownerId: owner, createdAt: .now, updatedAt: .now))
        }
        return id
    }

    @Test func analysisIsWrittenOnceThenCachedAndCitesTheDocument() async throws {
        let id = try await insert(owner: owner.id)
        let first = try await service.analysis(documentId: id, ownerId: owner.id, kind: .summary, parameters: AnalysisParameters())
        #expect(!first.cached)
        #expect(first.result.documentId == id)
        let summary = try #require(first.result.summary)
        #expect(!summary.isEmpty)
        #expect(Self.text.contains(summary.split(separator: ".").first.map(String.init) ?? "∅"))
        let second = try await service.analysis(documentId: id, ownerId: owner.id, kind: .summary, parameters: AnalysisParameters())
        #expect(second.cached)
        #expect(second.result == first.result)
        let refreshed = try await service.analysis(documentId: id, ownerId: owner.id, kind: .summary, parameters: AnalysisParameters(), refresh: true)
        #expect(!refreshed.cached)
    }

    @Test func anotherOwnersDocumentIsNotFound() async throws {
        let id = try await insert(owner: owner.id)
        await #expect(throws: DocumentErrors.notFound) {
            _ = try await service.analysis(documentId: id, ownerId: other.id, kind: .summary, parameters: AnalysisParameters())
        }
        await #expect(throws: DocumentErrors.notFound) { _ = try await service.document(id: "missing", ownerId: owner.id) }
    }

    @Test func aDocumentStillProcessingIsAConflict() async throws {
        let id = try await insert(owner: owner.id, status: .processing, content: false)
        await #expect(throws: DocumentErrors.stillProcessing) { _ = try await service.document(id: id, ownerId: owner.id) }
    }
}
