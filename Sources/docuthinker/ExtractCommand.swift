import Ingestion
import APIService
import ArgumentParser
import DocuThinkerCore
import Extraction
import Foundation
import TextProcessing

/// `docuthinker extract FILE [--json]`: prints the text, or the full JSON result.
struct ExtractCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "extract", abstract: "Extract the text of a PDF, DOCX, HTML, Markdown or text file.")

    @Argument(help: "The file to read.") var file: String
    @Flag(help: "Print JSON with pages, blocks, sentences, chunks and the quality report.") var json = false
    @Option(help: "Largest accepted file in bytes.") var maxBytes = 50_000_000

    struct Output: Encodable {
        var format: String
        var metadata: DocumentMetadata
        var quality: QualityReport
        var text: String
        var pages: [PageRange]
        var blocks: [TextBlock]
        var sentences: [Sentence]
        var chunks: [Chunk]
    }

    func run() async throws {
        let extractor = DocumentExtractor(limits: ExtractionLimits(maxBytes: maxBytes))
        let result: ExtractionResult
        do {
            result = try extractor.extract(fileAt: URL(fileURLWithPath: file))
        } catch let error as ExtractionError {
            FileHandle.standardError.write(Data("error: \(error.code.rawValue): \(error.message)\n".utf8))
            throw ExitCode(2)
        } catch {
            FileHandle.standardError.write(Data("error: cannot read \(file): \(error.localizedDescription)\n".utf8))
            throw ExitCode(1)
        }
        guard json else {
            FileHandle.standardOutput.write(Data(result.text.utf8))
            FileHandle.standardOutput.write(Data("\n".utf8))
            return
        }
        let segmented = DocumentIngestor.segment(result, segmenter: SentenceSegmenter(), chunker: Chunker())
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let output = Output(
            format: result.format.rawValue, metadata: result.metadata, quality: result.quality, text: result.text,
            pages: result.pages, blocks: result.blocks, sentences: segmented.sentences, chunks: segmented.chunks)
        FileHandle.standardOutput.write(try encoder.encode(output))
        FileHandle.standardOutput.write(Data("\n".utf8))
    }
}
