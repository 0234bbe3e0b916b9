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

    /// The text of every page: its text layer, or, for a page in `ocr`, what OCR read. Pages
    /// whose text layer is missing or unusable and were not read are listed in `ocrRequests`.
    func extract(_ data: Data, ocr: [Int: OCRPage] = [:]) throws -> ExtractionResult {
        let started = ContinuousClock.now
        let document = try open(data)
        defer { g_object_unref(UnsafeMutableRawPointer(document)) }

        let pageCount = try checkedPageCount(document)
        var accumulator = TextAccumulator()
        var emptyPages: [Int] = [], unusablePages: [Int] = [], requests: [OCRRequest] = []
        for index in 0..<pageCount {
            try limits.checkDeadline(since: started)
            if interrupt?() == true { throw CancellationError() }
            let number = index + 1
            guard let page = poppler_document_get_page(document, Int32(index)) else {
                emptyPages.append(number)
                accumulator.beginPage(); accumulator.endPage()
                continue
            }
            defer { g_object_unref(UnsafeMutableRawPointer(page)) }
            var pageText = Self.pageText(page).normalisingNewlines()
            let verdict = TextLayerCheck.verdict(pageText) { Self.imageCoverage(page) }
            if verdict == .unusable { unusablePages.append(number) }
            if verdict != .usable {
                if let read = ocr[number] {
                    pageText = read.text
                } else {
                    var width = 0.0, height = 0.0
                    poppler_page_get_size(page, &width, &height)
                    requests.append(OCRRequest(page: number, pointSize: [width, height]))
                    pageText = verdict == .empty ? "" : pageText
                }
            }
            if pageText.unicodeScalars.filter({ !$0.properties.isWhitespace }).count < 3 { emptyPages.append(number) }
            accumulator.beginPage()
            PDFLayout.appendPage(pageText, page: number, into: &accumulator)
            accumulator.endPage()
        }
        let metadata = DocumentMetadata(
            title: Self.string(poppler_document_get_title(document)),
            author: Self.string(poppler_document_get_author(document)),
            pageCount: pageCount)
        return OCRAssembly.result(
            format: .pdf, accumulator: accumulator, metadata: metadata, emptyPages: emptyPages, unusablePages: unusablePages,
            ocr: ocr, requests: requests)
    }

    /// The share of the page's area covered by images (0...1).
    private static func imageCoverage(_ page: OpaquePointer) -> Double {
        var width = 0.0, height = 0.0
        poppler_page_get_size(page, &width, &height)
        guard width > 0, height > 0, let list = poppler_page_get_image_mapping(page) else { return 0 }
        defer { poppler_page_free_image_mapping(list) }
        var covered = 0.0
        var node: UnsafeMutablePointer<GList>? = list
        while let current = node {
            if let mapping = current.pointee.data?.assumingMemoryBound(to: PopplerImageMapping.self) {
                let area = mapping.pointee.area
                covered += abs(area.x2 - area.x1) * abs(area.y2 - area.y1)
            }
            node = current.pointee.next
        }
        return min(1, covered / (width * height))
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

    private static func pageText(_ page: OpaquePointer) -> String {
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
