/// One word read by OCR: its text, its box on the page image and how sure the reader was.
public struct OCRWord: Codable, Hashable, Sendable {
    public var text: String
    /// `[x, y, width, height]` in pixels of the page image (origin top left).
    public var box: [Int]
    /// 0...1.
    public var confidence: Double
    /// Code-point offsets of the word: within the page's OCR text as read, then within the
    /// document's text once the document is assembled.
    public var start: Int
    public var end: Int

    public init(text: String, box: [Int], confidence: Double, start: Int, end: Int) {
        self.text = text
        self.box = box
        self.confidence = confidence
        self.start = start
        self.end = end
    }
}

/// One page read by OCR: its text (lines of words, a blank line between paragraphs) and its words.
public struct OCRPage: Codable, Hashable, Sendable {
    /// 1-based page number in the document.
    public var page: Int
    /// Size of the image that was read, in pixels.
    public var width: Int
    public var height: Int
    /// Resolution the PDF page was rendered at (nil for an uploaded image).
    public var dpi: Int?
    public var text: String
    public var words: [OCRWord]

    public init(page: Int, width: Int, height: Int, dpi: Int?, text: String, words: [OCRWord]) {
        self.page = page
        self.width = width
        self.height = height
        self.dpi = dpi
        self.text = text
        self.words = words
    }

    /// Mean word confidence, 0...1 (0 for a page without words).
    public var confidence: Double {
        words.isEmpty ? 0 : words.reduce(0) { $0 + $1.confidence } / Double(words.count)
    }
}

/// A page extraction wants read by OCR: a page of a PDF (with its size in points, so the reader
/// can choose a resolution) or an uploaded image (no size).
public struct OCRRequest: Hashable, Sendable {
    public var page: Int
    /// Width and height of the PDF page in points (1/72 inch); nil for an image file.
    public var pointSize: [Double]?

    public init(page: Int, pointSize: [Double]?) {
        self.page = page
        self.pointSize = pointSize
    }
}
