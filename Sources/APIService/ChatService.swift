import Analysis
import DocuThinkerCore
import Foundation
import LLM
import ServerSupport
import Storage
import TextProcessing

/// Answers questions from the caller's documents, extractively and offline: hybrid retrieval of
/// passages, then the sentences that best answer the question (embedding similarity plus term
/// overlap), in reading order, each cited. Weak evidence gives "not found" instead of a guess.
/// Every citation is checked against the stored text before it is returned.
struct ChatService: Sendable {
    let documents: any DocumentRepository
    let search: SearchService
    /// Minimum cosine between question and best sentence to answer. Calibrated with
    /// `docuthinker evaluate --retrieval … --unrelated …` on 100 questions about the R manuals and
    /// 20 unrelated ones: at 0.35 all were answered and all unrelated refused, at 0.42 98% / 100%,
    /// at 0.50 89% / 100%; 0.38 keeps a margin on both sides.
    var minimumSimilarity: Float = 0.38
    var maxSentences = 3
    var passages = 6
    /// When set, a language model writes the answer from the best candidate sentences (numbered
    /// sources it must cite); without one, or when no provider answers, the answer is extractive.
    var router: LLMRouter? = nil

    static let notFound = "I could not find this in your documents."

    struct Answer: Codable, Sendable {
        var text: String
        var found: Bool
        var citations: [Citation]
        /// Citations dropped because their quote was not at their span.
        var droppedCitations: Int
        /// The model call behind a generated answer, to count against the user.
        var usage: UsageRecord? = nil
    }

    private struct Candidate {
        var documentId: String
        var start: Int
        var end: Int
        var text: String
        var rank: Int
    }

    func answer(question: String, ownerId: String, documentIds: [String]?) async throws -> Answer {
        let hits = try await search.search(ownerId: ownerId, query: question, mode: .hybrid, documentIds: documentIds, limit: passages)
        var candidates: [Candidate] = []
        var seen = Set<String>()
        for (rank, hit) in hits.enumerated() {
            for sentence in SentenceSegmenter().segment(hit.text) {
                let start = hit.start + sentence.span.start, end = hit.start + sentence.span.end
                guard seen.insert("\(hit.documentId):\(start)").inserted else { continue }
                guard sentence.text.split(separator: " ").count >= 4 else { continue }
                candidates.append(Candidate(documentId: hit.documentId, start: start, end: end, text: sentence.text, rank: rank))
            }
        }
        return try await select(question: question, candidates: candidates) { documentId in
            guard let content = try await documents.content(documentId: documentId, ownerId: ownerId) else { return nil }
            return (ScalarText(content.text), PageIndex(pages: content.pages.map { ($0.number, $0.start, $0.end) }))
        }
    }

    /// Answers from a text given with the question (DocuThinker's `/chat` with `originalText`);
    /// citations point into that text under the document id `inline`.
    func answer(question: String, inlineText: String) async throws -> Answer {
        let sentences = SentenceSegmenter().segment(inlineText)
        let questionStems = Self.contentStems(question)
        // Pre-select by term overlap so embedding stays bounded on long texts.
        var scored: [(sentence: Sentence, overlap: Int)] = []
        for sentence in sentences where sentence.text.split(separator: " ").count >= 4 {
            let stems = Set(Tokenizer.tokens(sentence.text).map(\.stem))
            scored.append((sentence, stems.intersection(questionStems).count))
        }
        scored.sort { a, b in a.overlap != b.overlap ? a.overlap > b.overlap : a.sentence.index < b.sentence.index }
        let candidates = scored.prefix(200).map { entry in
            Candidate(documentId: "inline", start: entry.sentence.span.start, end: entry.sentence.span.end, text: entry.sentence.text, rank: 0)
        }
        let scalars = ScalarText(inlineText)
        return try await select(question: question, candidates: Array(candidates)) { _ in
            (scalars, PageIndex(pages: [(1, 0, scalars.count)]))
        }
    }

    /// Asks the model for `{"answer", "found", "sources"}` over numbered sentences; maps the
    /// sources back to validated citations. Nil when no provider answered (extractive fallback).
    private func generate(question: String, candidates: [Candidate], router: LLMRouter,
                          source: (String) async throws -> (ScalarText, PageIndex)?) async throws -> Answer? {
        let numbered = candidates.enumerated().map { "[S\($0.offset + 1)] \($0.element.text)" }.joined(separator: "\n")
        let request = LLMRequest(system: """
            Answer the user's question using only the numbered source sentences. Cite the numbers you used. \
            If the sources do not answer it, set "found" to false. Reply with JSON: {"answer": text, "found": bool, "sources": [numbers]}
            """, messages: [.init(role: .user, content: "Sources:\n\(numbered)\n\nQuestion: \(question)")], maxTokens: 700, json: true)
        let response: LLMResponse
        do { response = try await router.complete(request) } catch let error as LLMError where error.code == .unavailable { return nil }
        guard let object = LLMAnalysisEngine.parse(response.text), let text = object["answer"] as? String else { return nil }
        guard object["found"] as? Bool != false else {
            return Answer(text: Self.notFound, found: false, citations: [], droppedCitations: 0, usage: .request(response))
        }
        let numbers = (object["sources"] as? [Any] ?? []).compactMap { ($0 as? Int) ?? Int("\($0)".filter(\.isNumber)) }
        let cited = numbers.filter { (1...candidates.count).contains($0) }.map { candidates[$0 - 1] }
        let validated = try await validate(cited, source: source)
        let citations = validated.citations, dropped = validated.dropped + numbers.count - cited.count
        guard !citations.isEmpty else {
            return Answer(text: Self.notFound, found: false, citations: [], droppedCitations: dropped, usage: .request(response))
        }
        return Answer(text: text, found: true, citations: citations, droppedCitations: dropped, usage: .request(response))
    }

