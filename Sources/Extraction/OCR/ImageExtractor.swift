import DocuThinkerCore
import Foundation

/// An uploaded PNG, JPEG or TIFF: a one-page document whose text comes from OCR. Its header is
/// read first, so a damaged image or one too large to decode safely is refused at upload.
struct ImageExtractor {
    let limits: ExtractionLimits
    let format: DocumentFormat

    /// Checks the header: a readable size within `limits.maxImagePixels`.
    func inspect(_ data: Data) throws {
        let kind: DocumentImageKind = format == .png ? .png : format == .jpeg ? .jpeg : .tiff
        guard let size = ImageHeader.size(data, format: kind), size.width > 0, size.height > 0 else {
            throw ExtractionError(.unreadable, "The image could not be read (it is damaged or truncated).")
        }
        guard size.width * size.height <= limits.maxImagePixels else {
            throw ExtractionError(.tooLarge, "The image is \(size.width) × \(size.height) pixels; the limit is \(limits.maxImagePixels / 1_000_000) million pixels.")
        }
    }

    /// The page: empty (with a request to read it) until `ocr` holds it.
    func extract(_ data: Data, ocr: [Int: OCRPage]) throws -> ExtractionResult {
        try inspect(data)
        var accumulator = TextAccumulator()
        accumulator.beginPage()
        if let read = ocr[1] { PDFLayout.appendPage(read.text, page: 1, into: &accumulator) }
        accumulator.endPage()
        let empty = accumulator.offset == 0
        return OCRAssembly.result(
            format: format, accumulator: accumulator, metadata: DocumentMetadata(pageCount: 1), emptyPages: empty ? [1] : [],
            unusablePages: [], ocr: ocr, requests: ocr[1] == nil ? [OCRRequest(page: 1, pointSize: nil)] : [])
    }
}
