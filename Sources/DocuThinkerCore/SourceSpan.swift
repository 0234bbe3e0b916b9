/// A range of a document's text, counted in Unicode scalar values (code points), 0-based,
/// `start` inclusive and `end` exclusive, on the text that `GET /v1/documents/{id}/text` returns.
public struct SourceSpan: Codable, Hashable, Sendable {
    /// The 1-based page the span starts on.
    public var page: Int
    /// First code point of the span.
    public var start: Int
    /// One past the last code point of the span.
    public var end: Int

    /// Creates a span; `end` must not be before `start`.
    public init(page: Int, start: Int, end: Int) {
        precondition(end >= start, "span end before start")
        self.page = page
        self.start = start
        self.end = end
    }

    /// Number of code points covered.
    public var length: Int { end - start }
}

/// A quoted piece of a document that backs a claim; valid only when `quote == text[start..<end]`.
public struct Citation: Codable, Hashable, Sendable {
    public var documentId: String
    public var page: Int
    public var start: Int
    public var end: Int
    public var quote: String
    /// The document's title, where the citation comes from a library answer (a reader sees which
    /// document and page; absent when the document is obvious).
    public var title: String?

    public init(documentId: String, page: Int, start: Int, end: Int, quote: String, title: String? = nil) {
        self.documentId = documentId
        self.page = page
        self.start = start
        self.end = end
        self.quote = quote
        self.title = title
    }
}
