import AIService
import DocuThinkerCore
import Analysis
import Foundation
import Hummingbird
import ServerSupport

/// DocuThinker's original AI routes as thin, authenticated aliases. Each takes either raw text
/// (`documentText`) or one of the caller's documents (`documentId`) and answers with the
/// original's field names, plus `items` with citations.
struct LegacyAnalysisController: Sendable {
    let service: any AIBackend

    /// Raw text or one of the caller's documents, and the parameters some analyses take (REST body and GraphQL arguments).
    struct Input: Codable, Sendable {
        var documentText: String?
        var documentId: String?
        var language: String?
        var style: String?
        var summary: String?
        var refinementInstructions: String?
    }

    func addRoutes(to router: RouterGroup<AppRequestContext>) {
        router.post("generate-key-ideas") { request, context in
            let result = try await run(.keyIdeas, request, context)
            return try JSONIO.response(KeyIdeas(keyIdeas: Self.markdownList(result, bold: true), items: result.items))
        }
        router.post("generate-discussion-points") { request, context in
            let result = try await run(.discussionPoints, request, context)
            return try JSONIO.response(DiscussionPoints(discussionPoints: Self.markdownList(result), items: result.items))
        }
        router.post("bullet-summary") { request, context in
            let result = try await run(.bulletSummary, request, context)
            return try JSONIO.response(Summary(summary: result.summary ?? "", items: result.items))
        }
        router.post("summary-in-language") { request, context in
            let result = try await run(.summaryInLanguage, request, context)
            return try JSONIO.response(Summary(summary: result.summary ?? "", items: result.items))
        }
        router.post("content-rewriting") { request, context in
            let result = try await run(.rewrite, request, context)
            return try JSONIO.response(Rewritten(rewrittenContent: result.summary ?? "", items: result.items))
        }
        router.post("actionable-recommendations") { request, context in
            let result = try await run(.recommendations, request, context)
            return try JSONIO.response(Recommendations(recommendations: Self.markdownList(result), items: result.items, notes: result.notes))
        }
        router.post("refine-summary") { request, context in
            let result = try await run(.refineSummary, request, context)
            return try JSONIO.response(Refined(refinedSummary: result.summary ?? "", items: result.items, notes: result.notes))
        }
        router.post("sentiment-analysis") { request, context in
            let result = try await run(.sentiment, request, context)
            let sentiment = result.sentiment
            return try JSONIO.response(Sentiment(
                sentimentScore: sentiment?.score ?? 0, description: sentiment?.description ?? "",
                label: sentiment?.label ?? "neutral", sections: result.items))
        }
    }

    struct KeyIdeas: Encodable { var message = "Key ideas generated"; var keyIdeas: String; var items: [AnalysisItem] }
    struct DiscussionPoints: Encodable { var message = "Discussion points generated"; var discussionPoints: String; var items: [AnalysisItem] }
    struct Summary: Encodable { var summary: String; var items: [AnalysisItem] }
    struct Rewritten: Encodable { var rewrittenContent: String; var items: [AnalysisItem] }
    struct Recommendations: Encodable { var recommendations: String; var items: [AnalysisItem]; var notes: [String] }
    struct Refined: Encodable { var refinedSummary: String; var items: [AnalysisItem]; var notes: [String] }
    struct Sentiment: Encodable { var sentimentScore: Double; var description: String; var label: String; var sections: [AnalysisItem] }

    private func run(_ kind: AnalysisKind, _ request: Request, _ context: AppRequestContext) async throws -> AnalysisResult {
        let owner = try context.requireUser()
        return try await run(kind, input: try await JSONIO.decode(Input.self, from: request, limit: 10 * 1024 * 1024), owner: owner)
    }

    /// One of the original's analyses of raw text or of the caller's document (REST and GraphQL).
    func run(_ kind: AnalysisKind, input: Input, owner: String) async throws -> AnalysisResult {
        var parameters = AnalysisParameters(language: input.language, style: input.style)
        // Without a language model these cannot run at all: say so before asking for parameters.
        if let reason = kind.needsLLMBecause, try await service.capabilities().llmProviders.isEmpty {
            throw DocumentErrors.llmUnavailable(reason)
        }
        switch kind {
        case .summaryInLanguage where (input.language ?? "").trimmingCharacters(in: .whitespaces).isEmpty:
            throw APIError.badRequest("Invalid document text or language: 'language' is required.", code: "validation_failed")
        case .rewrite where (input.style ?? "").trimmingCharacters(in: .whitespaces).isEmpty:
            throw APIError.badRequest("Invalid document text or style: 'style' is required.", code: "validation_failed")
        case .refineSummary:
            guard let summary = input.summary, !summary.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty,
                  let instruction = input.refinementInstructions, !instruction.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw APIError.badRequest("Invalid summary or refinement instructions.", code: "validation_failed")
            }
            parameters.summary = summary
            parameters.instruction = instruction
            // Without a document, the summary itself is the text being refined.
            if input.documentId == nil {
                return try await service.analysis(text: summary, kind: kind, parameters: parameters, ownerId: owner)
            }
        default: break
        }
        if let id = input.documentId {
            return try await service.analysis(documentId: id, ownerId: owner, kind: kind, parameters: parameters).result
        }
        guard let text = input.documentText, !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw APIError.badRequest("Invalid document text: send 'documentText' or 'documentId'.", code: "validation_failed")
        }
        return try await service.analysis(text: text, kind: kind, parameters: parameters, ownerId: owner)
    }

    /// The items as a Markdown list with page references, as the original's free-form answers.
    static func markdownList(_ result: AnalysisResult, bold: Bool = false) -> String {
        result.items.map { item in
            let pages = Array(Set(item.citations.map(\.page))).sorted().map(String.init).joined(separator: ", ")
            let text = bold ? "**\(item.text)** — \(item.detail ?? "")" : item.text
            return "- \(text)" + (pages.isEmpty ? "" : " (p. \(pages))")
        }.joined(separator: "\n")
    }
}
