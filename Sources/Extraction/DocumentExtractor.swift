public import DocuThinkerCore
public import Foundation

/// The entry point of extraction: detects the format from the bytes and runs its extractor.
/// Synchronous and CPU-bound; servers call it from a thread pool, never the event loop.
public struct DocumentExtractor: Sendable {
    public let limits: ExtractionLimits
    /// Asked between pages: when it returns true, extraction stops with `CancellationError`
    /// (a deleted document or a stopping worker; extraction runs on a thread pool, outside Swift tasks).
    public var interrupt: (@Sendable () -> Bool)?

    public init(limits: ExtractionLimits = ExtractionLimits(), interrupt: (@Sendable () -> Bool)? = nil) {
        self.limits = limits
        self.interrupt = interrupt
    }

    /// What a quick look at the bytes tells before the real work: the format and, for a PDF, its
    /// page count and metadata. It throws the same typed errors as `extract` for what it can
    /// see cheaply (unsupported, empty, too large, password-protected, damaged PDF, too many
    /// pages, a DOCX container beyond the zip-bomb limits), so an upload can be refused at once.
    public struct Inspection: Sendable, Hashable {
        public var format: DocumentFormat
        public var pageCount: Int?
        public var title: String?
        public var author: String?
    }

    /// Inspects `data` (milliseconds, even for thousands of pages: no page is read).
    public func inspect(_ data: Data) throws -> Inspection {
        guard data.count <= limits.maxBytes else {
            throw ExtractionError(.tooLarge, "The file is \(data.count) bytes; the limit is \(limits.maxBytes).")
        }
        let format = try FormatDetector.detect(data)
        switch format {
        case .pdf:
            let info = try PDFExtractor(limits: limits).inspect(data)
            return Inspection(format: format, pageCount: info.pageCount, title: info.title, author: info.author)
        case .docx:
            _ = try DOCXExtractor(limits: limits).openChecked(data)
            return Inspection(format: format)
        case .html, .markdown, .text:
            return Inspection(format: format)
        case .png, .jpeg, .tiff:
            try ImageExtractor(limits: limits, format: format).inspect(data)
            return Inspection(format: format, pageCount: 1)
        }
    }

    /// Extracts `data`, throwing a typed `ExtractionError` for anything it cannot or will not read.
    /// Pages of a PDF (or an image) with no usable text come back in `ocrRequests`, or, when
    /// `ocr` holds them (read by a `PageReader`), with the text OCR read.
    public func extract(_ data: Data, ocr: [Int: OCRPage] = [:]) throws -> ExtractionResult {
        guard data.count <= limits.maxBytes else {
            throw ExtractionError(.tooLarge, "The file is \(data.count) bytes; the limit is \(limits.maxBytes).")
        }
        let format = try FormatDetector.detect(data)
        switch format {
        case .pdf: return try PDFExtractor(limits: limits, interrupt: interrupt).extract(data, ocr: ocr)
        case .png, .jpeg, .tiff: return try ImageExtractor(limits: limits, format: format).extract(data, ocr: ocr)
        case .docx: return try DOCXExtractor(limits: limits).extract(data)
        case .html: return try HTMLExtractor(limits: limits).extract(data)
        case .markdown: return try MarkdownExtractor(limits: limits).extract(data)
        case .text: return try PlainTextExtractor(limits: limits, format: format).extract(data)
        }
    }

    /// Reads and extracts the file at `url`.
    public func extract(fileAt url: URL) throws -> ExtractionResult {
        let size = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0
        guard size <= limits.maxBytes else {
            throw ExtractionError(.tooLarge, "The file is \(size) bytes; the limit is \(limits.maxBytes).")
        }
        let data = try Data(contentsOf: url, options: .alwaysMapped)
        return try extract(data)
    }
}
