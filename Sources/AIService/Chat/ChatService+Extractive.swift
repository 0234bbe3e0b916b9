import Analysis
import DocuThinkerCore
import Foundation
import Storage
import TextProcessing

extension ChatService {
    /// Citations of the candidates whose text is exactly at their span in the stored document
    /// (with the page found from the offset); nil for those that fail that check.
    func validate(_ chosen: [Candidate], source: SourceLoader) async throws -> [Citation?] {
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

    /// "Not found" as a stream of one delta.
    static func notFoundStream(fallback: String? = nil) -> AsyncThrowingStream<Event, any Error> {
        AsyncThrowingStream { continuation in
            continuation.yield(.delta(notFound))
            continuation.yield(.done(Answer(text: notFound, found: false, citations: [], droppedCitations: 0, fallback: fallback)))
            continuation.finish()
        }
    }

    /// The chosen sentences in reading order, one delta and one citation each.
    func writeExtractive(_ chosen: [Candidate], source: SourceLoader, fallback: String?,
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

    /// A quoted sentence as answer prose (`SentenceProse`): a glued heading left out, whitespace
    /// folded. The citation keeps the exact quote.
    static func prose(_ quote: String) -> String {
        SentenceProse.text(quote)
    }
}
