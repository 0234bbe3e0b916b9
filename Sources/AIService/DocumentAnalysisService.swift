public import Analysis
import DocuThinkerCore
import Foundation
import Ingestion
public import Storage

/// Analyses of the caller's documents, cached per (document, kind, parameters, engine version),
/// and of raw text. Runs on the AI side (`LocalAIBackend`).
public struct DocumentAnalysisService: Sendable {
    let documents: any DocumentRepository & AnalysisRepository
    /// The engine that writes the analyses (its name and version key the cache).
    public let engine: any AnalysisEngine
    /// Where language-model usage is counted per user (nil: not counted).
    public var usage: (any UsageRepository)? = nil

    public init(documents: any DocumentRepository & AnalysisRepository, engine: any AnalysisEngine) {
        self.documents = documents
        self.engine = engine
    }

    public typealias Outcome = AnalysisOutcome

    /// The caller's document prepared for analysis, or a 404.
    public func document(id: String, ownerId: String) async throws -> AnalysisDocument {
        guard let content = try await documents.content(documentId: id, ownerId: ownerId) else {
            guard let record = try await documents.document(id: id, ownerId: ownerId) else { throw DocumentErrors.notFound }
            throw DocumentErrors.contentUnavailable(record)
        }
        // The sentences stored at import (one segmentation for ingestion, analyses and citations);
        // documents stored before sentences were kept are segmented here.
        let stored = try await documents.sentences(documentId: id, ownerId: ownerId)
        var document = AnalysisDocument(id: id, text: content.text, pages: content.pages, blocks: content.blocks,
                                sentenceSpans: stored.isEmpty ? nil : stored.map { SourceSpan(page: $0.page, start: $0.start, end: $0.end) },
                                sentenceRoles: stored.isEmpty ? nil : stored.map(\.role))
        document.title = try await documents.document(id: id, ownerId: ownerId)?.title
        return document
    }

    public func analysis(documentId: String, ownerId: String, kind: AnalysisKind, parameters: AnalysisParameters,
                  refresh: Bool = false) async throws -> Outcome {
        guard try await documents.document(id: documentId, ownerId: ownerId) != nil else {
            throw DocumentErrors.notFound
        }
        let key = AnalysisKey(documentId: documentId, kind: kind.rawValue, parameters: parameters.cacheKey(for: kind),
                              engine: engine.name, engineVersion: engine.version)
        if !refresh, let stored = try await documents.analysis(key, as: AnalysisResult.self) {
            ProductMetrics.cacheLookup("analysis", hit: true)
            return Outcome(result: stored.result, cached: true, createdAt: stored.createdAt)
        }
        ProductMetrics.cacheLookup("analysis", hit: false)
        let document = try await document(id: documentId, ownerId: ownerId)
        let result = try await run(kind, parameters: parameters, on: document)
        await record(result, ownerId: ownerId)
        let now = Date.now
        try await documents.saveAnalysis(key, result: result, at: now)
        return Outcome(result: result, cached: false, createdAt: now)
    }

    /// The analyses of many of the caller's documents: the stored ones in one query, the others
    /// computed one by one. Documents that are not the caller's, or whose text is not ready, are
    /// left out of the answer.
    public func analyses(documentIds: [String], ownerId: String, kind: AnalysisKind, parameters: AnalysisParameters) async throws
        -> [String: Outcome] {
        let key = AnalysisBatchKey(documentIds: documentIds, kind: kind.rawValue, parameters: parameters.cacheKey(for: kind),
                                   engine: engine.name, engineVersion: engine.version)
        var out = try await documents.analyses(key, ownerId: ownerId, as: AnalysisResult.self)
            .mapValues { Outcome(result: $0.result, cached: true, createdAt: $0.createdAt) }
        for _ in out { ProductMetrics.cacheLookup("analysis", hit: true) }
        for id in documentIds where out[id] == nil {
            do {
                out[id] = try await analysis(documentId: id, ownerId: ownerId, kind: kind, parameters: parameters)
            } catch let error as DomainError where error.kind == .notFound || error.kind == .conflict || error.kind == .unprocessable {
                continue
            }
        }
        return out
    }

    /// Analyses raw text (not stored); citations point into that text under the id `inline`.
    public func analysis(text: String, kind: AnalysisKind, parameters: AnalysisParameters, ownerId: String) async throws -> AnalysisResult {
        let result = try await run(kind, parameters: parameters, on: AnalysisDocument(id: "inline", text: text))
        await record(result, ownerId: ownerId)
        return result
    }

    /// Counts a language model's tokens against the user (best effort: accounting never fails a request).
    private func record(_ result: AnalysisResult, ownerId: String) async {
        guard let usage, let used = result.usage else { return }
        try? await usage.recordUsage(userId: ownerId, .request(
            provider: used.provider, model: used.model, inputTokens: used.inputTokens, outputTokens: used.outputTokens))
    }

    private func run(_ kind: AnalysisKind, parameters: AnalysisParameters, on document: AnalysisDocument) async throws -> AnalysisResult {
        do {
            return try await engine.run(kind, parameters: parameters, on: document)
        } catch let error as AnalysisError {
            throw error.domainError
        }
    }
}

extension DocumentAnalysisService: IngestionAnalyses {
    public func analyse(documentId: String, ownerId: String, kind: AnalysisKind) async throws {
        _ = try await analysis(documentId: documentId, ownerId: ownerId, kind: kind, parameters: .init())
    }
}

extension AnalysisError {
    /// As the core reports it to every edge: `llm_unavailable` (unavailable), `validation_failed`
    /// (invalid parameters), `no_text` (unprocessable).
    var domainError: DomainError {
        switch code {
        case .llmUnavailable: DocumentErrors.llmUnavailable(message)
        case .invalidParameters: DomainError(.invalid, code: "validation_failed", message: message)
        case .noText: DomainError(.unprocessable, code: code.rawValue, message: message)
        }
    }
}
