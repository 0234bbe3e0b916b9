import DocuThinkerCore
import Foundation
import LLM
import TextProcessing

/// Analyses written by a language model through the router, grounded in numbered sentences of
/// the document and mapped back to their spans (sources the model invents are dropped and
/// counted). Long documents are reduced first: the most salient sentences (offline ranker) fill
/// the context budget; beyond that, map-reduce over sections. When no provider answers, the
/// operations the offline engine supports fall back to it; translation and rewriting cannot.
public struct LLMAnalysisEngine: AnalysisEngine {
    public let name = "llm"
    public let version = "1.0"
    let router: LLMRouter
    let offline: OfflineAnalysisEngine
    /// Source sentences shown per call (about 4–6k tokens of context).
    let maxSources: Int
    /// At most this many map calls for one long document (the most salient sentences are kept).
    let maxMapCalls: Int

    public init(router: LLMRouter, offline: OfflineAnalysisEngine = .init(), maxSources: Int = 120, maxMapCalls: Int = 8) {
        self.router = router
        self.offline = offline
        self.maxSources = maxSources
        self.maxMapCalls = maxMapCalls
    }

    public func summary(of document: AnalysisDocument, sentences: Int) async throws -> AnalysisResult {
        try await generate(.summary, document, parameters: .init(sentences: sentences)) { try await offline.summary(of: document, sentences: sentences) }
    }

    public func bulletSummary(of document: AnalysisDocument, sentences: Int) async throws -> AnalysisResult {
        try await generate(.bulletSummary, document, parameters: .init(sentences: sentences)) { try await offline.bulletSummary(of: document, sentences: sentences) }
    }

    public func keyIdeas(of document: AnalysisDocument, count: Int) async throws -> AnalysisResult {
        try await generate(.keyIdeas, document, parameters: .init(count: count)) { try await offline.keyIdeas(of: document, count: count) }
    }

    public func discussionPoints(of document: AnalysisDocument, count: Int) async throws -> AnalysisResult {
        try await generate(.discussionPoints, document, parameters: .init(count: count)) { try await offline.discussionPoints(of: document, count: count) }
    }

    public func recommendations(of document: AnalysisDocument, count: Int) async throws -> AnalysisResult {
        try await generate(.recommendations, document, parameters: .init(count: count)) { try await offline.recommendations(of: document, count: count) }
    }

    public func refineSummary(_ summary: String, instruction: String, document: AnalysisDocument) async throws -> AnalysisResult {
        try await generate(.refineSummary, document, parameters: .init(summary: summary, instruction: instruction)) {
            try await offline.refineSummary(summary, instruction: instruction, document: document)
        }
    }

    public func sentiment(of document: AnalysisDocument) async throws -> AnalysisResult {
        try await generate(.sentiment, document, parameters: .init()) { try await offline.sentiment(of: document) }
    }

    public func analytics(of document: AnalysisDocument) async throws -> AnalysisResult {
        try await offline.analytics(of: document)
    }

    public func summaryInLanguage(of document: AnalysisDocument, language: String) async throws -> AnalysisResult {
        try await generate(.summaryInLanguage, document, parameters: .init(sentences: 6, language: language), fallback: nil)
    }

    public func rewrite(_ document: AnalysisDocument, style: String) async throws -> AnalysisResult {
        try await generate(.rewrite, document, parameters: .init(style: style), fallback: nil)
    }

    // MARK: - Generation

    /// The sentences the model may see, in document order: all of them, or for long documents
    /// the most salient ones (offline ranker) up to `maxSources × maxMapCalls`.
    func sources(_ document: AnalysisDocument, kind: AnalysisKind) -> [Int] {
        let all = Array(document.sentences.indices)
        let budget = kind == .rewrite ? maxSources : maxSources * maxMapCalls
        guard all.count > budget else { return all }
        if kind == .rewrite { return Array(all.prefix(budget)) }
        let features = SentenceFeatures(document: document)
        let scores = SentenceRanker().salience(document, features: features)
        return all.sorted { scores[$0] > scores[$1] || (scores[$0] == scores[$1] && $0 < $1) }.prefix(budget).sorted()
    }

