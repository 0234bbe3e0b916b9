public import DocuThinkerCore
public import Foundation

/// Extracts a Word document: paragraphs in order, headings, list items, table rows, core properties.
/// The container is checked against zip-bomb limits before and while anything is inflated, and
/// read by `ZIPContainer`, whose every read is bounded.
struct DOCXExtractor {
    let limits: ExtractionLimits

    func extract(_ data: Data) throws -> ExtractionResult {
        let started = ContinuousClock.now
        return try parse(try openChecked(data), started: started)
    }

    /// Opens the container and checks its entry count and declared inflated size (the zip-bomb limits).
    func openChecked(_ data: Data) throws -> ZIPContainer {
        let archive = try ZIPContainer(data)
        if archive.entries.count > limits.maxArchiveEntries {
            throw ExtractionError(.archiveLimit, "The DOCX has more than \(limits.maxArchiveEntries) parts.")
        }
        let declared = archive.entries.reduce(0) { $0 &+ $1.uncompressedSize }
        if declared > limits.maxArchiveUncompressedBytes {
            throw ExtractionError(.archiveLimit, "The DOCX would expand to \(declared) bytes; the limit is \(limits.maxArchiveUncompressedBytes).")
        }
        return archive
    }

    func parse(_ archive: ZIPContainer, started: ContinuousClock.Instant) throws -> ExtractionResult {
        var budget = limits.maxArchiveUncompressedBytes
        guard let body = archive["word/document.xml"] else {
            throw ExtractionError(.unreadable, "The DOCX has no word/document.xml part.")
        }
        let documentXML = try inflate(body, from: archive, budget: &budget)
        try limits.checkDeadline(since: started)
        let coreXML = try archive["docProps/core.xml"].map { try inflate($0, from: archive, budget: &budget) }

        let parser = DOCXBodyParser()
        try parser.parse(documentXML)
        try limits.checkDeadline(since: started)
        var accumulator = parser.accumulator
        accumulator.endPage()
        guard accumulator.pages.count <= limits.maxPages else {
            throw ExtractionError(.tooManyPages, "The document has \(accumulator.pages.count) pages; the limit is \(limits.maxPages).")
        }
        let properties = coreXML.map(DOCXCoreProperties.parse) ?? DOCXCoreProperties()
        let metadata = DocumentMetadata(title: properties.title, author: properties.creator, pageCount: accumulator.pages.count)
        let quality = QualityAnalyzer.report(
            text: accumulator.text, characters: accumulator.offset, pageCount: accumulator.pages.count,
            emptyPages: [], warnings: [])
        return ExtractionResult(
            format: .docx, text: accumulator.text, pages: accumulator.pages, blocks: accumulator.blocks,
            metadata: metadata, quality: quality)
    }

    /// Inflates one entry, counting its bytes against the remaining budget.
    private func inflate(_ entry: ZIPContainer.Entry, from archive: ZIPContainer, budget: inout Int) throws -> Data {
        try archive.contents(of: entry, budget: &budget,
                             limitMessage: "The DOCX expands beyond \(limits.maxArchiveUncompressedBytes) bytes.")
    }
}
