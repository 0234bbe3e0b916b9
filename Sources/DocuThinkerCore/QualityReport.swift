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
