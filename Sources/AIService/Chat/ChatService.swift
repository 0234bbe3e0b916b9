import Analysis
import DocuThinkerCore
import Embeddings
public import Foundation
public import LLM
public import Retrieval
public import Storage
public import TextProcessing

/// Answers questions from the caller's documents, extractively and offline: hybrid retrieval of
/// passages, then the sentences that best answer the question (embedding similarity plus term
/// overlap), in reading order, each cited. Weak evidence gives "not found" instead of a guess.
/// Every citation is checked against the stored text before it is returned. With a language
/// model configured, it writes the answer from the best sentences, streamed as it is written;
/// when none answers within the router's deadlines the answer is extractive and says why.
public struct ChatService: Sendable {
    let documents: any DocumentRepository
    let search: SearchService
    /// When the evidence is good enough to answer from (calibrated thresholds).
    public var policy = AnswerPolicy()
    public var maxSentences = 3
    public var passages = 6
    /// How many of the owner's documents (most recent first) are matched against the question.
    public var namedDocumentsScanned = 2000
    /// When set, a language model writes the answer from the best candidate sentences (numbered
    /// sources it must cite); without one, or when no provider answers, the answer is extractive.
    public var router: LLMRouter? = nil

    public init(documents: any DocumentRepository, search: SearchService) {
        self.documents = documents
        self.search = search
    }

    public static let notFound = "I could not find this in your documents."

    public struct Answer: Codable, Sendable {
        public var text: String
        public var found: Bool
        public var citations: [Citation]
        /// Citations dropped because their quote was not at their span.
        public var droppedCitations: Int
        /// The model call behind a generated answer, to count against the user.
        public var usage: UsageRecord? = nil
        /// `llm` when a language model wrote the text, else `offline` (extractive).
        public var engine: String = "offline"
        /// Why a configured language model did not write (all of) it, in words: the providers'
        /// causes (key rejected, rate limited, no answer within the deadline, …).
        public var fallback: String? = nil
    }

    /// A part of a streamed answer. The `delta` texts joined are exactly the answer's text; a
    /// `citation` follows the text it supports; `done` carries the whole answer.
    public enum Event: Codable, Sendable {
        case delta(String)
        case citation(Citation)
        case done(Answer)
    }

    struct Candidate: Sendable {
        var documentId: String
        var start: Int
        var end: Int
        var text: String
        var rank: Int
    }

    /// Loads a document's text, page index and title for validating citations (nil: not the caller's).
    typealias SourceLoader = @Sendable (String) async throws -> (ScalarText, PageIndex, String?)?

    public func answer(question: String, ownerId: String, documentIds: [String]?) async throws -> Answer {
        try await Self.final(try await answerStream(question: question, ownerId: ownerId, documentIds: documentIds))
    }

    /// The answer as it is written. Retrieval and ranking happen before this returns (their
    /// errors are thrown here); the stream then carries the text, from the language model's
    /// tokens as they arrive when one is configured, else sentence by sentence.
    public func answerStream(question: String, ownerId: String, documentIds given: [String]?) async throws -> AsyncThrowingStream<Event, any Error> {
        let retrieved = try await retrieve(question, ownerId: ownerId, documentIds: try await scope(question, ownerId: ownerId, documentIds: given))
        guard !retrieved.candidates.isEmpty else { return Self.notFoundStream() }
        let ranking = try await rank(question, retrieved.candidates)
        let evidence = try await gather(question, ranking: ranking, hits: retrieved.hits, ownerId: ownerId, documentIds: given, complete: false)
        guard policy.answers(evidence, embedded: !ranking.vectors.isEmpty) else { return Self.notFoundStream() }
        let loaded = retrieved.sources
        return stream(question: question, ranking: ranking) { documentId in
            loaded[documentId].map { ($0.text, $0.pages, $0.title) }
        }
    }

    /// The grounds on which a question is answered or declined (nil: nothing was retrieved),
    /// for calibration and diagnosis (`docuthinker evaluate --manuals`).
    public func evidence(question: String, ownerId: String, documentIds given: [String]?) async throws -> AnswerEvidence? {
        let retrieved = try await retrieve(question, ownerId: ownerId, documentIds: try await scope(question, ownerId: ownerId, documentIds: given))
        guard !retrieved.candidates.isEmpty else { return nil }
        let ranking = try await rank(question, retrieved.candidates)
        return try await gather(question, ranking: ranking, hits: retrieved.hits, ownerId: ownerId, documentIds: given, complete: true)
    }

    /// The passages retrieved for a question and the answerable sentences in them.
    struct Retrieved: Sendable {
        var hits: [ChunkHit]
        var candidates: [Candidate]
        var sources: [String: Source]
    }

