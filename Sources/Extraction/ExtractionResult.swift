public import DocuThinkerCore

/// Document properties read from the file itself.
public struct DocumentMetadata: Codable, Hashable, Sendable {
    public var title: String?
    public var author: String?
    public var pageCount: Int

    public init(title: String? = nil, author: String? = nil, pageCount: Int) {
        self.title = title
        self.author = author
        self.pageCount = pageCount
    }
}

/// The complete result of extracting a document: the text and everything located in it.
public struct ExtractionResult: Codable, Sendable {
    public var format: DocumentFormat
    /// Full text; every offset below indexes its Unicode scalars.
    public var text: String
    public var pages: [PageRange]
    public var blocks: [TextBlock]
    public var metadata: DocumentMetadata
    public var quality: QualityReport
}
