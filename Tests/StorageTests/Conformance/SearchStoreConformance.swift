import DocuThinkerCore
import StoreEngines
import Foundation
import Storage
import Testing

/// `KeywordIndex`, `SearchRepository` and `VectorStorage` (the vectors under the embedded index).
@Suite("Conformance: keyword index and vectors")
struct SearchStoreConformance {
    @Test(arguments: StoreEngine.all)
    func keywordIndexingIsAnExplicitIdempotentStepScopedToTheOwner(engine: StoreEngine) async throws {
        let store = try await engine.make().database
        let ada = Make.user("ada@example.com"), bob = Make.user("bob@example.com")
        try await store.createUser(ada)
        try await store.createUser(bob)
        let pending = Make.document(owner: ada.id, status: .processing)
        try await store.insertPendingDocument(pending, explicitTitle: true, job: JobRecord(
            id: UUID().uuidString, documentId: pending.id, ownerId: ada.id, createdAt: .now, updatedAt: .now))
        _ = try await store.storeExtraction(documentId: pending.id, fields: ExtractedFields(
            format: .text, sha256: "", author: nil, quality: Make.quality(pageCount: 1, characters: 1), title: nil),
            content: Make.content, sentences: [], chunks: Make.chunks(["Sediment samples near the weir", "Rainfall totals"]), at: .now)
        #expect(try await store.keywordSearch(ownerId: ada.id, query: "sediment", documentIds: nil, limit: 5).isEmpty, "not indexed yet")
        try await store.indexKeywords(documentId: pending.id)
        try await store.indexKeywords(documentId: pending.id)
        let hits = try await store.keywordSearch(ownerId: ada.id, query: "sediment weir", documentIds: nil, limit: 5)
        #expect(hits.count == 1 && hits.first?.documentId == pending.id && hits.first?.ordinal == 0, "once, after indexing twice")
        #expect(try await store.keywordSearch(ownerId: bob.id, query: "sediment", documentIds: nil, limit: 5).isEmpty)
        #expect(try await store.keywordSearch(ownerId: ada.id, query: "sediment", documentIds: [], limit: 5).isEmpty)
        #expect(try await store.keywordSearch(ownerId: ada.id, query: "AND OR NOT \"(", documentIds: nil, limit: 5).isEmpty,
                "user input is never query syntax")

        // A re-run of extraction replaces the chunks; the index follows after the next indexing step.
        _ = try await store.storeExtraction(documentId: pending.id, fields: ExtractedFields(
            format: .text, sha256: "", author: nil, quality: Make.quality(pageCount: 1, characters: 1), title: nil),
            content: Make.content, sentences: [], chunks: Make.chunks(["Oxygen in shallow pools"]), at: .now)
        #expect(try await store.keywordSearch(ownerId: ada.id, query: "sediment", documentIds: nil, limit: 5).isEmpty)
        try await store.indexKeywords(documentId: pending.id)
        #expect(try await store.keywordSearch(ownerId: ada.id, query: "oxygen", documentIds: nil, limit: 5).count == 1)
        _ = try await store.deleteDocument(id: pending.id, ownerId: ada.id)
        #expect(try await store.keywordSearch(ownerId: ada.id, query: "oxygen", documentIds: nil, limit: 5).isEmpty)
    }

    @Test(arguments: StoreEngine.all)
    func vectorsAreStoredPerModelAndFollowTheirDocument(engine: StoreEngine) async throws {
        let store = try await engine.make().database
        let (ada, document) = try await Make.library(store, email: "ada@example.com", chunkTexts: ["one", "two", "three"])
        let (bob, _) = try await Make.library(store, email: "bob@example.com", chunkTexts: ["other"])
        #expect(try await store.chunkCount(documentId: document.id) == 3)
        #expect(try await store.chunkCount(ownerId: ada.id, documentIds: nil) == 3)
        #expect(try await store.chunkCount(ownerId: bob.id, documentIds: nil) == 1)
        #expect(try await store.chunkCount(ownerId: ada.id, documentIds: [document.id, "elsewhere"]) == 3)
        #expect(try await store.chunkCount(ownerId: ada.id, documentIds: []) == 0)
        #expect(try await store.chunkCount(ownerId: bob.id, documentIds: [document.id]) == 0, "not another owner's")
        let pending = try await store.chunksToEmbed(documentId: document.id, model: "m")
        #expect(pending.map(\.text) == ["one", "two", "three"])
        let generation = try await store.vectorGeneration(ownerId: ada.id)
        try await store.saveVectors([ChunkVector(chunkId: pending[0].chunkId, vector: [1, 0, 0]), ChunkVector(chunkId: pending[1].chunkId, vector: [0, 1, 0])], model: "m")
        #expect(try await store.vectorGeneration(ownerId: ada.id) > generation)
        #expect(try await store.chunksToEmbed(documentId: document.id, model: "m").map(\.text) == ["three"], "resume where it stopped")
        #expect(try await store.chunksToEmbed(documentId: document.id, model: "other-model").count == 3)
        let vectors = try await store.vectors(ownerId: ada.id, model: "m")
        #expect(vectors.map(\.vector) == [[1, 0, 0], [0, 1, 0]] && vectors.allSatisfy { $0.documentId == document.id })
        #expect(try await store.vectors(ownerId: bob.id, model: "m").isEmpty)
        #expect(try await store.chunks(ids: [pending[0].chunkId], ownerId: bob.id).isEmpty, "others' chunk ids are skipped")
        #expect(try await store.chunks(ids: [pending[0].chunkId], ownerId: ada.id).first?.text == "one")

        try await store.setIndexStatus(documentId: document.id, IndexStatus(status: .indexing, indexed: 2, total: 3, model: "m", updatedAt: .now))
        #expect(try await store.indexStatus(documentId: document.id)?.status == .indexing)
        let before = try await store.vectorGeneration(ownerId: ada.id)
        _ = try await store.deleteDocument(id: document.id, ownerId: ada.id)
        #expect(try await store.vectors(ownerId: ada.id, model: "m").isEmpty)
        #expect(try await store.indexStatus(documentId: document.id) == nil)
        #expect(try await store.vectorGeneration(ownerId: ada.id) > before, "in-memory indexes elsewhere know to reload")
        try await store.saveVectors([ChunkVector(chunkId: pending[2].chunkId, vector: [0, 0, 1])], model: "m")
        #expect(try await store.vectors(ownerId: ada.id, model: "m").isEmpty, "a late vector for a deleted chunk is dropped")
    }
}
