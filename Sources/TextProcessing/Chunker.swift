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

    /// Chunks of `sentences`. Contents, index, bibliography and glyph-soup runs are kept out of
    /// retrieval (a contents line never outranks the section it lists): chunks never mix them with
    /// the document's content, and they get no chunks of their own unless the document is nothing
    /// else. Running heads and page numbers go with whatever surrounds them.
    public func chunk(_ sentences: [Sentence], in text: ScalarText, pages: PageIndex) -> [Chunk] {
        var runs: [(range: Range<Int>, apparatus: Bool)] = []
        var runStart = 0
        var current: Bool?
        for (i, sentence) in sentences.enumerated() where !Self.goesWithNeighbours(sentence.role) {
            let apparatus = sentence.role.isApparatus
            if let open = current, open != apparatus {
                runs.append((runStart..<i, open))
                runStart = i
            }
            current = apparatus
        }
        if runStart < sentences.count { runs.append((runStart..<sentences.count, current ?? false)) }
        let content = runs.filter { !$0.apparatus }
        let words = sentences.map { Self.wordCount($0.text) }
        var chunks: [Chunk] = []
        for run in content.isEmpty ? runs : content { chunk(sentences, words, run.range, in: text, pages: pages, into: &chunks) }
        return chunks
    }

    private static func goesWithNeighbours(_ role: SentenceRole) -> Bool { role == .runningHead || role == .pageNumber }

    private func chunk(_ sentences: [Sentence], _ words: [Int], _ range: Range<Int>, in text: ScalarText, pages: PageIndex,
                       into chunks: inout [Chunk]) {
        var i = range.lowerBound
        while i < range.upperBound {
            var j = i, total = 0
            while j < range.upperBound {
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
            if j >= range.upperBound { break }
            var k = j, overlap = 0
            while k - 1 > i, overlap + words[k - 1] <= overlapWords {
                k -= 1
                overlap += words[k]
            }
            i = k
        }
    }

    /// Words as DocuThinker counts them everywhere (`WordCounter`).
    public static func wordCount(_ text: String) -> Int { WordCounter.count(text) }
}
