import APIService
import Analysis
import ArgumentParser
import DocuThinkerCore
import Embeddings
import Extraction
import Foundation

/// `docuthinker analyze FILE [--kinds …] [--json | --markdown]`: runs offline analyses on a file.
struct AnalyzeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analyze", abstract: "Summarise and analyse a document offline, with citations.")

    @Argument(help: "The file to analyse (PDF, DOCX, HTML, Markdown or text).") var file: String
    @Option(help: "Comma-separated kinds: \(AnalysisKind.allCases.map(\.rawValue).joined(separator: ", ")).")
    var kinds = "summary,key-ideas,discussion-points,recommendations,sentiment,analytics"
    @Flag(help: "Print the results as JSON.") var json = false
    @Flag(help: "Print the results as Markdown (the default).") var markdown = false
    @Option(help: "Sentences in summaries.") var sentences: Int?
    @Option(help: "Items in lists (key ideas, discussion points, recommendations).") var count: Int?
    @Option(help: "Embedding model directory (sentiment uses it when present).") var model = "models/all-MiniLM-L6-v2"

    func run() async throws {
        let requested = try kinds.split(separator: ",").map { name -> AnalysisKind in
            guard let kind = AnalysisKind(rawValue: name.trimmingCharacters(in: .whitespaces)) else {
                throw ValidationError("Unknown kind '\(name)'.")
            }
            return kind
        }
        let extraction: ExtractionResult
        do {
            extraction = try DocumentExtractor().extract(fileAt: URL(fileURLWithPath: file))
        } catch let error as ExtractionError {
            FileHandle.standardError.write(Data("error: \(error.code.rawValue): \(error.message)\n".utf8))
            throw ExitCode(2)
        }
        var document = AnalysisDocument(
            id: URL(fileURLWithPath: file).lastPathComponent, text: extraction.text, pages: extraction.pages,
            blocks: extraction.blocks)
        document.title = extraction.metadata.title ?? URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
        let embedder = try? MiniLMEmbedder(directory: URL(fileURLWithPath: model))
        let engine = OfflineAnalysisEngine(embedder: embedder)
        let parameters = AnalysisParameters(sentences: sentences, count: count)
        var results: [AnalysisResult] = []
        for kind in requested {
            do {
                results.append(try await engine.run(kind, parameters: parameters, on: document))
            } catch let error as AnalysisError {
                FileHandle.standardError.write(Data("\(kind.rawValue): \(error.code.rawValue): \(error.message)\n".utf8))
            }
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            FileHandle.standardOutput.write(try encoder.encode(results))
            print()
        } else {
            print(MarkdownReport.render(results, title: extraction.metadata.title ?? document.id))
        }
    }
}
