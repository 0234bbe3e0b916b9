import APIService
import Analysis
import ArgumentParser
import DocuThinkerCore
import Embeddings
import Evaluation
import Foundation
import TextProcessing

/// `docuthinker evaluate`: quality of the offline engine on any JSONL data set.
///   --summaries FILE   lines `{"text": …, "reference": …}` → ROUGE-1/2/L F1, ours vs lead-3
///   --sentiment FILE   lines `{"text": …, "label": "positive"|"negative"|number}` → accuracy, correlation
struct EvaluateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate", abstract: "Evaluate summaries (ROUGE) and sentiment (accuracy) on JSONL data.")

    @Option(help: "JSONL of {text, reference} pairs.") var summaries: String?
    @Option(help: "JSONL of {text, label} pairs.") var sentiment: String?
    @Option(help: "Summary length in sentences (default: as many as the reference has, 3...15).") var sentences: Int?
    @Option(help: "Write the report (Markdown) here as well.") var output: String?
    @Option(help: "JSONL of {file, question, pages} for retrieval recall@k.") var retrieval: String?
    @Option(help: "Directory holding the files named by --retrieval.") var documents = "test-data/pdf"
    @Option(help: "JSONL of questions no document answers (chat must say not found).") var unrelated: String?
    @Option(help: "Chat's minimum question–sentence similarity (calibration).") var minimumSimilarity: Float?
    @Option(help: "Embedding model directory.") var model = "models/all-MiniLM-L6-v2"
    @Option(help: "A manual question set: a directory with questions.jsonl and unanswerable.jsonl (bench/manuals).") var manuals: String?
    @Option(help: "Directory holding the files named by --manuals.") var manualDocuments = "test-data/manuals"
    @Option(help: "Build the --retrieval/--manuals library in this PostgreSQL database (postgres://…; pgvector search) instead of a temporary SQLite store.")
    var databaseURL: String?
    @Option(help: "With --manuals: write what chat saw for each question (JSON lines) here, for calibration.") var evidenceOutput: String?
    @Option(help: "With --retrieval: build each document's knowledge graph with these gazetteers (models/gazetteers) and compare graph-augmented hybrid search.")
    var graph: String?

    /// Nothing to evaluate is a usage error: ArgumentParser prints the usage with it.
    func validate() throws {
        guard summaries != nil || sentiment != nil || retrieval != nil || manuals != nil else {
            throw ValidationError("Name something to evaluate: --summaries, --sentiment or --retrieval (each a JSONL file), or --manuals (a question set directory).")
        }
    }

    func run() async throws {
        var report: [String] = []
        if let summaries { report += try await evaluateSummaries(summaries) }
        if let sentiment { report += try await evaluateSentiment(sentiment) }
        if let retrieval {
            let configuration = AppConfiguration(reader: try await AppConfiguration.standardReader())
            let result = try await RetrievalEvaluation.run(questionsFile: retrieval, unrelatedFile: unrelated, documentsDirectory: documents,
                                                           modelDirectory: model, ingestor: makeIngestor(configuration: configuration),
                                                           embeddingBatchSize: configuration.embeddingBatchSize,
                                                           minimumSimilarity: minimumSimilarity, databaseURL: databaseURL, gazetteerDirectory: graph)
            report += ["## Retrieval (\(result.questions) questions, \(result.chunks) chunks, indexed in \(String(format: "%.1f", result.indexSeconds)) s)", "",
                       "| mode | recall@1 | recall@5 | MRR@10 |", "|---|--:|--:|--:|"]
            report += result.modes.map { "| \($0.mode) | \(String(format: "%.3f", $0.recall1)) | \(String(format: "%.3f", $0.recall5)) | \(String(format: "%.3f", $0.mrr)) |" }
            if graph != nil {
                report += ["", "Questions that name a specific entity of the library (the only ones the graph changes): \(result.graphQuestions) of \(result.questions).", "",
                           "| mode (those questions) | recall@1 | recall@5 | MRR@10 |", "|---|--:|--:|--:|"]
                report += result.graphSubset.map { "| \($0.mode) | \(String(format: "%.3f", $0.recall1)) | \(String(format: "%.3f", $0.recall5)) | \(String(format: "%.3f", $0.mrr)) |" }
                report += ["", "Entities named most often: " + result.namedEntities.prefix(25).map { "\($0.entity) (\($0.questions))" }.joined(separator: ", ")]
            }
            report.append("")
            report.append(String(format: "Chat (offline, extractive): answered %.1f%% of the questions (%.1f%% of those cite an expected page); said \"not found\" to %.1f%% of unrelated questions.",
                                 result.chatAnswered * 100, result.chatCitedRightPage * 100, result.chatRejected * 100))
            report.append("")
        }
        if let manuals {
            let configuration = AppConfiguration(reader: try await AppConfiguration.standardReader())
            let result = try await ManualEvaluation.run(
                questionsFile: manuals + "/questions.jsonl", unanswerableFile: manuals + "/unanswerable.jsonl", documentsDirectory: manualDocuments,
                modelDirectory: model, ingestor: makeIngestor(configuration: configuration), embeddingBatchSize: configuration.embeddingBatchSize,
                minimumSimilarity: minimumSimilarity, evidenceOutput: evidenceOutput, databaseURL: databaseURL)
            report += ManualEvaluation.markdown(result)
        }
        let text = report.joined(separator: "\n")
        print(text)
        if let output { try text.write(toFile: output, atomically: true, encoding: .utf8) }
    }

    private func lines(_ path: String) throws -> [[String: Any]] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").compactMap {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
    }

    private func evaluateSummaries(_ path: String) async throws -> [String] {
        let engine = OfflineAnalysisEngine()
        var ours = [[Double]](), lead = [[Double]](), leadN = [[Double]]()
        for (index, line) in try lines(path).enumerated() {
            guard let text = line["text"] as? String, let reference = line["reference"] as? String else { continue }
            let document = AnalysisDocument(id: "eval-\(index)", text: text)
            let referenceSentences = AnalysisDocument(id: "ref", text: reference).sentences.count
            let budget = sentences ?? min(15, max(3, referenceSentences))
            let summary = try await engine.summary(of: document, sentences: budget).summary ?? ""
            let body = document.sentences.filter { !document.headingSentences.contains($0.index) }
            let lead3 = body.prefix(3).map(\.text).joined(separator: " ")
            let leadSame = body.prefix(budget).map(\.text).joined(separator: " ")
            for (candidate, sink) in [(summary, 0), (lead3, 1), (leadSame, 2)] {
                let scores = [Rouge.n(1, candidate: candidate, reference: reference).f1,
                              Rouge.n(2, candidate: candidate, reference: reference).f1,
                              Rouge.l(candidate: candidate, reference: reference).f1]
                switch sink {
                case 0: ours.append(scores)
                case 1: lead.append(scores)
                default: leadN.append(scores)
                }
            }
        }
        func mean(_ rows: [[Double]], _ k: Int) -> String { String(format: "%.4f", rows.map { $0[k] }.reduce(0, +) / Double(max(1, rows.count))) }
        return [
            "## Summaries (\(ours.count) documents, \(path))", "",
            "| system | ROUGE-1 F1 | ROUGE-2 F1 | ROUGE-L F1 |", "|---|--:|--:|--:|",
            "| offline engine | \(mean(ours, 0)) | \(mean(ours, 1)) | \(mean(ours, 2)) |",
            "| lead-3 | \(mean(lead, 0)) | \(mean(lead, 1)) | \(mean(lead, 2)) |",
            "| lead-N (first sentences, same length as ours) | \(mean(leadN, 0)) | \(mean(leadN, 1)) | \(mean(leadN, 2)) |", "",
        ]
    }

    private func evaluateSentiment(_ path: String) async throws -> [String] {
        let embedder = try? MiniLMEmbedder(directory: URL(fileURLWithPath: model))
        let engine = OfflineAnalysisEngine(embedder: embedder)
        var correct = 0, total = 0
        var predicted = [Double](), gold = [Double]()
        for (index, line) in try lines(path).enumerated() {
            guard let text = line["text"] as? String else { continue }
            let target: Double
            if let label = line["label"] as? String { target = label.lowercased().hasPrefix("pos") ? 1 : -1 }
            else if let value = line["label"] as? Double { target = value }
            else { continue }
            let score = try await engine.sentiment(of: AnalysisDocument(id: "s\(index)", text: text)).sentiment?.score ?? 0
            predicted.append(score)
            gold.append(target)
            total += 1
            if (score >= 0) == (target > 0) { correct += 1 }
        }
        let accuracy = Double(correct) / Double(max(1, total))
        return [
            "## Sentiment (\(total) labelled texts, \(path); engine \(engine.version))", "",
            "| measure | value |", "|---|--:|",
            "| accuracy (score ≥ 0 → positive) | \(String(format: "%.4f", accuracy)) |",
            "| Pearson correlation with the label | \(String(format: "%.4f", Self.pearson(predicted, gold))) |",
            "| majority-class baseline | \(String(format: "%.4f", Double(max(gold.filter { $0 > 0 }.count, gold.filter { $0 <= 0 }.count)) / Double(max(1, total)))) |", "",
        ]
    }

    static func pearson(_ x: [Double], _ y: [Double]) -> Double {
        guard x.count == y.count, x.count > 1 else { return 0 }
        let mx = x.reduce(0, +) / Double(x.count), my = y.reduce(0, +) / Double(y.count)
        let cov = zip(x, y).reduce(0) { $0 + ($1.0 - mx) * ($1.1 - my) }
        let vx = x.reduce(0) { $0 + ($1 - mx) * ($1 - mx) }, vy = y.reduce(0) { $0 + ($1 - my) * ($1 - my) }
        return vx > 0 && vy > 0 ? cov / (vx * vy).squareRoot() : 0
    }
}
