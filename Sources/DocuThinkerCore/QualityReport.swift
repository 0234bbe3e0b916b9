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
    /// 1-based numbers of pages whose text layer could not be used (glyph soup from a broken font
    /// encoding, or a few characters on a scanned image): they were read by OCR instead.
    public var unusablePages: [Int]?
    /// The pages read by OCR, with their word count and mean confidence (absent: none was).
    public var ocrPages: [OCRPageQuality]?
    /// Mean word confidence over every page read by OCR, 0...1.
    public var ocrConfidence: Double?

    public init(characters: Int, words: Int, pageCount: Int, emptyPages: [Int], likelyScanned: Bool, language: String,
                languageConfidence: Double, warnings: [String]) {
        self.characters = characters
        self.words = words
        self.pageCount = pageCount
        self.emptyPages = emptyPages
        self.likelyScanned = likelyScanned
        self.language = language
        self.languageConfidence = languageConfidence
        self.warnings = warnings
    }
}

/// One page read by OCR, in the quality report.
public struct OCRPageQuality: Codable, Hashable, Sendable {
    public var page: Int
    public var words: Int
    /// Mean word confidence, 0...1.
    public var confidence: Double
    /// Resolution the page was rendered at (absent for an uploaded image).
    public var dpi: Int?

    public init(page: Int, words: Int, confidence: Double, dpi: Int?) {
        self.page = page
        self.words = words
        self.confidence = confidence
        self.dpi = dpi
    }
}
