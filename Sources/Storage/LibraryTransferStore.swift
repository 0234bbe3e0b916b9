public import Foundation

/// A stored analysis as the engines keep it: its key, its result as JSON text, when it was made.
public struct StoredAnalysis: Codable, Hashable, Sendable {
    public var documentId: String
    public var kind: String
    public var parameters: String
    public var engine: String
    public var engineVersion: String
    public var json: String
    public var createdAt: Date

    public init(key: AnalysisKey, json: String, createdAt: Date) {
        documentId = key.documentId
        kind = key.kind
        parameters = key.parameters
        engine = key.engine
        engineVersion = key.engineVersion
        self.json = json
        self.createdAt = createdAt
    }

    public var key: AnalysisKey {
        AnalysisKey(documentId: documentId, kind: kind, parameters: parameters, engine: engine, engineVersion: engineVersion)
    }
}

/// What moving a whole library between stores (`docuthinker export` / `import`) needs beyond the
/// owner-scoped repositories: every account, analyses as stored, which models have vectors.
public protocol LibraryTransferStore: Sendable {
    /// Every user, oldest first.
    func allUsers() async throws -> [UserRecord]
    /// The document's stored analyses, as their JSON text.
    func storedAnalyses(documentId: String) async throws -> [StoredAnalysis]
    /// Stores (or replaces) an analysis given as JSON text.
    func saveStoredAnalysis(_ analysis: StoredAnalysis) async throws
    /// The embedding models that have vectors of the owner's chunks.
    func vectorModels(ownerId: String) async throws -> [String]
    /// The document's chunk ids in chunk order (vectors travel by chunk position).
    func chunkIds(documentId: String) async throws -> [Int64]
}
