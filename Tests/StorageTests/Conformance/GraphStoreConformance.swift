import DocuThinkerCore
import Foundation
import Storage
import StoreEngines
import Testing

/// The knowledge graph's store on every engine: per-document contributions, exact deletes,
/// idempotent re-indexing, owner scoping.
@Suite("Conformance: knowledge graph")
struct GraphStoreConformance {
    static func entity(_ key: String, _ name: String, type: String = "organisation", aliases: [String]? = nil, at starts: [Int]) -> EntityContribution {
        EntityContribution(key: key, name: name, type: type, aliases: aliases ?? [name],
                           mentions: starts.map { SourceSpan(page: 1, start: $0, end: $0 + name.count) })
    }

    @Test(arguments: StoreEngine.graphs)
    func deletingADocumentRemovesExactlyItsContributions(engine: StoreEngine) async throws {
        let stores = try await engine.make()
        let store = stores.database, graph = stores.graph
        let (ada, first) = try await Make.library(store, email: "ada@example.com", chunkTexts: ["x"])
        let second = Make.document(owner: ada.id)
        try await store.insertDocument(second, content: Make.content, chunks: Make.chunks(["y"]))
        // Both documents name the UN and Geneva; only the first names Ada Lovelace.
        try await graph.saveGraph(DocumentGraph(
            entities: [Self.entity("organisation:united nations", "United Nations", aliases: ["United Nations", "UN"], at: [0, 40, 90]),
                       Self.entity("place:geneva", "Geneva", type: "place", at: [20]),
                       Self.entity("person:ada lovelace", "Ada Lovelace", type: "person", at: [60])],
            relations: [RelationContribution(source: "organisation:united nations", target: "place:geneva", label: "meets in", weight: 2,
                                             mentions: [SourceSpan(page: 1, start: 0, end: 26)]),
                        RelationContribution(source: "person:ada lovelace", target: "organisation:united nations", label: "", weight: 1, mentions: [])]),
            documentId: first.id, ownerId: ada.id, version: 1)
        try await graph.saveGraph(DocumentGraph(
            entities: [Self.entity("organisation:united nations", "UN", aliases: ["UN"], at: [5]), Self.entity("place:geneva", "Geneva", type: "place", at: [30])],
            relations: [RelationContribution(source: "organisation:united nations", target: "place:geneva", label: "meets in", weight: 1, mentions: [])]),
            documentId: second.id, ownerId: ada.id, version: 1)

        let listed = try await graph.entities(ownerId: ada.id, prefix: "", limit: 10)
        #expect(listed.map(\.key) == ["organisation:united nations", "place:geneva", "person:ada lovelace"], "most mentioned first")
        #expect(listed.first == EntitySummary(key: "organisation:united nations", name: "United Nations", type: "organisation",
                                              documentCount: 2, mentionCount: 4), "the name of the document that mentions it most")
        let un = try #require(try await graph.entity(key: "organisation:united nations", ownerId: ada.id))
        #expect(Set(un.contributions.keys) == [first.id, second.id])
        #expect(un.contributions[first.id]?.aliases == ["United Nations", "UN"])
        #expect(un.relations.first == LibraryRelation(source: "organisation:united nations", target: "place:geneva", label: "meets in", weight: 3))

        // Deleting the first document: Ada Lovelace goes, the UN and Geneva keep the second's share.
        _ = try await store.deleteDocument(id: first.id, ownerId: ada.id)
        try await graph.forgetDocument(documentId: first.id, ownerId: ada.id)   // as the AI side does after a delete
        #expect(try await graph.entity(key: "person:ada lovelace", ownerId: ada.id) == nil, "no orphan node")
        #expect(try await graph.documentGraph(documentId: first.id, ownerId: ada.id) == nil)
        let left = try #require(try await graph.entity(key: "organisation:united nations", ownerId: ada.id))
        #expect(Array(left.contributions.keys) == [second.id])
        #expect(left.relations == [LibraryRelation(source: "organisation:united nations", target: "place:geneva", label: "meets in", weight: 1)],
                "no weight from the deleted document, no edge to the deleted entity")
        #expect(try await graph.entities(ownerId: ada.id, prefix: "", limit: 10).map(\.mentionCount) == [1, 1])
        _ = try await store.deleteDocument(id: second.id, ownerId: ada.id)
        try await graph.forgetDocument(documentId: second.id, ownerId: ada.id)
        #expect(try await graph.entities(ownerId: ada.id, prefix: "", limit: 10).isEmpty)
    }

    @Test(arguments: StoreEngine.graphs)
    func savingAgainReplacesAndOwnersStayApart(engine: StoreEngine) async throws {
        let stores = try await engine.make()
        let store = stores.database, graph = stores.graph
        let (ada, document) = try await Make.library(store, email: "ada@example.com", chunkTexts: ["x"])
        let (bob, bobs) = try await Make.library(store, email: "bob@example.com", chunkTexts: ["y"])
        let cotton = DocumentGraph(entities: [Self.entity("concept:100% cotton", "100% Cotton", type: "concept", at: [3]),
                                             Self.entity("concept:10x_cotton", "10x_Cotton", type: "concept", at: [9])], relations: [])
        try await graph.saveGraph(cotton, documentId: document.id, ownerId: ada.id, version: 1)
        try await graph.saveGraph(cotton, documentId: document.id, ownerId: ada.id, version: 1)
        #expect(try await graph.documentGraph(documentId: document.id, ownerId: ada.id) == cotton, "saved twice, stored once")
        try await graph.saveGraph(DocumentGraph(entities: [Self.entity("place:geneva", "Geneva", type: "place", at: [1])], relations: []),
                                  documentId: document.id, ownerId: ada.id, version: 1)
        #expect(try await graph.documentGraph(documentId: document.id, ownerId: ada.id)?.entities.map(\.key) == ["place:geneva"], "replaced")
        try await graph.saveGraph(cotton, documentId: document.id, ownerId: ada.id, version: 1)

        // LIKE's own characters in a prefix are literal.
        #expect(try await graph.entities(ownerId: ada.id, prefix: "100%", limit: 10).map(\.key) == ["concept:100% cotton"])
        #expect(try await graph.entities(ownerId: ada.id, prefix: "10x_", limit: 10).map(\.key) == ["concept:10x_cotton"])
        #expect(try await graph.entities(ownerId: ada.id, prefix: "10", limit: 1).count == 1)

        // Bob sees none of it, and cannot write into Ada's document.
        #expect(try await graph.entities(ownerId: bob.id, prefix: "", limit: 10).isEmpty)
        #expect(try await graph.entity(key: "concept:100% cotton", ownerId: bob.id) == nil)
        #expect(try await graph.documentGraph(documentId: document.id, ownerId: bob.id) == nil)
        try await graph.saveGraph(DocumentGraph(entities: [Self.entity("place:mars", "Mars", type: "place", at: [0])], relations: []),
                                  documentId: document.id, ownerId: bob.id, version: 1)
        #expect(try await graph.entity(key: "place:mars", ownerId: bob.id) == nil)
        #expect(try await graph.entity(key: "place:mars", ownerId: ada.id) == nil)
        _ = bobs
    }

    @Test(arguments: StoreEngine.graphs)
    func versionsTellWhichGraphsToRebuild(engine: StoreEngine) async throws {
        let stores = try await engine.make()
        let store = stores.database, graph = stores.graph
        let (ada, first) = try await Make.library(store, email: "ada@example.com", chunkTexts: ["x"])
        let (bob, bobs) = try await Make.library(store, email: "bob@example.com", chunkTexts: ["y"])
        let processing = Make.document(owner: ada.id, title: "later", status: .processing)
        try await store.insertDocument(processing, content: Make.content, chunks: Make.chunks(["z"]))
        let geneva = DocumentGraph(entities: [Self.entity("place:geneva", "Geneva", type: "place", at: [1])], relations: [])

        // Ready documents without a graph need one; a document still processing does not yet.
        #expect(Set(try await graph.documentsNeedingGraph(version: 1, limit: 10)) ==
                [DocumentReference(documentId: first.id, ownerId: ada.id), DocumentReference(documentId: bobs.id, ownerId: bob.id)])
        #expect(try await graph.documentsNeedingGraph(version: 1, limit: 1).count == 1, "limited")
        #expect(try await graph.graphVersion(documentId: first.id, ownerId: ada.id) == nil)
        #expect(try await graph.graphProgress(ownerId: ada.id, version: 1) == (current: 0, ready: 1))

        try await graph.saveGraph(geneva, documentId: first.id, ownerId: ada.id, version: 1)
        #expect(try await graph.graphVersion(documentId: first.id, ownerId: ada.id) == 1)
        #expect(try await graph.graphVersion(documentId: first.id, ownerId: bob.id) == nil, "another owner learns nothing")
        #expect(try await graph.documentsNeedingGraph(version: 1, limit: 10) == [DocumentReference(documentId: bobs.id, ownerId: bob.id)])
        #expect(try await graph.graphProgress(ownerId: ada.id, version: 1) == (current: 1, ready: 1))
        // A new extraction version makes every graph stale until it is saved again.
        #expect(try await graph.documentsNeedingGraph(version: 2, limit: 10).count == 2)
        #expect(try await graph.graphProgress(ownerId: ada.id, version: 2) == (current: 0, ready: 1))
        try await graph.saveGraph(geneva, documentId: first.id, ownerId: ada.id, version: 2)
        #expect(try await graph.graphVersion(documentId: first.id, ownerId: ada.id) == 2)
        // Deleted with its document.
        _ = try await store.deleteDocument(id: first.id, ownerId: ada.id)
        try await graph.forgetDocument(documentId: first.id, ownerId: ada.id)   // as the AI side does after a delete
        #expect(try await graph.graphVersion(documentId: first.id, ownerId: ada.id) == nil)
        #expect(try await graph.graphProgress(ownerId: ada.id, version: 2) == (current: 0, ready: 0))
    }
}
