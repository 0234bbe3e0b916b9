import AIService
import Analysis
import DocuThinkerCore
import Extraction
import Foundation
import Ingestion
import TextProcessing

/// Quality on the development set of real manuals (`bench/manuals`, `scripts/fetch-dev-manuals`),
/// per file: sentence structure (words per body sentence, one-word share), boilerplate cited by
/// the offline analyses (by the stored labels and by independent text patterns), chat answer
/// accuracy (found, and the cited sentences contain the answer's terms) and `found: false` on
/// near-topic questions the documents cannot answer.
public enum ManualEvaluation {
    public struct FileReport: Sendable {
        public var file: String
        public var sentences = 0, bodySentences = 0
        public var wordsPerBodySentence = 0.0, oneWordShare = 0.0
        public var analysisCitations = 0, boilerplateByLabel = 0, boilerplateByPattern = 0
        public var questions = 0, found = 0, accurate = 0, rightPage = 0
        public var unanswerable = 0, declined = 0
        /// The same without the unknown- and uncovered-term rules (similarity alone decides `found`).
        public var foundBySimilarity = 0, accurateBySimilarity = 0, declinedBySimilarity = 0
    }

    public struct Report: Sendable {
        public var files: [FileReport]
        public var indexSeconds: Double
        /// Answerable questions whose answer is wrong or missing, and unanswerable ones answered (for reading).
        public var misses: [String]
        /// Wall-clock seconds of each question's offline chat answer (retrieval, answerability, composition).
        public var answerSeconds: [Double] = []
    }

