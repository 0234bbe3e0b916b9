public import DocuThinkerCore
public import TextProcessing

/// A document prepared for analysis: its text, pages, blocks and sentences, all with spans.
public struct AnalysisDocument: Sendable {
    public let id: String
    public let text: ScalarText
    public let pages: [PageRange]
    public let blocks: [TextBlock]
    public let sentences: [Sentence]
    /// Indices of sentences that are headings (excluded from summaries, used for sections).
    public let headingSentences: Set<Int>
    /// Paragraph-level blocks that are not headings.
    public let paragraphCount: Int

    /// Prepares `text`; blocks (when known) are the regions sentences never cross. With
    /// `sentenceSpans` (the sentences stored at import) the text is not segmented again.
    public init(id: String, text: String, pages: [PageRange] = [], blocks: [TextBlock] = [], sentenceSpans: [SourceSpan]? = nil,
                segmenter: SentenceSegmenter = SentenceSegmenter()) {
        let scalars = ScalarText(text)
        let pageList = pages.isEmpty ? [PageRange(number: 1, start: 0, end: scalars.count)] : pages
        let index = PageIndex(pages: pageList.map { ($0.number, $0.start, $0.end) })
        var regions = blocks.map { SegmentRegion(start: $0.start, end: $0.end) }.sorted { $0.start < $1.start }
        let inferred = regions.isEmpty
        if inferred { regions = SentenceSegmenter.paragraphs(scalars) }
        let sentences = sentenceSpans.map { spans in
            spans.enumerated().map { Sentence(index: $0.offset, text: scalars.slice($0.element.start, $0.element.end), span: $0.element) }
        } ?? segmenter.segment(scalars, regions: regions, pages: index)
        var headings = Set<Int>()
        if inferred {
            // Plain text: a one-line paragraph of at most 12 words without closing punctuation,
            // followed by more text, is a heading.
            var cursor = 0
            for (k, region) in regions.enumerated() where k + 1 < regions.count {
                while cursor < sentences.count, sentences[cursor].span.start < region.start { cursor += 1 }
                guard cursor < sentences.count else { break }
                let sentence = sentences[cursor]
                let next = cursor + 1 < sentences.count ? sentences[cursor + 1].span.start : Int.max
                guard next >= region.end, !sentence.text.contains("\n"),
                      let last = sentence.text.last, !".!?:;,".contains(last),
                      sentence.text.split(separator: " ").count <= 12 else { continue }
                headings.insert(sentence.index)
            }
            paragraphCount = regions.count - headings.count
        } else {
            let headingRanges = Set(blocks.filter { $0.kind == .heading }.map { [$0.start, $0.end] })
            for sentence in sentences where headingRanges.contains([sentence.span.start, sentence.span.end]) {
                headings.insert(sentence.index)
            }
            paragraphCount = blocks.filter { $0.kind != .heading }.count
        }
        self.id = id
        self.text = scalars
        self.pages = pageList
        self.blocks = blocks
        self.sentences = sentences
        self.headingSentences = headings
    }

    /// A citation of sentence `index`: its span and exactly the text at that span.
    public func citation(ofSentence index: Int) -> Citation {
        let sentence = sentences[index]
        return Citation(documentId: id, page: sentence.span.page, start: sentence.span.start,
                        end: sentence.span.end, quote: text.slice(sentence.span))
    }
}
