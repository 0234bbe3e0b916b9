import Foundation

/// Produces analyses of documents. Implementations: `OfflineAnalysisEngine` (deterministic,
/// extractive, no network) and LLM-backed engines (later), with the same contract: every item
/// cites the sentences it comes from.
public protocol AnalysisEngine: Sendable {
    /// Short name reported in results, e.g. `offline`.
    var name: String { get }
    /// Changes whenever results would change; part of the cache key.
    var version: String { get }

    func summary(of document: AnalysisDocument, sentences: Int) async throws -> AnalysisResult
    func bulletSummary(of document: AnalysisDocument, sentences: Int) async throws -> AnalysisResult
    func keyIdeas(of document: AnalysisDocument, count: Int) async throws -> AnalysisResult
    func discussionPoints(of document: AnalysisDocument, count: Int) async throws -> AnalysisResult
    func recommendations(of document: AnalysisDocument, count: Int) async throws -> AnalysisResult
    /// Refines `summary` (shorter, longer, focused on a term) using the document's sentences.
    func refineSummary(_ summary: String, instruction: String, document: AnalysisDocument) async throws -> AnalysisResult
    func sentiment(of document: AnalysisDocument) async throws -> AnalysisResult
    func analytics(of document: AnalysisDocument) async throws -> AnalysisResult
    func summaryInLanguage(of document: AnalysisDocument, language: String) async throws -> AnalysisResult
    func rewrite(_ document: AnalysisDocument, style: String) async throws -> AnalysisResult
}

extension AnalysisEngine {
    /// Runs the analysis `kind` with `parameters` (defaults: medium summary, 8 key ideas,
    /// 6 discussion points and recommendations).
    public func run(_ kind: AnalysisKind, parameters: AnalysisParameters, on document: AnalysisDocument) async throws -> AnalysisResult {
        let count = min(30, max(1, parameters.count ?? (kind == .keyIdeas ? 8 : 6)))
        switch kind {
        case .summary: return try await summary(of: document, sentences: parameters.summaryBudget(default: .medium))
        case .bulletSummary: return try await bulletSummary(of: document, sentences: parameters.summaryBudget(default: .medium))
        case .keyIdeas: return try await keyIdeas(of: document, count: count)
        case .discussionPoints: return try await discussionPoints(of: document, count: count)
        case .recommendations: return try await recommendations(of: document, count: count)
        case .sentiment: return try await sentiment(of: document)
        case .analytics: return try await analytics(of: document)
        case .refineSummary:
            guard let instruction = parameters.instruction?.trimmingCharacters(in: .whitespacesAndNewlines), !instruction.isEmpty else {
                throw AnalysisError(.invalidParameters, "refine-summary needs an 'instruction' (e.g. \"shorter\" or \"focus on costs\").")
            }
            let base: String
            if let summary = parameters.summary, !summary.isEmpty {
                base = summary
            } else {
                base = try await self.summary(of: document, sentences: 6).summary ?? ""
            }
            return try await refineSummary(base, instruction: instruction, document: document)
        case .summaryInLanguage:
            guard let language = parameters.language, !language.isEmpty else {
                throw AnalysisError(.invalidParameters, "summary-in-language needs a 'language'.")
            }
            return try await summaryInLanguage(of: document, language: language)
        case .rewrite:
            guard let style = parameters.style, !style.isEmpty else {
                throw AnalysisError(.invalidParameters, "rewrite needs a 'style' (e.g. \"formal\").")
            }
            return try await rewrite(document, style: style)
        }
    }
}
