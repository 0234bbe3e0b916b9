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

/// How trustworthy the extracted text is.
public struct QualityReport: Codable, Hashable, Sendable {
    /// Code points in the full text.
    public var characters: Int
    /// Whitespace-separated words (CJK characters count one each).
    public var words: Int
    public var pageCount: Int
    /// 1-based numbers of pages that have no text layer.
    public var emptyPages: [Int]
    /// True when most pages have no text: probably a scan that needs OCR.
    public var likelyScanned: Bool
    /// ISO 639-1 code of the guessed language, or `und`.
    public var language: String
    /// 0...1 confidence of the language guess.
    public var languageConfidence: Double
    public var warnings: [String]
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
