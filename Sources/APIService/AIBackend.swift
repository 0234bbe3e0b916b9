import Analysis
import Embeddings
import Retrieval
import Foundation
import ServerSupport
import Storage

/// Everything the API asks of the AI/ML side: indexing, analyses, search, chat answers and job
/// status. `serve` (and `api` without `AI_SERVICE_URL`) uses `LocalAIBackend`, in process;
/// `api` with `AI_SERVICE_URL` uses `RemoteAIBackend`, which calls `docuthinker ai` over HTTP
/// (`AIServiceController` serves the same calls there). Both sides share the stores, so the API
/// reads documents, chats and accounts itself and only computation crosses the wire.
///
/// Every call names the owner; an AI backend never sees a document of someone else.
protocol AIBackend: Sendable {
    /// What the AI side can do right now.
    func capabilities() async throws -> AICapabilities
    /// Tells the ingestion workers that a job was stored (they also poll the job store).
    func wakeIngestion() async throws
    /// Stops work running on a document of `ownerId` that was just deleted (workers elsewhere notice at
    /// their next lease renewal) and removes its vectors from the vector index.
    func documentDeleted(documentId: String, ownerId: String) async throws
    /// Indexing progress of the caller's document (404 when it is not theirs).
    func indexStatus(documentId: String, ownerId: String) async throws -> IndexStatus
    /// An analysis of the caller's document, cached per kind and parameters.
    func analysis(documentId: String, ownerId: String, kind: AnalysisKind, parameters: AnalysisParameters,
                  refresh: Bool) async throws -> AnalysisOutcome
    /// An analysis of raw text (not stored).
    func analysis(text: String, kind: AnalysisKind, parameters: AnalysisParameters, ownerId: String) async throws -> AnalysisResult
    /// Keyword, semantic or hybrid search over the caller's chunks.
    func search(ownerId: String, query: String, mode: SearchMode, documentIds: [String]?, limit: Int) async throws -> [ChunkHit]
    /// A cited answer from the caller's documents (all of them when `documentIds` is nil).
    func answer(question: String, ownerId: String, documentIds: [String]?) async throws -> ChatService.Answer
    /// The same answer as it is written (`ChatService.answerStream`): retrieval errors are thrown
    /// here, the text follows as events; dropping the stream cancels the work behind it.
    func answerStream(question: String, ownerId: String, documentIds: [String]?) async throws -> AsyncThrowingStream<ChatService.Event, any Error>
    /// A cited answer from text sent with the question.
    func answer(question: String, inlineText: String) async throws -> ChatService.Answer
}

extension AIBackend {
    func analysis(documentId: String, ownerId: String, kind: AnalysisKind, parameters: AnalysisParameters) async throws -> AnalysisOutcome {
        try await analysis(documentId: documentId, ownerId: ownerId, kind: kind, parameters: parameters, refresh: false)
    }
}

/// An analysis result with whether it came from the cache and when it was made.
struct AnalysisOutcome: Codable, Sendable {
    var result: AnalysisResult
    var cached: Bool
    var createdAt: Date
}

/// What the AI side offers: reported by `/health/ready` and used to label uploads.
struct AICapabilities: Codable, Sendable {
    /// Semantic (and hybrid) search: the embedding model is loaded.
    var semanticSearch: Bool
    var embeddingModel: String
    /// `offline` or `llm` (with the offline engine as fallback).
    var analysisEngine: String
    /// Names of the configured LLM providers (never their keys).
    var llmProviders: [String]
}

/// The AI side in this process: the analysis, search and chat services and the background
/// indexing and warming `Service`s, over the shared stores.
struct LocalAIBackend: AIBackend {
    let analyses: DocumentAnalysisService
    let searcher: SearchService
    let chat: ChatService
    /// The ingestion workers of this process (nil where none run, e.g. `docuthinker mcp`).
    let ingestion: IngestionWorker?
    let store: any SearchRepository & DocumentRepository
    let providerNames: [String]

    var embeddingModel: String { searcher.embedding?.embedder.modelID ?? "none" }

    func capabilities() async throws -> AICapabilities {
        AICapabilities(semanticSearch: searcher.embedding != nil, embeddingModel: embeddingModel,
                       analysisEngine: analyses.engine.name, llmProviders: providerNames)
    }

    func wakeIngestion() async throws {
        ingestion?.wake()
    }

    func documentDeleted(documentId: String, ownerId: String) async throws {
        // Only a document that is really gone: this cannot stop anyone's live work.
        guard try await store.documentExists(id: documentId) == false else { return }
        ingestion?.cancel(documentId: documentId)
        try await searcher.index?.remove(documentId: documentId, owner: ownerId)
    }

    func indexStatus(documentId: String, ownerId: String) async throws -> IndexStatus {
        try await requireDocument(documentId, ownerId: ownerId)
        return try await store.indexStatus(documentId: documentId)
            ?? IndexStatus(status: .pending, indexed: 0, total: 0, model: embeddingModel, updatedAt: .now)
    }

    func analysis(documentId: String, ownerId: String, kind: AnalysisKind, parameters: AnalysisParameters,
                  refresh: Bool) async throws -> AnalysisOutcome {
        try await analyses.analysis(documentId: documentId, ownerId: ownerId, kind: kind, parameters: parameters, refresh: refresh)
    }

    func analysis(text: String, kind: AnalysisKind, parameters: AnalysisParameters, ownerId: String) async throws -> AnalysisResult {
        try await analyses.analysis(text: text, kind: kind, parameters: parameters, ownerId: ownerId)
    }

    func search(ownerId: String, query: String, mode: SearchMode, documentIds: [String]?, limit: Int) async throws -> [ChunkHit] {
        try await searcher.search(ownerId: ownerId, query: query, mode: mode, documentIds: documentIds, limit: limit)
    }

    func answer(question: String, ownerId: String, documentIds: [String]?) async throws -> ChatService.Answer {
        try await chat.answer(question: question, ownerId: ownerId, documentIds: documentIds)
    }

    func answerStream(question: String, ownerId: String, documentIds: [String]?) async throws -> AsyncThrowingStream<ChatService.Event, any Error> {
        try await chat.answerStream(question: question, ownerId: ownerId, documentIds: documentIds)
    }

    func answer(question: String, inlineText: String) async throws -> ChatService.Answer {
        try await chat.answer(question: question, inlineText: inlineText)
    }

    private func requireDocument(_ id: String, ownerId: String) async throws {
        guard try await store.document(id: id, ownerId: ownerId) != nil else { throw DocumentService.notFound }
    }
}
