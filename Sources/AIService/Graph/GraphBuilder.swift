import Analysis
public import Ingestion
public import KnowledgeGraph
public import Storage

/// Builds a document's knowledge graph: reads its stored text and sentences, extracts entities
/// and relations on the ingestion executor's low-priority threads, merges what a language model
/// read in it (`LLMGraphRecord`, when a user had it read), and replaces the document's
/// contributions (tagged with the extractor's version).
public struct GraphBuilder: IngestionGraph {
    let documents: DocumentAnalysisService
    let store: any GraphStore
    public let extractor: EntityExtractor
    let executor: IngestionExecutor

    public init(documents: DocumentAnalysisService, store: any GraphStore, extractor: EntityExtractor, executor: IngestionExecutor) {
        self.documents = documents
        self.store = store
        self.extractor = extractor
        self.executor = executor
    }

    public func buildGraph(documentId: String, ownerId: String) async throws {
        let document = try await documents.document(id: documentId, ownerId: ownerId)
        let extractor = extractor
        var graph = try await executor.run { extractor.extract(text: document.text, sentences: document.sentences) }
        // What a language model read in the document (when a user had it read) joins the same graph.
        if let read = try await LLMGraphRecords(store: documents.documents).load(documentId) {
            graph = graph.merging(llm: read.graph)
        }
        let aligned = try await alignWithLibrary(graph, documentId: documentId, ownerId: ownerId)
        try await store.saveGraph(aligned, documentId: documentId, ownerId: ownerId, version: EntityExtractor.version)
    }

    /// An acronym and the name it spells are one entity across the owner's library, whichever
    /// document came first: an acronym this document uses alone joins the one library entity whose
    /// name it spells; an acronym this document spells out takes over the other documents'
    /// contributions filed under the bare acronym (their stored graphs are re-keyed and saved again).
    func alignWithLibrary(_ graph: DocumentGraph, documentId: String, ownerId: String) async throws -> DocumentGraph {
        var graph = graph
        let lone = graph.entities.compactMap { entity in LibraryAliasing.loneAcronym(entity).map { (entity, $0) } }
        if !lone.isEmpty {
            let library = try await store.entities(ownerId: ownerId, prefix: "", limit: 5_000)
            for (entity, acronym) in lone {
                let spelled = library.filter { !$0.key.hasPrefix("date:") && LibraryAliasing.initials(ofName: $0.name) == acronym }
                if spelled.count == 1, let target = spelled.first {
                    graph = graph.renaming(entity.key, to: target.key, name: target.name, type: target.type)
                }
            }
        }
        for entity in graph.entities {
            for acronym in LibraryAliasing.spelledAcronyms(entity) {
                for type in EntityType.allCases where type != .date && "\(type.rawValue):\(acronym)" != entity.key {
                    let key = "\(type.rawValue):\(acronym)"
                    guard let found = try await store.entity(key: key, ownerId: ownerId) else { continue }
                    for other in found.contributions.keys where other != documentId {
                        guard let stored = try await store.documentGraph(documentId: other, ownerId: ownerId),
                              let version = try await store.graphVersion(documentId: other, ownerId: ownerId) else { continue }
                        try await store.saveGraph(stored.renaming(key, to: entity.key, name: entity.name, type: entity.type),
                                                  documentId: other, ownerId: ownerId, version: version)
                    }
                }
            }
        }
        return graph
    }
}
