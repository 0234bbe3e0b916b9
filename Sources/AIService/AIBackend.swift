public import Analysis
import DocuThinkerCore
public import Foundation
public import Retrieval
public import Storage

/// Everything the API asks of the AI/ML side: indexing, analyses, search, chat answers and job
/// status. `serve` (and `api` without `AI_SERVICE_URL`) uses `LocalAIBackend`, in process;
/// `api` with `AI_SERVICE_URL` uses `RemoteAIBackend`, which calls `docuthinker ai` over HTTP
/// (`AIServiceController` serves the same calls there). Both sides share the stores, so the API
/// reads documents, chats and accounts itself and only computation crosses the wire.
///
/// Every call names the owner; an AI backend never sees a document of someone else.
public protocol AIBackend: Sendable {
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
    /// Analyses of one kind for many of the caller's documents (the stored ones in one query);
    /// documents that are not the caller's or not ready are left out.
    func analyses(documentIds: [String], ownerId: String, kind: AnalysisKind, parameters: AnalysisParameters) async throws
        -> [String: AnalysisOutcome]
    /// An analysis of raw text (not stored).
    func analysis(text: String, kind: AnalysisKind, parameters: AnalysisParameters, ownerId: String) async throws -> AnalysisResult
    /// Keyword, semantic or hybrid search over the caller's chunks (a request the edge validated).
    func search(ownerId: String, _ request: SearchRequest) async throws -> [ChunkHit]
    /// A cited answer from the caller's documents (all of them when `documentIds` is nil).
    func answer(question: String, ownerId: String, documentIds: [String]?) async throws -> ChatService.Answer
    /// The same answer as it is written (`ChatService.answerStream`): retrieval errors are thrown
    /// here, the text follows as events; dropping the stream cancels the work behind it.
    func answerStream(question: String, ownerId: String, documentIds: [String]?) async throws -> AsyncThrowingStream<ChatService.Event, any Error>
    /// A cited answer from text sent with the question.
    func answer(question: String, inlineText: String) async throws -> ChatService.Answer
    /// What reading the caller's documents (all ready ones when nil) with the language model, for
    /// the knowledge graph, would cost (`llm_unavailable` when no model is configured).
    func graphExtractionEstimate(ownerId: String, documentIds: [String]?) async throws -> LLMGraphEstimate
    /// Starts that reading in the background (`LLMGraphExtraction.start`).
    func startGraphExtraction(ownerId: String, _ request: LLMGraphStartRequest) async throws -> LLMGraphJob
    /// The caller's current or last reading.
    func graphExtraction(ownerId: String) async throws -> LLMGraphJob
    /// Stops the caller's reading after the passages being read.
    func cancelGraphExtraction(ownerId: String) async throws -> LLMGraphJob
}

extension AIBackend {
    /// One call per document, eight at a time (what a backend without a batch call does).
    public func analyses(documentIds: [String], ownerId: String, kind: AnalysisKind, parameters: AnalysisParameters) async throws
        -> [String: AnalysisOutcome] {
        try await withThrowingTaskGroup(of: (String, AnalysisOutcome?).self) { group in
            var out: [String: AnalysisOutcome] = [:]
            var pending = documentIds[...]
            func next() {
                guard let id = pending.popFirst() else { return }
                group.addTask {
                    do {
                        return (id, try await analysis(documentId: id, ownerId: ownerId, kind: kind, parameters: parameters))
                    } catch let error as DomainError where error.kind == .notFound || error.kind == .conflict || error.kind == .unprocessable {
                        return (id, nil)
                    }
                }
            }
            for _ in 0..<8 { next() }
            while let (id, outcome) = try await group.next() {
                out[id] = outcome
                next()
            }
            return out
        }
    }

    /// An analysis of the caller's document, from the cache when there is one.
    public func analysis(documentId: String, ownerId: String, kind: AnalysisKind, parameters: AnalysisParameters) async throws -> AnalysisOutcome {
        try await analysis(documentId: documentId, ownerId: ownerId, kind: kind, parameters: parameters, refresh: false)
    }
}

/// An analysis result with whether it came from the cache and when it was made.
public struct AnalysisOutcome: Codable, Sendable {
    public var result: AnalysisResult
    public var cached: Bool
    public var createdAt: Date

    public init(result: AnalysisResult, cached: Bool, createdAt: Date) {
        self.result = result
        self.cached = cached
        self.createdAt = createdAt
    }
}

/// What the AI side offers: reported by `/health/ready` and used to label uploads.
public struct AICapabilities: Codable, Sendable {
    /// Semantic (and hybrid) search: the embedding model is loaded.
    public var semanticSearch: Bool
    public var embeddingModel: String
    /// `offline` or `llm` (with the offline engine as fallback).
    public var analysisEngine: String
    /// Names of the configured LLM providers (never their keys).
    public var llmProviders: [String]
}