    private func retrieve(_ question: String, ownerId: String, documentIds: [String]?) async throws -> Retrieved {
        let hits = try await search.search(ownerId: ownerId, query: Self.withOtherSpellings(question), mode: .hybrid,
                                           documentIds: documentIds, limit: passages)
        var sources: [String: Source] = [:]
        var candidates: [Candidate] = []
        var seen = Set<String>()
        for (rank, hit) in hits.enumerated() {
            if sources[hit.documentId] == nil {
                guard let content = try await documents.content(documentId: hit.documentId, ownerId: ownerId) else { continue }
                sources[hit.documentId] = Source(
                    text: ScalarText(content.text), pages: PageIndex(pages: content.pages.map { ($0.number, $0.start, $0.end) }),
                    sentences: try await documents.sentences(documentId: hit.documentId, ownerId: ownerId),
                    title: try await documents.document(id: hit.documentId, ownerId: ownerId)?.title)
            }
            for sentence in sources[hit.documentId]!.sentences(in: hit) where sentence.role?.isAnswerable ?? true {
                guard seen.insert("\(hit.documentId):\(sentence.start)").inserted else { continue }
                guard sentence.text.split(separator: " ").count >= 4 else { continue }
                candidates.append(Candidate(documentId: hit.documentId, start: sentence.start, end: sentence.end, text: sentence.text, rank: rank))
            }
        }
        return Retrieved(hits: hits, candidates: candidates, sources: sources)
    }

    /// The documents a question is answered from: those it names by a word of their title
    /// ("… in gnuplot?"), else the ones given (nil: all). Whether a word is rare or unknown is
    /// still judged on all the documents given: a small document's vocabulary says little.
    func scope(_ question: String, ownerId: String, documentIds: [String]?) async throws -> [String]? {
        let named = try await namedDocuments(question, ownerId: ownerId, documentIds: documentIds)
        return named.isEmpty ? documentIds : named
    }

    /// The searched documents the question names by a word of their title (the owner's most
    /// recent `namedDocumentsScanned` documents are considered).
    func namedDocuments(_ question: String, ownerId: String, documentIds: [String]?) async throws -> [String] {
        let allowed = documentIds.map(Set.init)
        let titles = try await documents.documentTitles(ownerId: ownerId, limit: namedDocumentsScanned)
            .filter { allowed?.contains($0.id) ?? true }
        return NamedDocuments.named(in: question, titles: titles)
    }

    /// Where the question's content words occur (library, retrieved passages, best sentences) and
    /// how close the best sentence comes. A word the passages do not use is compared, by
    /// embedding, with the words of the best sentences (a synonym counts as close). Unless
    /// `complete` (for diagnosis), only what the decision needs is looked up: library counts of
    /// the words the passages do not use, and their closeness when it can change the answer.
    private func gather(_ question: String, ranking: Ranking, hits: [ChunkHit], ownerId: String, documentIds: [String]?,
                        complete: Bool) async throws -> AnswerEvidence {
        func stems(_ text: String) -> Set<String> { Set(Tokenizer.tokens(text).map(\.stem)) }
        let passageStems = hits.reduce(into: Set<String>()) { $0.formUnion(stems($1.text)) }
        let best = ranking.order.prefix(5).map { ranking.candidates[$0].text }
        let bestStems = best.prefix(3).reduce(into: Set<String>()) { $0.formUnion(stems($1)) }
        var terms: [AnswerEvidence.Term] = []
        for token in Self.contentTerms(question) {
            let forms = Self.stems(of: token.lower)
            let inPassages = !forms.isDisjoint(with: passageStems)
            let counted = complete || !inPassages ? try await libraryPassages(token.lower, ownerId: ownerId, documentIds: documentIds) : nil
            terms.append(AnswerEvidence.Term(word: token.lower, libraryPassages: counted, inPassages: inPassages,
                                             inBestSentences: !forms.isDisjoint(with: bestStems), nearestInPassages: inPassages ? 1 : 0))
        }
        let top = ranking.order[0]
        var evidence = AnswerEvidence(terms: terms, bestSimilarity: ranking.similarity[top], bestOverlap: ranking.overlap[top])
        let missing = terms.indices.filter { !terms[$0].inPassages }
        // What "rare" is relative to: needed only for words the passages do not use.
        if complete || !missing.isEmpty {
            evidence.searchedPassages = try await search.store.chunkCount(ownerId: ownerId, documentIds: documentIds)
        }
        if !missing.isEmpty, !ranking.vectors.isEmpty, complete || policy.needsCloseness(evidence) {
            var words = Set<String>()
            for text in best { for token in Tokenizer.tokens(text) where !token.isStopword && token.lower.count > 2 { words.insert(token.lower) } }
            let pool = Array(words).sorted().prefix(160)
            if !pool.isEmpty {
                let vectors = try await search.embed(missing.map { terms[$0].word } + pool)
                for (k, index) in missing.enumerated() {
                    evidence.terms[index].nearestInPassages = vectors[missing.count...].map { embeddingSimilarity(vectors[k], $0) }.max() ?? 0
                }
            }
        }
        evidence.leading = ranking.order.prefix(10).map {
            .init(text: ranking.candidates[$0].text, similarity: ranking.similarity[$0], overlap: ranking.overlap[$0], passage: ranking.candidates[$0].rank)
        }
        return evidence
    }

