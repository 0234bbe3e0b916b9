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
    /// Each sentence's role in the document's structure; analyses build on `.body` sentences.
    public let roles: [SentenceRole]
    /// Paragraph-level blocks that are not headings.
    public let paragraphCount: Int
    /// The document's title, when known: a summary opens with what the titled thing is.
    public var title: String?

    /// Prepares `text`; blocks (when known) are the regions sentences never cross. With
    /// `sentenceSpans` (the sentences stored at import) the text is not segmented again, and with
    /// `sentenceRoles` (stored with them) not labelled again.
    public init(id: String, text: String, pages: [PageRange] = [], blocks: [TextBlock] = [], sentenceSpans: [SourceSpan]? = nil,
                sentenceRoles: [SentenceRole?]? = nil, segmenter: SentenceSegmenter = SentenceSegmenter()) {
        let scalars = ScalarText(text)
        let pageList = pages.isEmpty ? [PageRange(number: 1, start: 0, end: scalars.count)] : pages
        let index = PageIndex(pages: pageList.map { ($0.number, $0.start, $0.end) })
        let stored = sentenceRoles.flatMap { roles in roles.count == sentenceSpans?.count ? roles.compactMap { $0 } : nil }
        let labelled = stored != nil && stored!.count == sentenceSpans?.count
        // Layout (page furniture) only when segmenting or labelling here: stored sentences with
        // their roles need neither.
        let layout = labelled ? nil : StructureLabeler.layout(scalars, pages: pages, blocks: blocks)
        var sentences = sentenceSpans.map { spans in
            spans.enumerated().map { Sentence(index: $0.offset, text: scalars.slice($0.element.start, $0.element.end), span: $0.element) }
        } ?? segmenter.segment(scalars, regions: layout!.regions, pages: index)
        var structure = blocks
        if blocks.isEmpty {
            // Plain text: a one-line paragraph of at most 12 words without closing punctuation,
            // followed by more text, is a heading.
            let regions = SentenceSegmenter.paragraphs(scalars)
            var cursor = 0
            for (k, region) in regions.enumerated() {
                while cursor < sentences.count, sentences[cursor].span.start < region.start { cursor += 1 }
                var kind = BlockKind.paragraph
                if k + 1 < regions.count, cursor < sentences.count {
                    let sentence = sentences[cursor]
                    let next = cursor + 1 < sentences.count ? sentences[cursor + 1].span.start : Int.max
                    if next >= region.end, !sentence.text.contains("\n"), let last = sentence.text.last, !".!?:;,".contains(last),
                       sentence.text.split(separator: " ").count <= 12 { kind = .heading }
                }
                structure.append(TextBlock(kind: kind, page: index.page(at: region.start), start: region.start, end: region.end))
            }
        }
        let roles = labelled ? stored!
            : StructureLabeler.roles(of: sentences, text: scalars, pages: pages, blocks: structure, marks: layout!.marks)
        for k in sentences.indices { sentences[k].role = roles[k] }
        self.id = id
        self.text = scalars
        self.pages = pageList
        self.blocks = blocks
        self.sentences = sentences
        self.roles = roles
        self.headingSentences = Set(roles.indices.filter { roles[$0] == .heading })
        self.paragraphCount = structure.filter { $0.kind != .heading }.count
    }

    /// Whether sentence `index` is body prose (what summaries and statements are built from).
    public func isBody(_ index: Int) -> Bool { roles[index].isBody }

    /// A citation of sentence `index`: its span and exactly the text at that span.
    public func citation(ofSentence index: Int) -> Citation {
        let sentence = sentences[index]
        return Citation(documentId: id, page: sentence.span.page, start: sentence.span.start,
                        end: sentence.span.end, quote: text.slice(sentence.span))
    }
}
