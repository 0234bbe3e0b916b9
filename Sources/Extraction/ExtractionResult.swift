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
    /// Pages whose text layer is missing or unusable, to be read by OCR (the OCR stage runs
    /// extraction again with their pages read).
    public var ocrRequests: [OCRRequest] = []
    /// The pages read by OCR, their words' offsets in `text`.
    public var ocrPages: [OCRPage] = []

    /// Whether the text holds anything but whitespace.
    public var hasText: Bool { text.unicodeScalars.contains { !$0.properties.isWhitespace } }

    enum CodingKeys: String, CodingKey {
        case format, text, pages, blocks, metadata, quality
    }

    public init(format: DocumentFormat, text: String, pages: [PageRange], blocks: [TextBlock], metadata: DocumentMetadata,
                quality: QualityReport, ocrRequests: [OCRRequest] = [], ocrPages: [OCRPage] = []) {
        self.format = format
        self.text = text
        self.pages = pages
        self.blocks = blocks
        self.metadata = metadata
        self.quality = quality
        self.ocrRequests = ocrRequests
        self.ocrPages = ocrPages
    }
}
