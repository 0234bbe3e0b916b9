import Analysis
import ArgumentParser
import Extraction
import Foundation
import Ingestion
import KnowledgeGraph
import Storage
#if canImport(Glibc)
import Glibc
#endif

/// `docuthinker evaluate-graph FILE…`: precision, recall and F1 of the offline entity extractor
/// on hand-annotated documents (`bench/graph/news-dev.json`), for names and for names with types.
struct EvaluateGraphCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate-graph", abstract: "Score the offline entity extractor on annotated documents.")

    @Argument(help: "Annotated JSON files (bench/graph/*.json).") var files: [String]
    @Option(help: "Gazetteer directory (scripts/fetch-gazetteers).") var gazetteers = "models/gazetteers"
    @Flag(help: "List each document's false positives and misses.") var errors = false
    @Option(help: "Also write the report (Markdown) to this file.") var output: String?

    func run() throws {
        let loaded = Gazetteer.load(directory: gazetteers)
        if let problem = loaded.problem { FileHandle.standardError.write(Data("warning: \(problem)\n".utf8)) }
        let extractor = EntityExtractor(gazetteer: loaded.gazetteer)
        var lines: [String] = []
        for file in files {
            let documents = try EntityEvaluation.load(file)
            let report = EntityEvaluation.run(documents, extractor: extractor)
            func row(_ name: String, _ score: EntityEvaluation.Score) -> String {
                String(format: "| %@ | %d | %d | %d | %.3f | %.3f | %.3f |", name, score.gold, score.predicted, score.truePositives,
                       score.precision, score.recall, score.f1)
            }
            lines.append("## \(file) (\(documents.count) documents, extractor version \(EntityExtractor.version))")
            lines.append("")
            lines.append("| scope | gold | extracted | right | precision | recall | F1 |")
            lines.append("|---|---|---|---|---|---|---|")
            lines.append(row("names", report.names))
            lines.append(row("names + types", report.typed))
            for type in report.byType.keys.sorted() { lines.append(row("type \(type)", report.byType[type]!)) }
            lines.append("")
            if errors {
                for entry in report.errors where !(entry.falsePositives.isEmpty && entry.misses.isEmpty) {
                    lines.append("- \(entry.document): wrong: \(entry.falsePositives.joined(separator: "; "))")
                    lines.append("  missed: \(entry.misses.joined(separator: "; "))")
                }
                lines.append("")
            }
        }
        let text = lines.joined(separator: "\n")
        print(text)
        if let output { try (text + "\n").write(toFile: output, atomically: true, encoding: .utf8) }
    }
}

/// `docuthinker bench-graph FILE…`: time and peak memory of building each file's knowledge
/// graph (extraction and segmentation timed apart), with the graph's size.
struct BenchGraphCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-graph", abstract: "Time the offline knowledge-graph extraction of documents.")

    @Argument(help: "Documents (PDF, DOCX, HTML, Markdown, text).") var files: [String]
    @Option(help: "Gazetteer directory (scripts/fetch-gazetteers).") var gazetteers = "models/gazetteers"
    @Option(help: "Runs per file (the fastest is reported).") var runs = 3
    @Option(help: "Also write the report (Markdown) to this file.") var output: String?
    @Option(help: "List this many of each file's most mentioned entities (to stderr).") var list = 0

    func run() async throws {
        let loaded = Gazetteer.load(directory: gazetteers)
        if let problem = loaded.problem { FileHandle.standardError.write(Data("warning: \(problem)\n".utf8)) }
        let extractor = EntityExtractor(gazetteer: loaded.gazetteer)
        let ingestor = DocumentIngestor(extractor: DocumentExtractor(limits: ExtractionLimits(maxBytes: 200_000_000)))
        var lines = ["| file | pages | sentences | entities | relations | mentions | graph time (best of \(runs)) | peak RSS |", "|---|---|---|---|---|---|---|---|"]
        for file in files {
            let processed = try ingestor.processSynchronously(fileAt: file)
            let document = AnalysisDocument(
                id: file, text: processed.extraction.text, pages: processed.extraction.pages, blocks: processed.extraction.blocks,
                sentenceSpans: processed.sentences.map(\.span), sentenceRoles: processed.sentences.map(\.role))
            var best = Duration.seconds(1_000_000)
            var graph = DocumentGraph(entities: [], relations: [])
            for _ in 0..<max(1, runs) {
                let started = ContinuousClock.now
                graph = extractor.extract(text: document.text, sentences: document.sentences)
                best = min(best, ContinuousClock.now - started)
            }
            for entity in graph.entities.sorted(by: { $0.mentions.count > $1.mentions.count }).prefix(list) {
                FileHandle.standardError.write(Data("  \(entity.mentions.count)\t\(entity.type)\t\(entity.name)\t\(entity.aliases.joined(separator: " | "))\n".utf8))
            }
            var usage = rusage()
            getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
            let mentions = graph.entities.reduce(0) { $0 + $1.mentions.count }
            lines.append(String(format: "| %@ | %d | %d | %d | %d | %d | %.0f ms | %.0f MiB |", (file as NSString).lastPathComponent,
                                processed.extraction.pages.count, document.sentences.count, graph.entities.count, graph.relations.count,
                                mentions, Double(best.components.attoseconds) / 1e15 + Double(best.components.seconds) * 1000,
                                Double(usage.ru_maxrss) / 1024))
        }
        let text = lines.joined(separator: "\n")
        print(text)
        if let output { try (text + "\n").write(toFile: output, atomically: true, encoding: .utf8) }
    }
}
