import StoreEngines
import DocuThinkerCore
import Embeddings
import Extraction
import Foundation
import Ingestion
import AIService
import Logging
import Retrieval
import Storage
import TextProcessing

/// Recall@k of keyword, semantic and hybrid search on a question set: each JSONL line
/// `{"file", "question", "pages": [..]}` names the PDF page that answers it. The documents are
/// ingested into a temporary store exactly as uploads are, with one owner.
public enum RetrievalEvaluation {
    public struct Report: Sendable {
        /// mode → (recall@1, recall@5, MRR@10, questions)
        public var modes: [(mode: String, recall1: Double, recall5: Double, mrr: Double)]
        public var questions: Int
        public var chunks: Int
        public var indexSeconds: Double
        /// Chat: share of related questions answered, and of unrelated ones answered "not found".
        public var chatAnswered: Double
        public var chatRejected: Double
        /// Share of answered related questions whose citations include an expected page.
        public var chatCitedRightPage: Double
    }

    public static func run(questionsFile: String, unrelatedFile: String?, documentsDirectory: String, modelDirectory: String,
                           ingestor: DocumentIngestor, embeddingBatchSize: Int,
                           minimumSimilarity: Float? = nil, databaseURL: String? = nil) async throws -> Report {
        let lines = try String(contentsOfFile: questionsFile, encoding: .utf8).split(separator: "\n")
        let questions = try lines.compactMap { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        let files = Set(questions.compactMap { $0["file"] as? String })
        let library = try await EvaluationLibrary(files: Array(files), documentsDirectory: documentsDirectory, modelDirectory: modelDirectory,
                                                  ingestor: ingestor, embeddingBatchSize: embeddingBatchSize, databaseURL: databaseURL)
        defer { library.close() }
        let search = library.search, pagesOf = library.pages
        let documentOf = Dictionary(uniqueKeysWithValues: files.map { ($0, $0) })
        var modes: [(String, Double, Double, Double)] = []
        for mode in [SearchService.Mode.keyword, .semantic, .hybrid] {
            var r1 = 0, r5 = 0, reciprocal = 0.0, counted = 0
            for question in questions {
                guard let file = question["file"] as? String, let text = question["question"] as? String,
                      let pages = question["pages"] as? [Int], !pages.isEmpty, let id = documentOf[file] else { continue }
                counted += 1
                let hits = try await search.search(ownerId: "eval", query: text, mode: mode, documentIds: nil, limit: 10)
                let rank = hits.firstIndex { hit in
                    guard hit.documentId == id, let index = pagesOf[id] else { return false }
                    let first = index.page(at: hit.start), last = index.page(at: max(hit.start, hit.end - 1))
                    return pages.contains { (first...last).contains($0) }
                }
                if let rank {
                    if rank == 0 { r1 += 1 }
                    if rank < 5 { r5 += 1 }
                    reciprocal += 1 / Double(rank + 1)
                }
            }
            let n = Double(max(1, counted))
            modes.append((mode.rawValue, Double(r1) / n, Double(r5) / n, reciprocal / n))
        }
        var chat = ChatService(documents: library.store, search: search)
        if let minimumSimilarity { chat.policy.minimumSimilarity = minimumSimilarity }
        var answered = 0, rightPage = 0, related = 0
        for question in questions {
            guard let file = question["file"] as? String, let text = question["question"] as? String,
                  let pages = question["pages"] as? [Int], let id = documentOf[file] else { continue }
            related += 1
            let answer = try await chat.answer(question: text, ownerId: "eval", documentIds: nil)
            if answer.found {
                answered += 1
                if answer.citations.contains(where: { $0.documentId == id && pages.contains($0.page) }) { rightPage += 1 }
            }
        }
        var rejected = 0, unrelatedCount = 0
        if let unrelatedFile {
            for line in try String(contentsOfFile: unrelatedFile, encoding: .utf8).split(separator: "\n") {
                guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                      let text = object["question"] as? String else { continue }
                unrelatedCount += 1
                if try await !chat.answer(question: text, ownerId: "eval", documentIds: nil).found { rejected += 1 }
            }
        }
        return Report(modes: modes.map { (mode: $0.0, recall1: $0.1, recall5: $0.2, mrr: $0.3) }, questions: questions.count,
                      chunks: library.chunks, indexSeconds: library.indexSeconds,
                      chatAnswered: Double(answered) / Double(max(1, related)), chatRejected: Double(rejected) / Double(max(1, unrelatedCount)),
                      chatCitedRightPage: Double(rightPage) / Double(max(1, answered)))
    }
}