    /// Kinds whose partial results can be merged by a reduce call.
    static let reducible: Set<AnalysisKind> = [.summary, .bulletSummary, .keyIdeas, .discussionPoints, .recommendations, .summaryInLanguage]

    func generate(_ kind: AnalysisKind, _ document: AnalysisDocument, parameters: AnalysisParameters,
                  fallback: (@Sendable () async throws -> AnalysisResult)?) async throws -> AnalysisResult {
        guard !document.sentences.isEmpty else { throw AnalysisError(.noText, "The document has no text to analyse.") }
        var chosen = sources(document, kind: kind)
        var mapNotes: [String] = []
        var mapUsage = LLMUsage(inputTokens: 0, outputTokens: 0)
        var groundedItems: [AnalysisItem]? = nil
        if chosen.count > maxSources, Self.reducible.contains(kind) {
            // Map: partial results per section of sources, each item already cited.
            var partial: [AnalysisItem] = []
            do {
                for start in stride(from: 0, to: chosen.count, by: maxSources) {
                    let group = Array(chosen[start..<min(chosen.count, start + maxSources)])
                    let mapped = try await call(.summary, document, group: group, parameters: AnalysisParameters(sentences: 5))
                    partial += mapped.items
                    mapUsage.inputTokens += mapped.usage.inputTokens
                    mapUsage.outputTokens += mapped.usage.outputTokens
                }
            } catch let error as LLMError where error.code == .unavailable {
                guard let fallback else { throw AnalysisError(.llmUnavailable, "No LLM provider could answer (\(error.message)).") }
                var result = try await fallback()
                result.notes.append("The offline engine wrote this result: \(error.message)")
                return result
            }
            mapNotes.append("Long document: \(partial.count) partial points from \((chosen.count + maxSources - 1) / maxSources) sections were combined.")
            groundedItems = partial
            chosen = []
        }
        let numbered: [(number: Int, text: String)] = groundedItems.map { items in
            items.enumerated().map { (number: $0.offset + 1, text: $0.element.text) }
        } ?? chosen.enumerated().map { (number: $0.offset + 1, text: document.sentences[$0.element].text) }
        let sourcesLabel = groundedItems == nil ? "Source sentences" : "Points from the document's sections (each already grounded)"
        let prompt = LLMPrompts.task(kind, sentences: parameters.sentences ?? 6, count: parameters.count ?? 6,
                                     language: parameters.language, style: parameters.style,
                                     instruction: parameters.instruction, summary: parameters.summary)
        var request = LLMRequest(system: LLMPrompts.system, messages: [
            .init(role: .user, content: "\(sourcesLabel):\n\(LLMPrompts.sources(numbered))\n\nTask: \(prompt)"),
        ], maxTokens: 2_048, temperature: 0.2, json: true)
        let response: LLMResponse
        do {
            response = try await router.complete(request)
        } catch let error as LLMError where error.code == .unavailable {
            guard let fallback else {
                throw AnalysisError(.llmUnavailable, "No LLM provider could answer (\(error.message)).")
            }
            var result = try await fallback()
            result.notes.append("The offline engine wrote this result: \(error.message)")
            return result
        }
        var usage = LLMUsage(inputTokens: response.usage.inputTokens + mapUsage.inputTokens,
                             outputTokens: response.usage.outputTokens + mapUsage.outputTokens)
        var parsed = Self.parse(response.text)
        if parsed == nil {
            // One repair attempt with the model's own answer in the conversation.
            request.messages += [.init(role: .assistant, content: response.text), .init(role: .user, content: LLMPrompts.repair)]
            let retry = try await router.complete(request)
            usage.inputTokens += retry.usage.inputTokens
            usage.outputTokens += retry.usage.outputTokens
            parsed = Self.parse(retry.text)
        }
        guard let object = parsed else { throw AnalysisError(.invalidParameters, "The language model did not return valid JSON.") }
        var dropped = 0
        var items: [AnalysisItem] = []
        for entry in object["items"] as? [[String: Any]] ?? [] {
            guard let text = (entry["text"] as? String)?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else { continue }
            let numbers = (entry["sources"] as? [Any] ?? []).compactMap { ($0 as? Int) ?? Int("\($0)".filter(\.isNumber)) }
            var citations: [Citation] = []
            for number in numbers {
                guard number >= 1, number <= numbered.count else { dropped += 1; continue }
                let found = groundedItems.map { $0[number - 1].citations } ?? [document.citation(ofSentence: chosen[number - 1])]
                for citation in found where !citations.contains(citation) { citations.append(citation) }
            }
            items.append(AnalysisItem(text: text, citations: citations, phrase: entry["phrase"] as? String))
        }
        var notes: [String] = mapNotes
        if dropped > 0 { notes.append("\(dropped) cited source number(s) did not exist and were dropped.") }
        let uncited = items.filter { $0.citations.isEmpty }.count
        if uncited > 0 { notes.append("\(uncited) item(s) cite no source.") }
        var sentiment: SentimentReport?
        if kind == .sentiment {
            let score = max(-1, min(1, (object["score"] as? Double) ?? Double("\(object["score"] ?? 0)") ?? 0))
            sentiment = SentimentReport(score: score, label: object["label"] as? String ?? (score > 0.05 ? "positive" : score < -0.05 ? "negative" : "neutral"),
                                        description: object["description"] as? String ?? "", positiveShare: 0, negativeShare: 0, neutralShare: 0)
        }
        let joined: String? = switch kind {
        case .summary, .refineSummary, .summaryInLanguage: items.map(\.text).joined(separator: " ")
        case .bulletSummary: items.map { "- \($0.text)" }.joined(separator: "\n")
        case .rewrite: items.map(\.text).joined(separator: "\n\n")
        default: nil
        }
        var result = AnalysisResult(kind: kind, engine: name, engineVersion: version, documentId: document.id, items: items,
                                    summary: joined, sentiment: sentiment, parameters: parameters.cacheKey(for: kind), notes: notes)
        result.usage = AnalysisUsage(provider: response.provider, model: response.model,
                                     inputTokens: usage.inputTokens, outputTokens: usage.outputTokens)
        return result
    }

