import Foundation
public import Storage
import KnowledgeGraph

/// What the model read in one document, kept with the document's analyses (so it goes when the
/// document goes): the checked entities and relations, which passages are done, and what it cost.
/// Graph rebuilds merge it again without asking the model, and a run cut short resumes at the
/// first passage not yet read.
public struct LLMGraphRecord: Codable, Sendable, Hashable {
    public var provider: String
    public var model: String
    public var chunkCount: Int
    /// Ordinals of the passages read.
    public var chunksRead: Set<Int>
    public var graph: DocumentGraph
    public var inputTokens: Int
    public var outputTokens: Int
    public var droppedMentions: Int
    public var droppedEntities: Int
    public var droppedRelations: Int

    public var complete: Bool { chunksRead.count >= chunkCount }

    public init(provider: String, model: String, chunkCount: Int) {
        self.provider = provider
        self.model = model
        self.chunkCount = chunkCount
        chunksRead = []
        graph = DocumentGraph(entities: [], relations: [])
        inputTokens = 0
        outputTokens = 0
        droppedMentions = 0
        droppedEntities = 0
        droppedRelations = 0
    }
}

/// Reads and writes `LLMGraphRecord`s in the analysis store, keyed by the prompt's version.
struct LLMGraphRecords: Sendable {
    let store: any AnalysisRepository

    static func key(_ documentId: String) -> AnalysisKey {
        AnalysisKey(documentId: documentId, kind: "graph-llm", parameters: "", engine: "llm-graph", engineVersion: "\(LLMGraphPrompt.version)")
    }

    func load(_ documentId: String) async throws -> LLMGraphRecord? {
        try await store.analysis(Self.key(documentId), as: LLMGraphRecord.self)?.result
    }

    func save(_ record: LLMGraphRecord, documentId: String) async throws {
        try await store.saveAnalysis(Self.key(documentId), result: record, at: .now)
    }
}
