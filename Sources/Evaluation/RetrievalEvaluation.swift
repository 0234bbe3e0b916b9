import StoreEngines
import DocuThinkerCore
import Embeddings
import Extraction
import Foundation
import Ingestion
import AIService
import KnowledgeGraph
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
        /// With graphs built: how many questions name a specific entity of the library (the only
        /// ones graph-augmented retrieval can change), and hybrid vs hybrid + graph on those.
        public var graphQuestions = 0
        public var graphSubset: [(mode: String, recall1: Double, recall5: Double, mrr: Double)] = []
        /// The entities questions named most often ("type:name" → questions).
        public var namedEntities: [(entity: String, questions: Int)] = []
    }

    /// `gazetteerDirectory`: build each document's knowledge graph too, and add graph-augmented
    /// hybrid search (`GraphRetrieval`) at a few weights to the modes compared.
    public static func run(questionsFile: String, unrelatedFile: String?, documentsDirectory: String, modelDirectory: String,
                           ingestor: DocumentIngestor, embeddingBatchSize: Int,
                           minimumSimilarity: Float? = nil, databaseURL: String? = nil, gazetteerDirectory: String? = nil) async throws -> Report {
        let lines = try String(contentsOfFile: questionsFile, encoding: .utf8).split(separator: "\n")
        let questions = try lines.compactMap { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        let files = Set(questions.compactMap { $0["file"] as? String })
        let library = try await EvaluationLibrary(files: Array(files), documentsDirectory: documentsDirectory, modelDirectory: modelDirectory,
                                                  ingestor: ingestor, embeddingBatchSize: embeddingBatchSize, databaseURL: databaseURL,
                                                  gazetteerDirectory: gazetteerDirectory)
        defer { library.close() }
        let search = library.search, pagesOf = library.pages
        let documentOf = Dictionary(uniqueKeysWithValues: files.map { ($0, $0) })
        // The rank (0-based) of the first passage on an expected page, nil when none of the ten is.
        func rank(_ hits: [ChunkHit], file: String, pages: [Int]) -> Int? {
            hits.firstIndex { hit in
                guard hit.documentId == documentOf[file], let index = pagesOf[file] else { return false }
                let first = index.page(at: hit.start), last = index.page(at: max(hit.start, hit.end - 1))
                return pages.contains { (first...last).contains($0) }
            }
        }
        let asked = questions.compactMap { question -> (file: String, text: String, pages: [Int])? in
            guard let file = question["file"] as? String, let text = question["question"] as? String,
                  let pages = question["pages"] as? [Int], !pages.isEmpty, documentOf[file] != nil else { return nil }
            return (file, text, pages)
        }
        func score(_ name: String, _ subset: [(file: String, text: String, pages: [Int])],
                   _ ranking: (String) async throws -> [ChunkHit]) async throws -> (String, Double, Double, Double) {
            var r1 = 0, r5 = 0, reciprocal = 0.0
            for question in subset {
                guard let rank = rank(try await ranking(question.text), file: question.file, pages: question.pages) else { continue }
                if rank == 0 { r1 += 1 }
                if rank < 5 { r5 += 1 }
                reciprocal += 1 / Double(rank + 1)
            }
            let n = Double(max(1, subset.count))
            return (name, Double(r1) / n, Double(r5) / n, reciprocal / n)
        }
        var modes: [(String, Double, Double, Double)] = []
        for mode in [SearchService.Mode.keyword, .semantic, .hybrid] {
            modes.append(try await score(mode.rawValue, asked) { try await search.search(ownerId: "eval", query: $0, mode: mode, documentIds: nil, limit: 10) })
        }
        var graphQuestions = 0
        var namedCounts: [String: Int] = [:]
        var graphSubset: [(String, Double, Double, Double)] = []
        if let graph = library.graphStore {
            let store = library.store
            let retrieval = GraphRetrieval.over(store, graph: graph)
            // Which questions name a specific entity (the only ones the graph can change).
            var named: [(file: String, text: String, pages: [Int])] = []
            for question in asked {
                if try await !retrieval.passages(for: question.text, ownerId: "eval", documentIds: nil).isEmpty { named.append(question) }
                for entity in try await retrieval.namedEntities(in: question.text, ownerId: "eval") { namedCounts[entity.key, default: 0] += 1 }
            }
            graphQuestions = named.count
            let hybrid: (String) async throws -> [ChunkHit] = { try await search.search(ownerId: "eval", query: $0, mode: .hybrid, documentIds: nil, limit: 10) }
            graphSubset.append(try await score("hybrid", named, hybrid))
            for weight in [0.15, 0.3, 0.6] {
                // Exactly what search and chat do with DOCUTHINKER_GRAPH_RETRIEVAL on, at this weight.
                var tuned = retrieval
                tuned.weight = weight
                var augmentedSearch = search
                augmentedSearch.hybridRerank = tuned.hybridRerank
                let augmented: (String) async throws -> [ChunkHit] = { [augmentedSearch] in
                    try await augmentedSearch.search(ownerId: "eval", query: $0, mode: .hybrid, documentIds: nil, limit: 10)
                }
                let name = "hybrid + graph (weight \(weight))"
                modes.append(try await score(name, asked, augmented))
                graphSubset.append(try await score(name, named, augmented))
            }
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
                      chatCitedRightPage: Double(rightPage) / Double(max(1, answered)),
                      graphQuestions: graphQuestions, graphSubset: graphSubset.map { (mode: $0.0, recall1: $0.1, recall5: $0.2, mrr: $0.3) },
                      namedEntities: namedCounts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.map { ($0.key, $0.value) })
    }
}