    /// Citations of the candidates whose text is exactly at their span in the stored document
    /// (with the page found from the offset), and how many failed that check.
    private func validate(_ chosen: [Candidate], source: (String) async throws -> (ScalarText, PageIndex)?) async throws
        -> (citations: [Citation], dropped: Int) {
        var texts: [String: (ScalarText, PageIndex)] = [:]
        var citations: [Citation] = []
        var dropped = 0
        for candidate in chosen {
            if texts[candidate.documentId] == nil, let loaded = try await source(candidate.documentId) {
                texts[candidate.documentId] = loaded
            }
            guard let (text, pages) = texts[candidate.documentId], text.slice(candidate.start, candidate.end) == candidate.text else {
                dropped += 1
                continue
            }
            citations.append(Citation(documentId: candidate.documentId, page: pages.page(at: candidate.start),
                                      start: candidate.start, end: candidate.end, quote: candidate.text))
        }
        return (citations, dropped)
    }

    /// Stems of the content words of a question.
    private static func contentStems(_ text: String) -> Set<String> {
        Set(Tokenizer.tokens(text).filter { !$0.isStopword && $0.lower.count > 2 }.map(\.stem))
    }

    private func select(question: String, candidates: [Candidate],
                        source: (String) async throws -> (ScalarText, PageIndex)?) async throws -> Answer {
        guard !candidates.isEmpty else { return Answer(text: Self.notFound, found: false, citations: [], droppedCitations: 0) }
        let questionStems = Self.contentStems(question)
        let overlap = candidates.map { candidate -> Float in
            guard !questionStems.isEmpty else { return 0 }
            let stems = Set(Tokenizer.tokens(candidate.text).map(\.stem))
            return Float(questionStems.intersection(stems).count) / Float(questionStems.count)
        }
        var similarity = [Float](repeating: 0, count: candidates.count)
        var vectors: [[Float]] = []
        if search.embedding != nil {
            vectors = try await search.embed([question] + candidates.map(\.text))
            similarity = vectors.dropFirst().map { v in zip(vectors[0], v).reduce(0) { $0 + $1.0 * $1.1 } }
        }
        let score = candidates.indices.map { similarity[$0] + 0.25 * overlap[$0] - 0.01 * Float(candidates[$0].rank) }
        let order = candidates.indices.sorted { score[$0] > score[$1] || (score[$0] == score[$1] && $0 < $1) }
        let best = order[0]
        let supported = vectors.isEmpty ? overlap[best] >= 0.6 : similarity[best] >= minimumSimilarity
        guard supported else { return Answer(text: Self.notFound, found: false, citations: [], droppedCitations: 0) }
        if let router {
            let top = Array(order.prefix(15))
            if let generated = try await generate(question: question, candidates: top.map { candidates[$0] }, router: router, source: source) {
                return generated
            }
        }
        var chosen: [Int] = []
        for index in order where chosen.count < maxSentences && score[index] >= score[best] - 0.12 {
            let redundant = !vectors.isEmpty && chosen.contains { other in
                zip(vectors[index + 1], vectors[other + 1]).reduce(0) { $0 + $1.0 * $1.1 } > 0.9
            }
            if !redundant { chosen.append(index) }
        }
        chosen.sort { (candidates[$0].rank, candidates[$0].documentId, candidates[$0].start) < (candidates[$1].rank, candidates[$1].documentId, candidates[$1].start) }
        let (citations, dropped) = try await validate(chosen.map { candidates[$0] }, source: source)
        guard !citations.isEmpty else { return Answer(text: Self.notFound, found: false, citations: [], droppedCitations: dropped) }
        let text = citations.map { $0.quote.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ") }.joined(separator: " ")
        return Answer(text: text, found: true, citations: citations, droppedCitations: dropped)
    }
}

extension UsageRecord {
    /// One model call made now.
    static func request(_ response: LLMResponse) -> UsageRecord {
        .request(provider: response.provider, model: response.model, inputTokens: response.usage.inputTokens,
                 outputTokens: response.usage.outputTokens)
    }
}
