public import DocuThinkerCore
public import Foundation
import ZIPFoundation

/// Extracts a Word document: paragraphs in order, headings, list items, table rows, core properties.
/// The container is checked against zip-bomb limits before and while anything is inflated.
struct DOCXExtractor {
    let limits: ExtractionLimits

    func extract(_ data: Data) throws -> ExtractionResult {
        let started = ContinuousClock.now
        return try parse(try openChecked(data), started: started)
    }

    /// Opens the container and checks its entry count and declared inflated size (the zip-bomb limits).
    ///
    /// The bytes are read from a private temporary file, never from memory: ZIPFoundation's
    /// in-memory reader traps (a crash of the whole process) when an entry's offset points past
    /// the end of the data, which a 300-byte upload did (found by `scripts/fuzz docx`); its file
    /// reader meets the end of the file instead, and the entry is reported corrupt. The file is
    /// unlinked at once; the open archive keeps it until it is released.
    func openChecked(_ data: Data) throws -> Archive {
        let archive: Archive
        do {
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("docuthinker-docx-" + UUID().uuidString)
            guard FileManager.default.createFile(atPath: file.path, contents: data, attributes: [.posixPermissions: 0o600]) else {
                throw CocoaError(.fileWriteUnknown)
            }
            defer { try? FileManager.default.removeItem(at: file) }
            archive = try Archive(url: file, accessMode: .read)
        } catch {
            throw ExtractionError(.unreadable, "The DOCX container could not be opened (it may be truncated).")
        }
        var entries = 0
        var declared: UInt64 = 0
        for entry in archive {
            entries += 1
            declared &+= entry.uncompressedSize
            if entries > limits.maxArchiveEntries {
                throw ExtractionError(.archiveLimit, "The DOCX has more than \(limits.maxArchiveEntries) parts.")
            }
        }
        if declared > UInt64(limits.maxArchiveUncompressedBytes) {
            throw ExtractionError(.archiveLimit, "The DOCX would expand to \(declared) bytes; the limit is \(limits.maxArchiveUncompressedBytes).")
        }
        return archive
    }

    func parse(_ archive: Archive, started: ContinuousClock.Instant) throws -> ExtractionResult {
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

    /// Inflates one entry, counting real output bytes against the remaining budget.
    private func inflate(_ entry: Entry, from archive: Archive, budget: inout Int) throws -> Data {
        var output = Data()
        var remaining = budget
        do {
            _ = try archive.extract(entry) { chunk in
                remaining -= chunk.count
                if remaining < 0 { throw ExtractionError(.archiveLimit, "The DOCX expands beyond \(limits.maxArchiveUncompressedBytes) bytes.") }
                output.append(chunk)
            }
        } catch let error as ExtractionError {
            throw error
        } catch {
            throw ExtractionError(.unreadable, "A part of the DOCX is corrupt (\(entry.path)).")
        }
        budget = remaining
        return output
    }
}
