import Analysis
import DocuThinkerCore
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
    /// Minimum cosine between question and best sentence to answer. Calibrated with
    /// `docuthinker evaluate --retrieval … --unrelated …` on 100 questions about the R manuals and
    /// 20 unrelated ones: at 0.35 all were answered and all unrelated refused, at 0.42 98% / 100%,
    /// at 0.50 89% / 100%; 0.38 keeps a margin on both sides.
    public var minimumSimilarity: Float = 0.38
    /// With a content word of the question that no searched document contains, the similarity a
    /// sentence needs to answer anyway (calibrated on bench/manuals: see `unknownTerms`).
    public var unknownTermSimilarity: Float = 0.8
    public var maxSentences = 3
    public var passages = 6
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

    private struct Candidate: Sendable {
        var documentId: String
        var start: Int
        var end: Int
        var text: String
        var rank: Int
    }

    /// Loads a document's text, page index and title for validating citations (nil: not the caller's).
    private typealias SourceLoader = @Sendable (String) async throws -> (ScalarText, PageIndex, String?)?

    public func answer(question: String, ownerId: String, documentIds: [String]?) async throws -> Answer {
        try await Self.final(try await answerStream(question: question, ownerId: ownerId, documentIds: documentIds))
    }

    /// The answer as it is written. Retrieval and ranking happen before this returns (their
    /// errors are thrown here); the stream then carries the text, from the language model's
    /// tokens as they arrive when one is configured, else sentence by sentence.
    public func answerStream(question: String, ownerId: String, documentIds: [String]?) async throws -> AsyncThrowingStream<Event, any Error> {
        let hits = try await search.search(ownerId: ownerId, query: question, mode: .hybrid, documentIds: documentIds, limit: passages)
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
        let loaded = sources
        let unknown = try await unknownTerms(question, ownerId: ownerId, documentIds: documentIds)
        return try await stream(question: question, candidates: candidates, unknownTerms: unknown) { documentId in
            loaded[documentId].map { ($0.text, $0.pages, $0.title) }
        }
    }

    /// Content words of the question that occur nowhere in the searched documents (the keyword
    /// index): a question about something the library never mentions ("… supported by
    /// reportlab?") has no answer in it, however close its other words come.
    private func unknownTerms(_ question: String, ownerId: String, documentIds: [String]?) async throws -> [String] {
        var seen = Set<String>(), unknown: [String] = []
        for token in Tokenizer.tokens(question) where !token.isStopword && token.lower.count > 2 && !Self.questionWords.contains(token.lower) {
            guard seen.insert(token.stem).inserted, seen.count <= 8 else { continue }
            var known = false
            for spelling in Self.spellings(of: token.lower) where !known {
                known = try await !search.search(ownerId: ownerId, query: spelling, mode: .keyword, documentIds: documentIds, limit: 1).isEmpty
            }
            if !known { unknown.append(token.lower) }
        }
        return unknown
    }

    /// A word and its other English spellings (`licence`/`license`, `colour`/`color`,
    /// `organise`/`organize`, `centre`/`center`): a question in British English still finds an
    /// American manual's words.
    static func spellings(of word: String) -> [String] {
        var forms = [word]
        for (a, b) in [("our", "or"), ("ise", "ize"), ("isa", "iza"), ("ence", "ense"), ("tre", "ter"), ("ogue", "og"), ("lled", "led"), ("lling", "ling")] {
            if word.contains(a) { forms.append(word.replacingOccurrences(of: a, with: b)) }
            if word.contains(b) && b.count > 1 { forms.append(word.replacingOccurrences(of: b, with: a)) }
        }
        return Array(forms.prefix(4))
    }

    /// Words of how a question is asked rather than what it is about.
    static let questionWords: Set<String> = ["how", "what", "which", "why", "when", "where", "who", "does", "can", "should", "would", "could"]

    /// A retrieved document's text, pages and the sentences stored at its import.
    private struct Source: Sendable {
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
        let scalars = ScalarText(inlineText)
        return try await Self.final(try await stream(question: question, candidates: Array(candidates), unknownTerms: []) { _ in
            (scalars, PageIndex(pages: [(1, 0, scalars.count)]), nil)
        })
    }

    /// Citations of the candidates whose text is exactly at their span in the stored document
    /// (with the page found from the offset); nil for those that fail that check.
    private func validate(_ chosen: [Candidate], source: SourceLoader) async throws -> [Citation?] {
        var texts: [String: (ScalarText, PageIndex, String?)] = [:]
        var citations: [Citation?] = []
        for candidate in chosen {
            if texts[candidate.documentId] == nil, let loaded = try await source(candidate.documentId) {
                texts[candidate.documentId] = loaded
            }
            guard let (text, pages, title) = texts[candidate.documentId], text.slice(candidate.start, candidate.end) == candidate.text else {
                citations.append(nil)
                continue
            }
            citations.append(Citation(documentId: candidate.documentId, page: pages.page(at: candidate.start),
                                      start: candidate.start, end: candidate.end, quote: candidate.text, title: title))
        }
        return citations
    }

    /// Stems of the content words of a question.
    private static func contentStems(_ text: String) -> Set<String> {
        Set(Tokenizer.tokens(text).filter { !$0.isStopword && $0.lower.count > 2 }.map(\.stem))
    }

    /// Ranks the candidates (embedding similarity plus term overlap), decides whether the best
    /// is good enough evidence, and returns the stream that writes the answer from them.
    private func stream(question: String, candidates: [Candidate], unknownTerms: [String], source: @escaping SourceLoader) async throws
        -> AsyncThrowingStream<Event, any Error> {
        guard !candidates.isEmpty else { return Self.notFoundStream() }
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
        var supported = vectors.isEmpty ? overlap[best] >= 0.6 : similarity[best] >= minimumSimilarity
        // A word of the question the documents never use: only a very close sentence still answers.
        if !unknownTerms.isEmpty, vectors.isEmpty || similarity[best] < unknownTermSimilarity { supported = false }
        guard supported else { return Self.notFoundStream() }

        var chosen: [Int] = []
        for index in order where chosen.count < maxSentences && score[index] >= score[best] - 0.12 {
            let redundant = !vectors.isEmpty && chosen.contains { other in
                zip(vectors[index + 1], vectors[other + 1]).reduce(0) { $0 + $1.0 * $1.1 } > 0.9
            }
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

    /// "Not found" as a stream of one delta.
    private static func notFoundStream(fallback: String? = nil) -> AsyncThrowingStream<Event, any Error> {
        AsyncThrowingStream { continuation in
            continuation.yield(.delta(notFound))
            continuation.yield(.done(Answer(text: notFound, found: false, citations: [], droppedCitations: 0, fallback: fallback)))
            continuation.finish()
        }
    }

    /// The chosen sentences in reading order, one delta and one citation each.
    private func writeExtractive(_ chosen: [Candidate], source: SourceLoader, fallback: String?,
                                 into continuation: AsyncThrowingStream<Event, any Error>.Continuation) async throws {
        let validated = try await validate(chosen, source: source)
        let citations = validated.compactMap { $0 }
        let dropped = validated.count - citations.count
        guard !citations.isEmpty else {
            continuation.yield(.delta(Self.notFound))
            continuation.yield(.done(Answer(text: Self.notFound, found: false, citations: [], droppedCitations: dropped, fallback: fallback)))
            return
        }
        var text = ""
        for citation in citations {
            let sentence = (text.isEmpty ? "" : " ") + Self.prose(citation.quote)
            text += sentence
            continuation.yield(.delta(sentence))
            continuation.yield(.citation(citation))
        }
        continuation.yield(.done(Answer(text: text, found: true, citations: citations, droppedCitations: dropped, fallback: fallback)))
    }

    /// A quoted sentence as answer prose: a heading glued to its first line (`1.2 Simple
    /// Examples\nOctave can …`) left out, line breaks and runs of spaces folded. The citation keeps
    /// the exact quote.
    static func prose(_ quote: String) -> String {
        var text = Substring(quote)
        if let heading = StructureLabeler.gluedHeading(quote), quote.count > heading.count + 1 {
            // A heading, not a wrapped line of prose: numbered or title-cased, and the rest starts a sentence.
            let rest = quote.dropFirst(heading.count + 1)
            let words = heading.split(separator: " ")
            let capitalised = words.filter { $0.first?.isUppercase == true || $0.first?.isNumber == true }.count
            if rest.first?.isUppercase == true, heading.first?.isNumber == true || capitalised * 10 >= words.count * 6 { text = rest }
        }
        return text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }

    private enum Generated { case answered, fellBack(String) }

    /// The model writes the answer from numbered sentences, citing them as `[S2]`; its tokens are
    /// passed on as they arrive (markers taken out, each first citation of a valid source sent
    /// after the text it supports). `NOT_FOUND` as the answer means the sources do not answer.
    /// When no provider starts an answer, the reason is returned and nothing was sent.
    private func generate(question: String, candidates: [Candidate], router: LLMRouter, source: SourceLoader,
                          into continuation: AsyncThrowingStream<Event, any Error>.Continuation) async throws -> Generated {
        let valid = try await validate(candidates, source: source)
        let numbered = candidates.enumerated().map { "[S\($0.offset + 1)] \($0.element.text)" }.joined(separator: "\n")
        let system = """
            Answer the user's question using only the numbered source sentences, in plain prose. After each claim, \
            cite the sentences it rests on as [S1] or [S1, S3]. If the sources do not answer the question, reply \
            exactly NOT_FOUND and nothing else.
            """
        let prompt = "Sources:\n\(numbered)\n\nQuestion: \(question)"
        let request = LLMRequest(system: system, messages: [.init(role: .user, content: prompt)], maxTokens: 700)
        var filter = SourceMarkerFilter()
        var text = "", held = "", decided = false
        var citations: [Citation] = []
        var cited = Set<Int>()
        var dropped = 0
        var writer: (provider: String, model: String, usage: LLMUsage?)?
        var brokeOff: String?

        func send(_ pieces: [SourceMarkerFilter.Piece]) {
            for piece in pieces {
                switch piece {
                case .text(let delta):
                    if decided {
                        text += delta
                        continuation.yield(.delta(delta))
                    } else {
                        held += delta  // until it is clear the answer is not NOT_FOUND
                    }
                case .source(let number):
                    guard cited.insert(number).inserted else { continue }
                    guard (1...candidates.count).contains(number), let citation = valid[number - 1] else { dropped += 1; continue }
                    citations.append(citation)
                    release()
                    continuation.yield(.citation(citation))
                }
            }
        }
        func release() {
            guard !decided, !held.isEmpty else { return }
            decided = true
            text = held
            continuation.yield(.delta(held))
            held = ""
        }

        do {
            reading: for try await part in router.stream(request) {
                switch part {
                case .text(let delta):
                    send(filter.feed(delta))
                    if !decided, held.count >= 9 {
                        if held.hasPrefix("NOT_FOUND") { break reading }
                        release()
                    }
                case .end(let provider, let model, let usage):
                    writer = (provider, model, usage)
                }
            }
        } catch let error as LLMError {
            if !decided, held.isEmpty, citations.isEmpty { return .fellBack(error.message) }
            brokeOff = error.message
        }
        send(filter.finish())
        let usage = UsageRecord.request(provider: writer?.provider ?? router.providers.first?.name ?? "llm",
                                        model: writer?.model ?? router.providers.first?.model ?? "unknown",
                                        // The provider's own count; estimated (4 characters a token) when it sent none.
                                        inputTokens: writer?.usage?.inputTokens ?? (system.count + prompt.count) / 4,
                                        outputTokens: writer?.usage?.outputTokens ?? (text.count + held.count) / 4)
        if !decided, held.hasPrefix("NOT_FOUND") || held.isEmpty {
            continuation.yield(.delta(Self.notFound))
            continuation.yield(.done(Answer(text: Self.notFound, found: false, citations: [], droppedCitations: dropped,
                                            usage: usage, engine: "llm", fallback: brokeOff)))
            return .answered
        }
        release()
        continuation.yield(.done(Answer(text: text, found: !citations.isEmpty, citations: citations, droppedCitations: dropped,
                                        usage: usage, engine: "llm", fallback: brokeOff)))
        return .answered
    }
}

extension UsageRecord {
    /// One model call made now.
    static func request(_ response: LLMResponse) -> UsageRecord {
        .request(provider: response.provider, model: response.model, inputTokens: response.usage.inputTokens,
                 outputTokens: response.usage.outputTokens)
    }
}