    /// One grounded call over a group of sentences: items with citations, and the tokens used.
    func call(_ kind: AnalysisKind, _ document: AnalysisDocument, group: [Int], parameters: AnalysisParameters) async throws
        -> (items: [AnalysisItem], usage: LLMUsage) {
        let numbered = group.enumerated().map { (number: $0.offset + 1, text: document.sentences[$0.element].text) }
        let prompt = LLMPrompts.task(kind, sentences: parameters.sentences ?? 5, count: parameters.count ?? 5, language: nil, style: nil,
                                     instruction: nil, summary: nil)
        let request = LLMRequest(system: LLMPrompts.system, messages: [
            .init(role: .user, content: "Source sentences:\n\(LLMPrompts.sources(numbered))\n\nTask: \(prompt)"),
        ], maxTokens: 1_024, temperature: 0.2, json: true)
        let response = try await router.complete(request)
        let object = Self.parse(response.text) ?? [:]
        let items: [AnalysisItem] = (object["items"] as? [[String: Any]] ?? []).compactMap { entry in
            guard let text = entry["text"] as? String, !text.isEmpty else { return nil }
            let numbers = (entry["sources"] as? [Any] ?? []).compactMap { ($0 as? Int) ?? Int("\($0)".filter(\.isNumber)) }
            let citations = numbers.filter { (1...group.count).contains($0) }.map { document.citation(ofSentence: group[$0 - 1]) }
            return citations.isEmpty ? nil : AnalysisItem(text: text, citations: citations)
        }
        return (items, response.usage)
    }

    /// The JSON object in a model answer (code fences and surrounding prose tolerated).
    public static func parse(_ text: String) -> [String: Any]? {
        guard let start = text.firstIndex(of: "{"), let end = text.lastIndex(of: "}"), start < end else { return nil }
        return (try? JSONSerialization.jsonObject(with: Data(text[start...end].utf8))) as? [String: Any]
    }
}
