public import Analysis
import DocuThinkerCore
import Embeddings
public import Foundation
public import Ingestion
public import Retrieval
public import Storage
import Tracing

/// The AI side in this process: the analysis, search and chat services and the background
/// indexing and warming `Service`s, over the shared stores.
public struct LocalAIBackend: AIBackend {
    public let analyses: DocumentAnalysisService
    public let searcher: SearchService
    public let chat: ChatService
    /// The ingestion workers of this process (nil where none run, e.g. `docuthinker mcp`).
    public let ingestion: IngestionWorker?
    /// Brings stored knowledge graphs to the extractor's version (with the ingestion workers).
    public var graphRebuild: GraphRebuildService?
    /// The knowledge graph's store, told of deleted documents (an external graph database keeps
    /// their contributions otherwise).
    public var graph: (any GraphStore)?
    /// Reads documents with the language model for the knowledge graph (nil without a model, or
    /// where no graphs are built).
    public var llmGraph: LLMGraphExtraction?
    let store: any SearchRepository & DocumentRepository
    let providerNames: [String]

    public init(analyses: DocumentAnalysisService, searcher: SearchService, chat: ChatService, ingestion: IngestionWorker?,
                store: any SearchRepository & DocumentRepository, providerNames: [String]) {
        self.analyses = analyses
        self.searcher = searcher
        self.chat = chat
        self.ingestion = ingestion
        self.store = store
        self.providerNames = providerNames
    }

    public var embeddingModel: String { searcher.embedding?.embedder.modelID ?? "none" }

    public func capabilities() async throws -> AICapabilities {
        AICapabilities(semanticSearch: searcher.embedding != nil, embeddingModel: embeddingModel,
                       analysisEngine: analyses.engine.name, llmProviders: providerNames)
    }

    public func wakeIngestion() async throws {
        ingestion?.wake()
    }

    public func documentDeleted(documentId: String, ownerId: String) async throws {
        // Only a document that is really gone: this cannot stop anyone's live work.
        guard try await store.documentExists(id: documentId) == false else { return }
        ingestion?.cancel(documentId: documentId)
        try await searcher.index?.remove(documentId: documentId, owner: ownerId)
        try await graph?.forgetDocument(documentId: documentId, ownerId: ownerId)
    }

    public func indexStatus(documentId: String, ownerId: String) async throws -> IndexStatus {
        try await requireDocument(documentId, ownerId: ownerId)
        return try await store.indexStatus(documentId: documentId)
            ?? IndexStatus(status: .pending, indexed: 0, total: 0, model: embeddingModel, updatedAt: .now)
    }

    public func analysis(documentId: String, ownerId: String, kind: AnalysisKind, parameters: AnalysisParameters,
                  refresh: Bool) async throws -> AnalysisOutcome {
        try await analyses.analysis(documentId: documentId, ownerId: ownerId, kind: kind, parameters: parameters, refresh: refresh)
    }

    public func analyses(documentIds: [String], ownerId: String, kind: AnalysisKind, parameters: AnalysisParameters) async throws
        -> [String: AnalysisOutcome] {
        try await analyses.analyses(documentIds: documentIds, ownerId: ownerId, kind: kind, parameters: parameters)
    }

    public func analysis(text: String, kind: AnalysisKind, parameters: AnalysisParameters, ownerId: String) async throws -> AnalysisResult {
        try await analyses.analysis(text: text, kind: kind, parameters: parameters, ownerId: ownerId)
    }

    public func search(ownerId: String, _ request: SearchRequest) async throws -> [ChunkHit] {
        try await searcher.search(ownerId: ownerId, request)
    }

    public func answer(question: String, ownerId: String, documentIds: [String]?) async throws -> ChatService.Answer {
        try await withSpan("answer") { span in
            let answer = try await chat.answer(question: question, ownerId: ownerId, documentIds: documentIds)
            span.attributes["docuthinker.answer.found"] = answer.found
            span.attributes["docuthinker.answer.citations"] = answer.citations.count
            return answer
        }
    }

    public func answerStream(question: String, ownerId: String, documentIds: [String]?) async throws -> AsyncThrowingStream<ChatService.Event, any Error> {
        try await chat.answerStream(question: question, ownerId: ownerId, documentIds: documentIds)
    }

    public func answer(question: String, inlineText: String) async throws -> ChatService.Answer {
        try await chat.answer(question: question, inlineText: inlineText)
    }

    public func graphExtractionEstimate(ownerId: String, documentIds: [String]?) async throws -> LLMGraphEstimate {
        try await requireLLMGraph().estimate(ownerId: ownerId, documentIds: documentIds)
    }

    public func startGraphExtraction(ownerId: String, _ request: LLMGraphStartRequest) async throws -> LLMGraphJob {
        try await requireLLMGraph().start(ownerId: ownerId, request)
    }

    public func graphExtraction(ownerId: String) async throws -> LLMGraphJob {
        guard let llmGraph else { return .idle }
        return await llmGraph.job(ownerId: ownerId)
    }

    public func cancelGraphExtraction(ownerId: String) async throws -> LLMGraphJob {
        guard let llmGraph else { return .idle }
        return await llmGraph.cancel(ownerId: ownerId)
    }

    private func requireLLMGraph() throws -> LLMGraphExtraction {
        guard let llmGraph else {
            throw DocumentErrors.llmUnavailable(providerNames.isEmpty
                ? "No language model is configured: set OPENAI_API_KEY (or OPENAI_BASE_URL for a local server), ANTHROPIC_API_KEY, GOOGLE_API_KEY or DOCUTHINKER_BEDROCK_MODEL, then restart."
                : "This process builds no knowledge graphs (no ingestion workers run here).")
        }
        return llmGraph
    }

    private func requireDocument(_ id: String, ownerId: String) async throws {
        guard try await store.document(id: id, ownerId: ownerId) != nil else { throw DocumentErrors.notFound }
    }
}
