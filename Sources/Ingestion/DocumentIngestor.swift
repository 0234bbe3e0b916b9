import Crypto
public import Extraction
public import Storage
public import TextProcessing
import DocuThinkerCore
public import Foundation

/// Everything derived from one uploaded file before it is stored.
public struct ProcessedDocument: Sendable {
    public var extraction: ExtractionResult
    public var sentences: [Sentence]
    public var chunks: [Chunk]
    /// SHA-256 of the file, in hex.
    public var sha256: String
    /// The file's size in bytes.
    public var size: Int

    /// The chunks as the store keeps them.
    public var chunkRecords: [ChunkRecord] {
        chunks.map {
            ChunkRecord(ordinal: $0.index, page: $0.span.page, pageEnd: $0.pageEnd, start: $0.span.start,
                        end: $0.span.end, wordCount: $0.wordCount, text: $0.text)
        }
    }
}

/// Extraction → segmentation → chunking, run on NIO's blocking thread pool (CPU-bound work
/// never occupies the event loop or the cooperative pool).
public struct DocumentIngestor: Sendable {
    public var extractor: DocumentExtractor
    public let segmenter: SentenceSegmenter
    public let chunker: Chunker

    public init(extractor: DocumentExtractor, segmenter: SentenceSegmenter = .init(), chunker: Chunker = .init()) {
        self.extractor = extractor
        self.segmenter = segmenter
        self.chunker = chunker
    }

    /// Processes a file on the calling thread (memory-mapped).
    public func processSynchronously(fileAt path: String) throws -> ProcessedDocument {
        try processSynchronously(try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped))
    }

    /// Processes a file's bytes on the calling thread; pages in `ocr` take the text OCR read.
    public func processSynchronously(_ data: Data, ocr: [Int: OCRPage] = [:]) throws -> ProcessedDocument {
        let digest = SHA256.hash(data: data).hexString
        let extraction = try extractor.extract(data, ocr: ocr)
        let segmented = Self.segment(extraction, segmenter: segmenter, chunker: chunker)
        return ProcessedDocument(
            extraction: extraction, sentences: segmented.sentences, chunks: segmented.chunks, sha256: digest, size: data.count)
    }

    /// Sentences, labelled with their role in the document's structure, and chunks of an
    /// extraction. Blocks are the regions sentences never cross, and so are page furniture lines
    /// (a running head is never glued to the paragraph under it).
    public static func segment(_ extraction: ExtractionResult, segmenter: SentenceSegmenter, chunker: Chunker)
        -> (sentences: [Sentence], chunks: [Chunk]) {
        let text = ScalarText(extraction.text)
        let pages = PageIndex(pages: extraction.pages.map { ($0.number, $0.start, $0.end) })
        let layout = StructureLabeler.layout(text, pages: extraction.pages, blocks: extraction.blocks)
        var sentences = segmenter.segment(text, regions: layout.regions, pages: pages)
        let roles = StructureLabeler.roles(of: sentences, text: text, pages: extraction.pages, blocks: extraction.blocks, marks: layout.marks)
        for index in sentences.indices { sentences[index].role = roles[index] }
        return (sentences, chunker.chunk(sentences, in: text, pages: pages))
    }
}
