import CPoppler
public import DocuThinkerCore
public import Foundation

/// Extracts PDF text page by page through poppler-glib.
struct PDFExtractor {
    let limits: ExtractionLimits
    var interrupt: (@Sendable () -> Bool)? = nil

    /// Opens the PDF and checks its page count without reading a page.
    func inspect(_ data: Data) throws -> (pageCount: Int, title: String?, author: String?) {
        let document = try open(data)
        defer { g_object_unref(UnsafeMutableRawPointer(document)) }
        let pageCount = try checkedPageCount(document)
        return (pageCount, Self.string(poppler_document_get_title(document)), Self.string(poppler_document_get_author(document)))
    }

    private func checkedPageCount(_ document: OpaquePointer) throws -> Int {
        let pageCount = Int(poppler_document_get_n_pages(document))
        guard pageCount > 0 else { throw ExtractionError(.unreadable, "The PDF has no pages.") }
        guard pageCount <= limits.maxPages else {
            throw ExtractionError(.tooManyPages, "The PDF has \(pageCount) pages; the limit is \(limits.maxPages).")
        }
        return pageCount
    }

    func extract(_ data: Data) throws -> ExtractionResult {
        let started = ContinuousClock.now
        let document = try open(data)
        defer { g_object_unref(UnsafeMutableRawPointer(document)) }

        let pageCount = try checkedPageCount(document)
        var accumulator = TextAccumulator()
        var emptyPages: [Int] = []
        for index in 0..<pageCount {
            try limits.checkDeadline(since: started)
            if interrupt?() == true { throw CancellationError() }
            accumulator.beginPage()
            let pageText = Self.pageText(document, index: Int32(index)).normalisingNewlines()
            if pageText.unicodeScalars.filter({ !$0.properties.isWhitespace }).count < 3 {
                emptyPages.append(index + 1)
            }
            PDFLayout.appendPage(pageText, page: index + 1, into: &accumulator)
            accumulator.endPage()
        }
        let metadata = DocumentMetadata(
            title: Self.string(poppler_document_get_title(document)),
            author: Self.string(poppler_document_get_author(document)),
            pageCount: pageCount)
        let quality = QualityAnalyzer.report(
            text: accumulator.text, characters: accumulator.offset, pageCount: pageCount,
            emptyPages: emptyPages, warnings: [])
        return ExtractionResult(
            format: .pdf, text: accumulator.text, pages: accumulator.pages, blocks: accumulator.blocks,
            metadata: metadata, quality: quality)
    }

    /// Opens the document, mapping poppler's errors onto typed errors.
    private func open(_ data: Data) throws -> OpaquePointer {
        var error: UnsafeMutablePointer<GError>?
        let bytes = data.withUnsafeBytes { raw in g_bytes_new(raw.baseAddress, gsize(raw.count)) }
        defer { g_bytes_unref(bytes) }
        guard let document = poppler_document_new_from_bytes(bytes, nil, &error) else {
            let code = error?.pointee.code ?? -1
            let message = error.map { String(cString: $0.pointee.message) } ?? "unknown error"
            if let error { g_error_free(error) }
            if code == Int32(POPPLER_ERROR_ENCRYPTED.rawValue) {
                throw ExtractionError(.passwordProtected, "The PDF is password-protected; remove the password and upload it again.")
            }
            throw ExtractionError(.unreadable, "The PDF could not be read (\(message)).")
        }
        return document
    }

    private static func pageText(_ document: OpaquePointer, index: Int32) -> String {
        guard let page = poppler_document_get_page(document, index) else { return "" }
        defer { g_object_unref(UnsafeMutableRawPointer(page)) }
        guard let raw = poppler_page_get_text(page) else { return "" }
        defer { g_free(raw) }
        return String(cString: raw)
    }

    private static func string(_ raw: UnsafeMutablePointer<gchar>?) -> String? {
        guard let raw else { return nil }
        defer { g_free(raw) }
        let value = String(cString: raw).trimmingWhitespace()
        return value.isEmpty ? nil : value
    }
}
