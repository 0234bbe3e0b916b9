import Analysis
public import Ingestion
public import KnowledgeGraph
public import Storage

/// Builds a document's knowledge graph: reads its stored text and sentences, extracts entities
/// and relations on the ingestion executor's low-priority threads, and replaces the document's
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
        let graph = try await executor.run { extractor.extract(text: document.text, sentences: document.sentences) }
        try await store.saveGraph(graph, documentId: documentId, ownerId: ownerId, version: EntityExtractor.version)
    }
}
