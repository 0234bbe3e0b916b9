import DocuThinkerCore
import Extraction
import Foundation
import Testing
import TextProcessing

/// Paths of committed fixtures and of fetched real documents.
enum Fixtures {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")
    static let testData = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("test-data")

    static func data(_ name: String) throws -> Data {
        try Data(contentsOf: directory.appendingPathComponent(name))
    }

    static func extract(_ name: String, limits: ExtractionLimits = ExtractionLimits()) throws -> ExtractionResult {
        try DocumentExtractor(limits: limits).extract(data(name))
    }

    /// Asserts that every page, block, sentence and chunk span reads back its own text.
    static func checkOffsets(_ result: ExtractionResult, sourceLocation: SourceLocation = #_sourceLocation) {
        let text = ScalarText(result.text)
        #expect(result.quality.characters == text.count, sourceLocation: sourceLocation)
        var previousEnd = 0
        for page in result.pages {
            #expect(page.start >= previousEnd && page.end >= page.start && page.end <= text.count, sourceLocation: sourceLocation)
            previousEnd = page.end
        }
        for block in result.blocks {
            let slice = text.slice(block.start, block.end)
            #expect(!slice.isEmpty, sourceLocation: sourceLocation)
            #expect(slice == slice.trimmingCharacters(in: .whitespacesAndNewlines), "block not trimmed: \(slice)", sourceLocation: sourceLocation)
        }
        let pages = PageIndex(pages: result.pages.map { ($0.number, $0.start, $0.end) })
        let regions = result.blocks.map { SegmentRegion(start: $0.start, end: $0.end) }
        let sentences = SentenceSegmenter().segment(text, regions: regions, pages: pages)
        for sentence in sentences {
            #expect(text.slice(sentence.span) == sentence.text, sourceLocation: sourceLocation)
            let page = result.pages.first { $0.number == sentence.span.page }
            #expect(page.map { $0.start <= sentence.span.start && sentence.span.start <= $0.end } == true, sourceLocation: sourceLocation)
        }
        for chunk in Chunker(targetWords: 20, maxWords: 30, overlapWords: 5).chunk(sentences, in: text, pages: pages) {
            #expect(text.slice(chunk.span) == chunk.text, sourceLocation: sourceLocation)
        }
    }
}

extension ExtractionResult {
    /// The text of the first block of `kind` containing `needle`.
    func block(_ kind: BlockKind, containing needle: String) -> (TextBlock, String)? {
        let scalars = ScalarText(text)
        for block in blocks where block.kind == kind {
            let slice = scalars.slice(block.start, block.end)
            if slice.contains(needle) { return (block, slice) }
        }
        return nil
    }
}
