import DocuThinkerCore
import Testing
import TextProcessing

@Suite("Chunking with overlap and spans")
struct ChunkerTests {
    /// 60 sentences of 11 words each over 3 pages.
    private func corpus() -> (ScalarText, [Sentence], PageIndex) {
        var text = ""
        var pageStarts = [0]
        for i in 0..<60 {
            if i > 0 { text += i % 20 == 0 ? "\n\n" : " " }
            if i > 0, i % 20 == 0 { pageStarts.append(text.unicodeScalars.count) }
            text += "Sentence number \(i) talks about rivers, mills and the sea today."
        }
        let scalars = ScalarText(text)
        let pages = PageIndex(pages: pageStarts.enumerated().map { index, start in
            (index + 1, start, index + 1 < pageStarts.count ? pageStarts[index + 1] : scalars.count)
        })
        let sentences = SentenceSegmenter().segment(scalars, regions: SentenceSegmenter.paragraphs(scalars), pages: pages)
        return (scalars, sentences, pages)
    }

    @Test func chunksHitTheTargetWithOverlap() {
        let (text, sentences, pages) = corpus()
        #expect(sentences.count == 60)
        #expect(sentences.allSatisfy { Chunker.wordCount($0.text) == 11 })
        let chunks = Chunker(targetWords: 100, maxWords: 120, overlapWords: 20).chunk(sentences, in: text, pages: pages)
        #expect(chunks.count >= 7)
        for chunk in chunks {
            #expect(text.slice(chunk.span) == chunk.text)
            #expect(chunk.wordCount <= 120)
            #expect(chunk.span.page <= chunk.pageEnd)
        }
        for chunk in chunks.dropLast() { #expect(chunk.wordCount >= 100) }
        for (a, b) in zip(chunks, chunks.dropFirst()) {
            #expect(b.sentences.lowerBound > a.sentences.lowerBound)
            #expect(b.sentences.lowerBound == a.sentences.upperBound, "one 11-word sentence of overlap")
        }
        #expect(chunks.first?.sentences.lowerBound == 0)
        #expect(chunks.last?.sentences.upperBound == 59)
        #expect(chunks.last?.pageEnd == 3)
    }

    @Test func noOverlapAndOneLongSentence() {
        let (text, sentences, pages) = corpus()
        let chunks = Chunker(targetWords: 30, maxWords: 30, overlapWords: 0).chunk(sentences, in: text, pages: pages)
        #expect(chunks.count == 30, "two 11-word sentences fit in 30 words, three do not")
        #expect(zip(chunks, chunks.dropFirst()).allSatisfy { $1.sentences.lowerBound == $0.sentences.upperBound + 1 })
        let long = SentenceSegmenter().segment(Array(repeating: "w", count: 50).joined(separator: " ") + ".")
        let single = Chunker(targetWords: 10, maxWords: 20).chunk(long, in: ScalarText(long[0].text), pages: PageIndex(pages: [(1, 0, 200)]))
        #expect(single.count == 1 && single[0].wordCount == 50)
    }

    @Test func wordCountsCJKPerCharacter() {
        #expect(Chunker.wordCount("three plain words") == 3)
        #expect(Chunker.wordCount("日本語 text") == 4)
    }
}
