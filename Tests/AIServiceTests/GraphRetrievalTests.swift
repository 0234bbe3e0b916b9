import AIService
import DocuThinkerCore
import Foundation
import KnowledgeGraph
import Storage
import StoreEngines
import Testing

/// Graph-augmented retrieval against a real SQLite store: a question naming an entity draws the
/// passages that mention it and (at a lower weight) its neighbour; an entity found in too many
/// passages is ignored; another owner's entities are never found; reranking adds the graph's
/// passages to hybrid search's without reordering when the graph has nothing.
@Suite struct GraphRetrievalTests {
    static func entity(_ key: String, _ name: String, type: String = "place", at starts: [Int]) -> EntityContribution {
        EntityContribution(key: key, name: name, type: type, aliases: [name],
                           mentions: starts.map { SourceSpan(page: 1, start: $0, end: $0 + name.count) })
    }

    @Test func aQuestionNamingAnEntityDrawsItsPassagesAndItsNeighbours() async throws {
        let stores = try await StoreFactory.openMigrated(StoreConfiguration(dataDirectory: NSTemporaryDirectory() + "dt-gr-" + UUID().uuidString))
        let store = stores.database
        func user(_ email: String) async throws -> String {
            let id = UUID().uuidString
            try await store.createUser(UserRecord(id: id, email: email, passwordHash: "$2b$04$hash", createdAt: .now))
            return id
        }
        let ada = try await user("ada@example.com"), bob = try await user("bob@example.com")
        // Ten passages of 100 code points each.
        let chunks = (0..<10).map { ChunkRecord(ordinal: $0, page: 1, pageEnd: 1, start: $0 * 100, end: $0 * 100 + 100, wordCount: 15,
                                               text: "passage \($0)") }
        let text = String(repeating: "x", count: 1_000)
        let document = DocumentRecord(
            id: UUID().uuidString, ownerId: ada, title: "notes", filename: "notes.txt", format: .text, status: .ready, pageCount: 1,
            sizeBytes: 1_000, sha256: "abc", characters: 1_000, author: nil, quality: nil, objectKey: "k", createdAt: .now, updatedAt: .now)
        try await store.insertDocument(document, content: DocumentContent(text: text, pages: [PageRange(number: 1, start: 0, end: 1_000)], blocks: []),
                                       chunks: chunks)
        // Geneva in passages 2 and 7 (twice in 7); the WHO, its neighbour, in passage 5; "Common" everywhere.
        try await stores.graph.saveGraph(DocumentGraph(
            entities: [Self.entity("place:geneva", "Geneva", at: [210, 720, 760]),
                       Self.entity("organisation:world health organization", "World Health Organization", type: "organisation", at: [510]),
                       Self.entity("concept:common", "Common", type: "concept", at: (0..<10).map { $0 * 100 + 5 })],
            relations: [RelationContribution(source: "organisation:world health organization", target: "place:geneva", label: "is based in",
                                             weight: 2, mentions: [])]),
            documentId: document.id, ownerId: ada, version: EntityExtractor.version)
        let ids = try await store.chunkIds(documentId: document.id)
        var retrieval = GraphRetrieval(graph: stores.graph, layout: { documentId, ownerId in
            let ids = try await store.chunkIds(documentId: documentId)
            return zip(ids, try await store.chunks(documentId: documentId, ownerId: ownerId)).map { (id: $0, start: $1.start, end: $1.end) }
        }, passageCount: { try await store.chunkCount(ownerId: $0, documentIds: nil) })
        retrieval.maximumShare = 0.3

        #expect(try await retrieval.namedEntities(in: "What happened in Geneva last week?", ownerId: ada).map(\.key) == ["place:geneva"])
        #expect(try await retrieval.namedEntities(in: "what happened in geneva?", ownerId: ada).isEmpty, "only words written as names are tried")
        let passages = try await retrieval.passages(for: "What happened in Geneva?", ownerId: ada, documentIds: nil)
        #expect(passages.map(\.chunkId) == [ids[7], ids[2], ids[5]], "two mentions, one, then the neighbour's")
        #expect(passages.map(\.score) == [2, 1, 0.5])
        #expect(try await retrieval.passages(for: "Is Common everywhere?", ownerId: ada, documentIds: nil).isEmpty,
                "an entity in every passage says nothing about which one answers")
        #expect(try await retrieval.passages(for: "What happened in Geneva?", ownerId: bob, documentIds: nil).isEmpty, "owners apart")
        #expect(try await retrieval.passages(for: "What happened in Geneva?", ownerId: ada, documentIds: ["another"]).isEmpty,
                "only the documents asked about")
        #expect(try await retrieval.passages(for: "How do I plot a histogram?", ownerId: ada, documentIds: nil).isEmpty)

        // Reranking: the graph lifts passage 7 above hybrid's first and adds 5, which hybrid missed.
        let hybrid: [(chunkId: Int64, score: Double)] = [(ids[1], 0.9), (ids[7], 0.8), (ids[3], 0.1)]
        let reranked = retrieval.rerank(hybrid: hybrid, graph: passages).map(\.chunkId)
        #expect(reranked.first == ids[7] && reranked.contains(ids[5]) && reranked.count == 5)
        #expect(retrieval.rerank(hybrid: hybrid, graph: []).map(\.chunkId) == hybrid.map(\.chunkId))
    }

    @Test func questionPhrasesSkipFunctionWordsButKeepAcronyms() {
        let phrases = QuestionNames.phrases("Who did the United Nations meet in Geneva, and what did the WHO say?")
        #expect(phrases.contains("united nations") && phrases.contains("geneva") && phrases.contains("who"))
        #expect(!phrases.contains("the united nations") && !phrases.contains("did") && !phrases.contains("in geneva") && !phrases.contains("meet"))
        #expect(phrases.firstIndex(of: "united nations")! < phrases.firstIndex(of: "geneva")!, "longer phrases first")
    }
}
