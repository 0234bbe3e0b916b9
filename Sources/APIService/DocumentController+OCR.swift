import Extraction
import Hummingbird
import Ingestion
import ServerSupport
import Storage

extension DocumentController {
    /// `GET /v1/documents/{id}/ocr`: the words of the pages read by OCR, each with its box on the
    /// page image (pixels, origin top left), its confidence and its offsets in the document's
    /// text, so a citation on a scanned page can be drawn on it. `pages` is empty when no page
    /// was read by OCR.
    @Sendable func ocrWordBoxes(_ request: Request, context: AppRequestContext) async throws -> Response {
        let record = try await owned(context)
        let stored = try await ocrWords.analysis(OCRStage.wordsKey(record.id), as: OCRWordBoxes.self)?.result
        return try JSONIO.response(OCRWordBoxesDTO(
            documentId: record.id, languages: stored?.languages ?? [],
            pages: (stored?.pages ?? []).map { page in
                OCRWordBoxesDTO.Page(page: page.page, width: page.width, height: page.height, dpi: page.dpi,
                                     confidence: page.confidence, words: page.words)
            }))
    }
}

/// The answer of `GET /v1/documents/{id}/ocr`.
struct OCRWordBoxesDTO: Encodable {
    struct Page: Encodable {
        var page: Int
        var width: Int
        var height: Int
        var dpi: Int?
        var confidence: Double
        var words: [OCRWord]
    }

    var documentId: String
    var languages: [String]
    var pages: [Page]
}
