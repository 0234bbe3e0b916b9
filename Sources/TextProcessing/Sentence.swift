public import DocuThinkerCore

/// A sentence of a document and where it is: `text == fullText[span.start..<span.end]`.
public struct Sentence: Codable, Hashable, Sendable {
    /// 0-based position among the document's sentences.
    public var index: Int
    public var text: String
    public var span: SourceSpan
    /// What the sentence is in the document's structure (`StructureLabeler`); body until labelled.
    public var role: SentenceRole

    public init(index: Int, text: String, span: SourceSpan, role: SentenceRole = .body) {
        self.index = index
        self.text = text
        self.span = span
        self.role = role
    }
}

/// A passage of several sentences used for retrieval; its text is the full text at its span.
public struct Chunk: Codable, Hashable, Sendable {
    /// 0-based position among the document's chunks.
    public var index: Int
    public var text: String
    /// The span; `span.page` is the page the chunk starts on.
    public var span: SourceSpan
    /// The page the chunk ends on.
    public var pageEnd: Int
    public var wordCount: Int
    /// Indices of the first and last sentence in the chunk.
    public var sentences: ClosedRange<Int>

    public init(index: Int, text: String, span: SourceSpan, pageEnd: Int, wordCount: Int, sentences: ClosedRange<Int>) {
        self.index = index
        self.text = text
        self.span = span
        self.pageEnd = pageEnd
        self.wordCount = wordCount
        self.sentences = sentences
    }
}

/// A region of the text that sentences never cross (a paragraph, heading, list item, table row).
public struct SegmentRegion: Sendable, Hashable {
    public var start: Int
    public var end: Int

    public init(start: Int, end: Int) {
        self.start = start
        self.end = end
    }
}

/// Page boundaries used to assign a page to an offset.
public struct PageIndex: Sendable {
    /// Page start offsets in ascending order with their numbers.
    private let starts: [(start: Int, number: Int)]

    public init(pages: [(number: Int, start: Int, end: Int)]) {
        starts = pages.map { ($0.start, $0.number) }.sorted { $0.0 < $1.0 }
    }

    /// The number of the page containing `offset` (the last page starting at or before it).
    public func page(at offset: Int) -> Int {
        var low = 0, high = starts.count - 1, found = starts.first?.number ?? 1
        while low <= high {
            let mid = (low + high) / 2
            if starts[mid].start <= offset { found = starts[mid].number; low = mid + 1 } else { high = mid - 1 }
        }
        return found
    }
}