    public static func run(questionsFile: String, unanswerableFile: String, documentsDirectory: String, modelDirectory: String,
                           ingestor: DocumentIngestor, embeddingBatchSize: Int, minimumSimilarity: Float? = nil,
                           evidenceOutput: String? = nil, databaseURL: String? = nil) async throws -> Report {
        let questions = try EvaluationLibrary.lines(questionsFile)
        let unanswerable = try EvaluationLibrary.lines(unanswerableFile)
        let available = Set((try? FileManager.default.contentsOfDirectory(atPath: documentsDirectory)) ?? [])
        let files = Set(questions.compactMap { $0["file"] as? String }).filter(available.contains)
        let library = try await EvaluationLibrary(files: Array(files), documentsDirectory: documentsDirectory, modelDirectory: modelDirectory,
                                                  ingestor: ingestor, embeddingBatchSize: embeddingBatchSize, databaseURL: databaseURL)
        defer { library.close() }
        var reports: [String: FileReport] = [:]
        for file in files.sorted() { reports[file] = try await structure(file, library.processed[file]!) }

        var chat = ChatService(documents: library.store, search: library.search)
        if let minimumSimilarity { chat.policy.minimumSimilarity = minimumSimilarity }
        var bySimilarity = chat
        bySimilarity.policy.unknownTermSimilarity = 0
        bySimilarity.policy.rareTermPassages = 0
        bySimilarity.policy.missingTermLimit = .max
        var misses: [String] = []
        var answerSeconds: [Double] = []
        let clock = ContinuousClock()
        func timedAnswer(_ text: String) async throws -> ChatService.Answer {
            var answer: ChatService.Answer?
            let elapsed = try await clock.measure { answer = try await chat.answer(question: text, ownerId: "eval", documentIds: nil) }
            answerSeconds.append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
            return answer!
        }
        // One JSON line per question: what chat saw (for calibrating when it answers).
        var evidence: [String] = []
        func note(_ question: [String: Any], answerable: Bool, answer: ChatService.Answer, accurate: Bool) async throws {
            guard evidenceOutput != nil, let text = question["question"] as? String else { return }
            let seen = try await chat.evidence(question: text, ownerId: "eval", documentIds: nil)
            let object: [String: Any] = [
                "id": question["id"] ?? "?", "answerable": answerable, "found": answer.found, "accurate": accurate, "question": text,
                "evidence": try JSONSerialization.jsonObject(with: JSONEncoder().encode(seen)),
            ]
            evidence.append(String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self))
        }
        for question in questions {
            guard let file = question["file"] as? String, files.contains(file), let text = question["question"] as? String else { continue }
            let terms = (question["terms"] as? [String]) ?? []
            let pages = (question["pages"] as? [Int]) ?? []
            let answer = try await timedAnswer(text)
            func isAccurate(_ answer: ChatService.Answer) -> Bool {
                let quotes = answer.citations.filter { $0.documentId == file }.map { $0.quote.lowercased() }.joined(separator: " ")
                return answer.found && !terms.isEmpty && terms.allSatisfy { quotes.contains($0.lowercased()) }
            }
            let accurate = isAccurate(answer)
            let baseline = try await bySimilarity.answer(question: text, ownerId: "eval", documentIds: nil)
            if baseline.found { reports[file]!.foundBySimilarity += 1 }
            if isAccurate(baseline) { reports[file]!.accurateBySimilarity += 1 }
            reports[file]!.questions += 1
            if answer.found { reports[file]!.found += 1 }
            if accurate { reports[file]!.accurate += 1 }
            if answer.citations.contains(where: { $0.documentId == file && pages.contains($0.page) }) { reports[file]!.rightPage += 1 }
            try await note(question, answerable: true, answer: answer, accurate: accurate)
            if !accurate { misses.append("- \(question["id"] ?? "?") (\(file)) \(text) → \(answer.found ? "“\(answer.text.prefix(160))”" : "not found")") }
        }
        for question in unanswerable {
            guard let text = question["question"] as? String else { continue }
            let topic = (question["topic"] as? String).flatMap { files.contains($0) ? $0 : nil } ?? "other"
            if reports[topic] == nil { reports[topic] = FileReport(file: topic) }
            let answer = try await timedAnswer(text)
            reports[topic]!.unanswerable += 1
            try await note(question, answerable: false, answer: answer, accurate: false)
            if try await !bySimilarity.answer(question: text, ownerId: "eval", documentIds: nil).found { reports[topic]!.declinedBySimilarity += 1 }
            if !answer.found { reports[topic]!.declined += 1 } else {
                misses.append("- \(question["id"] ?? "?") (near \(topic)) \(text) → “\(answer.text.prefix(160))”")
            }
        }
        if let evidenceOutput { try (evidence.joined(separator: "\n") + "\n").write(toFile: evidenceOutput, atomically: true, encoding: .utf8) }
        return Report(files: reports.values.sorted { $0.file < $1.file }, indexSeconds: library.indexSeconds, misses: misses,
                      answerSeconds: answerSeconds)
    }

    /// Sentence statistics and boilerplate cited by the offline analyses of one file.
    static func structure(_ file: String, _ processed: ProcessedDocument) async throws -> FileReport {
        var report = FileReport(file: file)
        let extraction = processed.extraction
        var document = AnalysisDocument(id: file, text: extraction.text, pages: extraction.pages, blocks: extraction.blocks,
                                        sentenceSpans: processed.sentences.map(\.span), sentenceRoles: processed.sentences.map(\.role))
        document.title = extraction.metadata.title
        let body = processed.sentences.filter { $0.role == .body }
        let words = body.map { WordCounter.count($0.text) }
        report.sentences = processed.sentences.count
        report.bodySentences = body.count
        report.wordsPerBodySentence = Double(words.reduce(0, +)) / Double(max(1, words.count))
        report.oneWordShare = Double(words.filter { $0 <= 1 }.count) / Double(max(1, words.count))
        let engine = OfflineAnalysisEngine()
        let roleAt = Dictionary(processed.sentences.map { ($0.span.start, $0.role) }, uniquingKeysWith: { a, _ in a })
        let heads = BoilerplatePatterns.repeatedTopLines(extraction)
        for result in [try await engine.summary(of: document, sentences: 6), try await engine.keyIdeas(of: document, count: 8),
                       try await engine.discussionPoints(of: document, count: 6), try await engine.recommendations(of: document, count: 6)] {
            for citation in result.items.flatMap(\.citations) {
                report.analysisCitations += 1
                if roleAt[citation.start] != .body { report.boilerplateByLabel += 1 }
                if BoilerplatePatterns.matches(citation.quote, runningHeads: heads) { report.boilerplateByPattern += 1 }
            }
        }
        return report
    }

    /// The report as Markdown.
    public static func markdown(_ report: Report) -> [String] {
        func percent(_ part: Int, _ whole: Int) -> String { whole == 0 ? "–" : String(format: "%.0f%%", Double(part) / Double(whole) * 100) }
        var lines = ["## Real manuals (indexed in \(String(format: "%.1f", report.indexSeconds)) s)", "",
                     "| file | sentences | body | words/body sentence | one-word | analysis citations | boilerplate (labels / patterns) | questions | found | accurate | right page | unanswerable declined |",
                     "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|"]
        var total = FileReport(file: "all")
        for file in report.files {
            lines.append("| \(file.file) | \(file.sentences) | \(file.bodySentences) | \(String(format: "%.1f", file.wordsPerBodySentence)) | "
                         + "\(String(format: "%.2f%%", file.oneWordShare * 100)) | \(file.analysisCitations) | \(file.boilerplateByLabel) / \(file.boilerplateByPattern) | "
                         + "\(file.questions) | \(percent(file.found, file.questions)) | \(percent(file.accurate, file.questions)) | "
                         + "\(percent(file.rightPage, file.questions)) | \(file.declined)/\(file.unanswerable) |")
            total.sentences += file.sentences; total.bodySentences += file.bodySentences
            total.analysisCitations += file.analysisCitations; total.boilerplateByLabel += file.boilerplateByLabel
            total.boilerplateByPattern += file.boilerplateByPattern; total.questions += file.questions; total.found += file.found
            total.accurate += file.accurate; total.rightPage += file.rightPage; total.unanswerable += file.unanswerable; total.declined += file.declined
            total.foundBySimilarity += file.foundBySimilarity; total.accurateBySimilarity += file.accurateBySimilarity
            total.declinedBySimilarity += file.declinedBySimilarity
        }
        lines.append("| **all** | \(total.sentences) | \(total.bodySentences) | | | \(total.analysisCitations) | \(total.boilerplateByLabel) / \(total.boilerplateByPattern) | "
                     + "\(total.questions) | \(percent(total.found, total.questions)) | \(percent(total.accurate, total.questions)) | "
                     + "\(percent(total.rightPage, total.questions)) | \(total.declined)/\(total.unanswerable) (\(percent(total.declined, total.unanswerable))) |")
        lines += ["", "Without the unknown-term rule (similarity alone): found \(percent(total.foundBySimilarity, total.questions)), "
                  + "accurate \(percent(total.accurateBySimilarity, total.questions)), unanswerable declined "
                  + "\(total.declinedBySimilarity)/\(total.unanswerable) (\(percent(total.declinedBySimilarity, total.unanswerable))).", ""]
        let times = report.answerSeconds.sorted()
        if !times.isEmpty {
            func ms(_ quantile: Double) -> String { String(format: "%.0f", times[min(times.count - 1, Int(Double(times.count) * quantile))] * 1000) }
            lines += ["Chat answer latency over \(times.count) questions: mean \(String(format: "%.0f", times.reduce(0, +) / Double(times.count) * 1000)) ms, "
                      + "median \(ms(0.5)) ms, p95 \(ms(0.95)) ms, max \(ms(1)) ms.", ""]
        }
        lines += ["", "Accurate: the answer is found and its cited sentences contain every expected term. Misses:", ""] + report.misses + [""]
        return lines
    }
}
