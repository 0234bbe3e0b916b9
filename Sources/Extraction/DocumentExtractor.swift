public import DocuThinkerCore
public import Foundation

/// The entry point of extraction: detects the format from the bytes and runs its extractor.
/// Synchronous and CPU-bound; servers call it from a thread pool, never the event loop.
public struct DocumentExtractor: Sendable {
    public let limits: ExtractionLimits

    public init(limits: ExtractionLimits = ExtractionLimits()) {
        self.limits = limits
    }

    /// Extracts `data`, throwing a typed `ExtractionError` for anything it cannot or will not read.
    public func extract(_ data: Data) throws -> ExtractionResult {
        guard data.count <= limits.maxBytes else {
            throw ExtractionError(.tooLarge, "The file is \(data.count) bytes; the limit is \(limits.maxBytes).")
        }
        let format = try FormatDetector.detect(data)
        switch format {
        case .pdf: return try PDFExtractor(limits: limits).extract(data)
        case .docx: return try DOCXExtractor(limits: limits).extract(data)
        case .html: return try HTMLExtractor(limits: limits).extract(data)
        case .markdown, .text: return try PlainTextExtractor(limits: limits, format: format).extract(data)
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
