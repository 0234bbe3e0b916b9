import AIService
import Analysis
import DocuThinkerCore
import Extraction
import Foundation
import Ingestion
import KnowledgeGraph
import Storage
import StoreEngines
import Testing

/// Across the library, an acronym one document uses alone and the name another spells out are
/// one entity, whichever document is read first (real SQLite store, the offline extractor).
@Suite struct LibraryAliasingTests {
    static let spelledOut = "The World Health Organization (WHO) met in Geneva on Monday. Officials at the WHO praised the plan."
    static let alone = "On Tuesday the WHO warned of a new outbreak. The WHO asked for funds."

    /// Builds the two documents' graphs in `order` and returns the owner's library entities.
    func library(_ order: [String]) async throws -> (entities: [EntitySummary], store: any DatabaseStore, owner: String, ids: [String]) {
        let stores = try await StoreFactory.openMigrated(StoreConfiguration(dataDirectory: NSTemporaryDirectory() + "dt-alias-" + UUID().uuidString))
        let store = stores.database
        let owner = UUID().uuidString
        try await store.createUser(UserRecord(id: owner, email: "\(owner)@example.com", passwordHash: "$2b$04$hash", createdAt: .now))
        let executor = IngestionExecutor(threads: 1)
        let builder = GraphBuilder(documents: DocumentAnalysisService(documents: store, engine: OfflineAnalysisEngine()), store: store,
                                   extractor: EntityExtractor(gazetteer: .builtIn), executor: executor)
        var ids: [String] = []
        for text in order {
            let processed = try DocumentIngestor(extractor: DocumentExtractor()).processSynchronously(Data(text.utf8))
            let id = UUID().uuidString
            let record = DocumentRecord(
                id: id, ownerId: owner, title: "news", filename: "news.txt", format: .text, status: .ready, pageCount: 1,
                sizeBytes: processed.size, sha256: processed.sha256 + id, characters: processed.extraction.quality.characters, author: nil,
                quality: processed.extraction.quality, objectKey: id, createdAt: .now, updatedAt: .now)
            let extraction = processed.extraction
            try await store.insertDocument(record, content: DocumentContent(text: extraction.text, pages: extraction.pages, blocks: extraction.blocks),
                                           chunks: processed.chunkRecords)
            try await builder.buildGraph(documentId: id, ownerId: owner)
            ids.append(id)
        }
        await executor.shutdown()
        return (try await store.entities(ownerId: owner, prefix: "", limit: 50), store, owner, ids)
    }

    @Test(arguments: [[spelledOut, alone], [alone, spelledOut]])
    func anAcronymAndItsExpansionAreOneEntityWhicheverComesFirst(order: [String]) async throws {
        let (entities, store, owner, ids) = try await library(order)
        let who = entities.filter { $0.key.hasSuffix(":world health organization") || $0.key.hasSuffix(":who") }
        #expect(who.map(\.key) == ["organisation:world health organization"], "\(entities.map(\.key))")
        #expect(who.first?.documentCount == 2 && who.first?.mentionCount == 5, "3 in the spelled-out document (name, (WHO), the WHO), 2 alone: \(who)")
        #expect(who.first?.name == "World Health Organization")
        // The document that only says "WHO" keeps its own surface form and spans.
        let aloneId = ids[order.firstIndex(of: Self.alone)!]
        let graph = try #require(try await store.documentGraph(documentId: aloneId, ownerId: owner))
        let entity = try #require(graph.entities.first { $0.key == "organisation:world health organization" })
        #expect(entity.aliases == ["WHO"] && entity.mentions.count == 2)
        #expect(try await store.graphVersion(documentId: aloneId, ownerId: owner) == EntityExtractor.version)
    }

    @Test func renamingMergesEntitiesAndRelations() {
        let span = { (start: Int) in SourceSpan(page: 1, start: start, end: start + 3) }
        let graph = DocumentGraph(
            entities: [EntityContribution(key: "organisation:who", name: "WHO", type: "organisation", aliases: ["WHO"], mentions: [span(40)]),
                       EntityContribution(key: "organisation:world health organization", name: "World Health Organization", type: "organisation",
                                          aliases: ["World Health Organization"], mentions: [span(0)]),
                       EntityContribution(key: "place:geneva", name: "Geneva", type: "place", aliases: ["Geneva"], mentions: [span(20)])],
            relations: [RelationContribution(source: "organisation:who", target: "place:geneva", label: "met in", weight: 1, mentions: [span(40)]),
                        RelationContribution(source: "organisation:world health organization", target: "place:geneva", label: "met in", weight: 2,
                                             mentions: [span(0)]),
                        RelationContribution(source: "organisation:who", target: "organisation:world health organization", label: "", weight: 1,
                                             mentions: [])])
        let renamed = graph.renaming("organisation:who", to: "organisation:world health organization")
        #expect(renamed.entities.map(\.key) == ["organisation:world health organization", "place:geneva"])
        #expect(renamed.entities[0].aliases == ["World Health Organization", "WHO"] && renamed.entities[0].mentions.map(\.start) == [0, 40])
        #expect(renamed.relations == [RelationContribution(source: "organisation:world health organization", target: "place:geneva", label: "met in",
                                                           weight: 3, mentions: [span(40), span(0)])], "added up; the self-relation dropped")
        #expect(LibraryAliasing.initials(ofName: "Bank of England") == "be")
        #expect(LibraryAliasing.loneAcronym(graph.entities[0]) == "who" && LibraryAliasing.loneAcronym(graph.entities[1]) == nil)
    }
}
