public import DocuThinkerCore

/// Groups sentences into retrieval passages of roughly `targetWords` words with overlap.
/// A chunk never splits a sentence; its span runs from its first sentence to its last.
public struct Chunker: Sendable {
    /// Aim for this many words per chunk.
    public var targetWords: Int
    /// Never exceed this many words (unless one sentence alone does).
    public var maxWords: Int
    /// Repeat up to this many words of trailing sentences at the start of the next chunk.
    public var overlapWords: Int

    public init(targetWords: Int = 150, maxWords: Int = 200, overlapWords: Int = 30) {
        self.targetWords = max(1, targetWords)
        self.maxWords = max(self.targetWords, maxWords)
        self.overlapWords = max(0, overlapWords)
    }

    public func chunk(_ sentences: [Sentence], in text: ScalarText, pages: PageIndex) -> [Chunk] {
        let words = sentences.map { Self.wordCount($0.text) }
        var chunks: [Chunk] = []
        var i = 0
        while i < sentences.count {
            var j = i, total = 0
            while j < sentences.count {
                if total > 0, total + words[j] > maxWords { break }
                total += words[j]
                j += 1
                if total >= targetWords { break }
            }
            let start = sentences[i].span.start, end = sentences[j - 1].span.end
            chunks.append(Chunk(
                index: chunks.count, text: text.slice(start, end),
                span: SourceSpan(page: sentences[i].span.page, start: start, end: end),
                pageEnd: pages.page(at: end - 1), wordCount: total, sentences: i...(j - 1)))
            if j >= sentences.count { break }
            var k = j, overlap = 0
            while k - 1 > i, overlap + words[k - 1] <= overlapWords {
                k -= 1
                overlap += words[k]
            }
            i = k
        }
        return chunks
    }

    /// Words as DocuThinker counts them everywhere (`WordCounter`).
    public static func wordCount(_ text: String) -> Int { WordCounter.count(text) }
}
