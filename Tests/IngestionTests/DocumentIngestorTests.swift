import DocuThinkerCore
import Extraction
import Foundation
import Ingestion
import Testing
import TextProcessing

/// The importer: one segmentation per upload, every span exact in code points, the file's digest,
/// and hostile bytes refused with a typed error.
@Suite struct DocumentIngestorTests {
    let ingestor = DocumentIngestor(extractor: DocumentExtractor(), chunker: Chunker(targetWords: 40, maxWords: 60, overlapWords: 0))

    /// Markdown with non-ASCII text (emoji are two UTF-16 units but one code point).
    static let markdown = (1...30).map { n in
        "## Part \(n)\n\nThe café 🍵 in section \(n) serves tea at \(n) o'clock. Visitors say naïve things about it. It closes late.\n"
    }.joined(separator: "\n")

    @Test func sentencesAndChunksPointAtTheirOwnText() throws {
        let processed = try ingestor.processSynchronously(Data(Self.markdown.utf8))
        let scalars = Array(processed.extraction.text.unicodeScalars)
        func slice(_ span: SourceSpan) -> String {
            var view = String.UnicodeScalarView()
            view.append(contentsOf: scalars[span.start..<span.end])
            return String(view)
        }
        #expect(processed.sentences.count >= 90)
        for sentence in processed.sentences {
            #expect(slice(sentence.span) == sentence.text)
        }
        #expect(processed.chunks.count > 1)
        for chunk in processed.chunks {
            #expect(slice(chunk.span).contains(processed.sentences[chunk.sentences.lowerBound].text))
            #expect(chunk.sentences.upperBound < processed.sentences.count)
        }
        // Chunks follow the sentences in order and never go backwards.
        #expect(zip(processed.chunks, processed.chunks.dropFirst()).allSatisfy { $0.span.start < $1.span.start })
        #expect(processed.chunkRecords.map(\.ordinal) == Array(0..<processed.chunks.count))
    }

    @Test func digestAndSizeDescribeTheBytes() throws {
        let a = try ingestor.processSynchronously(Data("First text. It has two sentences.".utf8))
        let b = try ingestor.processSynchronously(Data("First text. It has two sentences!".utf8))
        #expect(a.size == 33)
        #expect(a.sha256.count == 64)
        #expect(a.sha256 != b.sha256)
        #expect(a.sha256 == (try ingestor.processSynchronously(Data("First text. It has two sentences.".utf8))).sha256)
    }

    @Test func corruptFilesAreRefusedNotCrashed() throws {
        // A PDF header and nothing else, and a ZIP signature that is no DOCX.
        for bytes in [Data("%PDF-1.7\n%garbage".utf8), Data([0x50, 0x4B, 0x03, 0x04, 0, 0, 0, 0])] {
            #expect(throws: ExtractionError.self) { try ingestor.processSynchronously(bytes) }
        }
    }

    @Test func executorRunsWorkOffTheCallerAndStopsWhenShutDown() async throws {
        let executor = IngestionExecutor(threads: 2)
        let processed = try await executor.run { try ingestor.processSynchronously(Data(Self.markdown.utf8)) }
        #expect(!processed.chunks.isEmpty)
        let sums = try await withThrowingTaskGroup(of: Int.self) { group in
            for n in 1...8 { group.addTask { try await executor.run { (1...n * 1000).reduce(0, +) } } }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(Set(sums) == Set((1...8).map { n in n * 1000 * (n * 1000 + 1) / 2 }))
        await executor.shutdown()
        await #expect(throws: (any Error).self) { try await executor.run { 1 } }
    }
}