    /// A retrieved document's text, pages and the sentences stored at its import.
    struct Source: Sendable {
        var text: ScalarText
        var pages: PageIndex
        /// In text order (as stored).
        var sentences: [SentenceRecord]
        var title: String?

        /// The sentences that start inside the passage, with their text: the ones segmented once
        /// at import (one segmentation for analyses and chat). A document stored before sentences
        /// were kept has none; its passage is segmented here instead.
        func sentences(in hit: ChunkHit) -> [(start: Int, end: Int, text: String, role: SentenceRole?)] {
            guard !sentences.isEmpty else {
                return SentenceSegmenter().segment(hit.text).map { (hit.start + $0.span.start, hit.start + $0.span.end, $0.text, nil) }
            }
            var low = 0, high = sentences.count
            while low < high {
                let middle = (low + high) / 2
                if sentences[middle].start < hit.start { low = middle + 1 } else { high = middle }
            }
            return sentences[low...].prefix { $0.start < hit.end }.map { ($0.start, $0.end, text.slice($0.start, $0.end), $0.role) }
        }
    }

    /// The `done` answer of a stream.
    public static func final(_ events: AsyncThrowingStream<Event, any Error>) async throws -> Answer {
        for try await event in events {
            if case .done(let answer) = event { return answer }
        }
        throw CancellationError()
    }

    /// Answers from a text given with the question (DocuThinker's `/chat` with `originalText`);
    /// citations point into that text under the document id `inline`.
    public func answer(question: String, inlineText: String) async throws -> Answer {
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
        guard !candidates.isEmpty else { return try await Self.final(Self.notFoundStream()) }
        let ranking = try await rank(question, Array(candidates))
        let top = ranking.order[0]
        let evidence = AnswerEvidence(terms: [], bestSimilarity: ranking.similarity[top], bestOverlap: ranking.overlap[top])
        guard policy.answers(evidence, embedded: !ranking.vectors.isEmpty) else { return try await Self.final(Self.notFoundStream()) }
        let scalars = ScalarText(inlineText)
        return try await Self.final(stream(question: question, ranking: ranking) { _ in
            (scalars, PageIndex(pages: [(1, 0, scalars.count)]), nil)
        })
    }

    /// Stems of the content words of a question.
    private static func contentStems(_ text: String) -> Set<String> {
        Set(Tokenizer.tokens(text).filter { !$0.isStopword && $0.lower.count > 2 }.map(\.stem))
    }

    /// Candidates ranked for a question: embedding similarity plus term overlap, less a little
    /// for passages retrieved lower.
    struct Ranking: Sendable {
        var candidates: [Candidate]
        /// Candidate indices, best first.
        var order: [Int]
        var score: [Float]
        var similarity: [Float]
        var overlap: [Float]
        /// The question's vector, then one per candidate; empty without an embedding model.
        var vectors: [[Float]]
    }

    private func rank(_ question: String, _ candidates: [Candidate]) async throws -> Ranking {
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
            similarity = vectors.dropFirst().map { embeddingSimilarity(vectors[0], $0) }
        }
        let score = candidates.indices.map { similarity[$0] + 0.25 * overlap[$0] - 0.01 * Float(candidates[$0].rank) }
        let order = candidates.indices.sorted { score[$0] > score[$1] || (score[$0] == score[$1] && $0 < $1) }
        return Ranking(candidates: candidates, order: order, score: score, similarity: similarity, overlap: overlap, vectors: vectors)
    }

    /// The stream that writes the answer from the ranked candidates: by the language model when
    /// one is configured (from the best fifteen), else extractively (the best few, not redundant).
    private func stream(question: String, ranking: Ranking, source: @escaping SourceLoader) -> AsyncThrowingStream<Event, any Error> {
        let candidates = ranking.candidates, order = ranking.order, score = ranking.score, vectors = ranking.vectors
        let best = order[0]
        var chosen: [Int] = []
        for index in order where chosen.count < maxSentences && score[index] >= score[best] - 0.12 {
            let redundant = !vectors.isEmpty && chosen.contains { embeddingSimilarity(vectors[index + 1], vectors[$0 + 1]) > 0.9 }
            if !redundant { chosen.append(index) }
        }
        // The answer sentence first, then its support in reading order.
        let support = chosen.dropFirst().sorted {
            (candidates[$0].rank, candidates[$0].documentId, candidates[$0].start) < (candidates[$1].rank, candidates[$1].documentId, candidates[$1].start)
        }
        chosen = Array(chosen.prefix(1)) + support
        let extractive = chosen.map { candidates[$0] }
        let generative = Array(order.prefix(15)).map { candidates[$0] }
        let router = self.router
        return AsyncThrowingStream { continuation in
            let task = Task {
                do {
                    var fallback: String?
                    if let router {
                        switch try await generate(question: question, candidates: generative, router: router, source: source, into: continuation) {
                        case .answered: return continuation.finish()
                        case .fellBack(let reason): fallback = reason
                        }
                    }
                    try await writeExtractive(extractive, source: source, fallback: fallback, into: continuation)
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }
}
