public import Foundation
import NIOHTTP1
public import Storage

/// The knowledge graph as an `api` with `AI_SERVICE_URL` reads it: through the AI service, which
/// alone holds the graph database's address and credentials (on AWS only the `ai` tasks may reach
/// Neptune or Neo4j). Reads only: the AI side builds graphs, and forgets a deleted document's
/// graph when the API reports the deletion (`documentDeleted`).
public struct RemoteGraphStore: GraphStore {
    let backend: RemoteAIBackend

    public init(backend: RemoteAIBackend) {
        self.backend = backend
    }

    /// A value percent-encoded for a path segment or a query value (only unreserved characters kept).
    static func escape(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? ""
    }

    static let readOnly = StorageError(.invalid, "The API reads the knowledge graph through the AI service; only the AI service writes it.")

    public func saveGraph(_ graph: DocumentGraph, documentId: String, ownerId: String, version: Int) async throws { throw Self.readOnly }
    public func forgetDocument(documentId: String, ownerId: String) async throws { throw Self.readOnly }
    public func documentsNeedingGraph(version: Int, limit: Int) async throws -> [DocumentReference] { throw Self.readOnly }

    public func graphVersion(documentId: String, ownerId: String) async throws -> Int? {
        try await stored(documentId: documentId, ownerId: ownerId, withGraph: false).version
    }

    public func documentGraph(documentId: String, ownerId: String) async throws -> DocumentGraph? {
        try await stored(documentId: documentId, ownerId: ownerId, withGraph: true).graph
    }

    /// The version alone travels unless the graph is asked for.
    func stored(documentId: String, ownerId: String, withGraph: Bool) async throws -> AIContract.StoredGraph {
        try await backend.call(.GET, "graph/documents/\(Self.escape(documentId))" + (withGraph ? "" : "?graph=false"), owner: ownerId, idempotent: true)
    }

    public func graphProgress(ownerId: String, version: Int) async throws -> (current: Int, ready: Int) {
        let progress: AIContract.GraphProgress = try await backend.call(.GET, "graph/progress?version=\(version)", owner: ownerId, idempotent: true)
        return (progress.current, progress.ready)
    }

    public func entities(ownerId: String, prefix: String, limit: Int) async throws -> [EntitySummary] {
        try await backend.call(.GET, "graph/entities?prefix=\(Self.escape(prefix))&limit=\(limit)", owner: ownerId, idempotent: true)
    }

    public func entity(key: String, ownerId: String) async throws -> (contributions: [String: EntityContribution], relations: [LibraryRelation])? {
        let found: AIContract.EntityGraph? = try await backend.call(.GET, "graph/entity?key=\(Self.escape(key))", owner: ownerId, idempotent: true)
        return found.map { ($0.contributions, $0.relations) }
    }
}
