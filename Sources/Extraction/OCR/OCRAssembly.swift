import DocuThinkerCore

/// Puts pages read by OCR into an extraction: their words' offsets move from the page's OCR
/// text to the document's text, and the quality report lists them with their confidence.
enum OCRAssembly {
    static func result(format: DocumentFormat, accumulator: TextAccumulator, metadata: DocumentMetadata, emptyPages: [Int],
                       unusablePages: [Int], ocr: [Int: OCRPage], requests: [OCRRequest]) -> ExtractionResult {
        let scalars = ocr.isEmpty ? [] : Array(accumulator.text.unicodeScalars)   // once, not once per page
        let read = ocr.values.sorted { $0.page < $1.page }.map { locate($0, in: accumulator, scalars: scalars) }
        var warnings: [String] = []
        if !read.isEmpty {
            let weak = read.filter { !$0.words.isEmpty && $0.confidence < 0.6 }.map(\.page)
            if !weak.isEmpty {
                warnings.append("OCR was unsure of pages \(weak.map(String.init).joined(separator: ", ")) (mean confidence below 60%); check their text.")
            }
        }
        var quality = QualityAnalyzer.report(
            text: accumulator.text, characters: accumulator.offset, pageCount: metadata.pageCount, emptyPages: emptyPages,
            warnings: warnings, ocrPending: !requests.isEmpty)
        if !unusablePages.isEmpty { quality.unusablePages = unusablePages }
        if !read.isEmpty {
            quality.ocrPages = read.map { OCRPageQuality(page: $0.page, words: $0.words.count, confidence: $0.confidence, dpi: $0.dpi) }
            let words = read.flatMap(\.words)
            quality.ocrConfidence = words.isEmpty ? 0 : words.reduce(0) { $0 + $1.confidence } / Double(words.count)
        }
        return ExtractionResult(
            format: format, text: accumulator.text, pages: accumulator.pages, blocks: accumulator.blocks, metadata: metadata,
            quality: quality, ocrRequests: requests, ocrPages: read)
    }

    /// The page with its words' offsets in the document's text. Layout only changes the
    /// whitespace between words, so each word is found in order from the previous one; a word
    /// not found (it never should be) keeps no box in the result.
    static func locate(_ page: OCRPage, in accumulator: TextAccumulator, scalars: [Unicode.Scalar]) -> OCRPage {
        guard let range = accumulator.pages.first(where: { $0.number == page.page }) else { return page }
        var located = page
        located.words = []
        var cursor = range.start
        for word in page.words {
            let needle = Array(word.text.unicodeScalars)
            guard let start = find(needle, in: scalars, from: cursor, before: range.end) else { continue }
            var moved = word
            moved.start = start
            moved.end = start + needle.count
            located.words.append(moved)
            cursor = moved.end
        }
        return located
    }

    private static func find(_ needle: [Unicode.Scalar], in haystack: [Unicode.Scalar], from: Int, before end: Int) -> Int? {
        guard !needle.isEmpty, end - from >= needle.count else { return nil }
        var index = from
        while index + needle.count <= end {
            if haystack[index..<index + needle.count].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }
}
