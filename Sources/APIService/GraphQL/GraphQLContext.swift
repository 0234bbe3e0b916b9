import AIService
import Analysis
import Foundation
import Hummingbird
import ServerSupport
import Storage

/// What every GraphQL resolver of one request sees: the caller (nil before sign-in: only
/// `register` and `login` answer then), the services the REST routes use, and the request's loaders.
final class GraphQLContext: Sendable {
    let userId: String?
    let services: GraphQLServices
    let request: Request
    let requestContext: AppRequestContext
    /// Per-request caches, so a list of documents with their summaries is one store query.
    let loader: GraphQLLoader

    init(userId: String?, services: GraphQLServices, request: Request, requestContext: AppRequestContext) {
        self.userId = userId
        self.services = services
        self.request = request
        self.requestContext = requestContext
        loader = GraphQLLoader(backend: services.backend, documents: services.documents)
    }

    /// The signed-in caller, or the same 401 as REST.
    func owner() throws -> String {
        guard let userId else { throw APIError.unauthorized("Send 'Authorization: Bearer <token or API key>'.", code: "missing_token") }
        return userId
    }

    /// The caller, when `userId` (the original's argument) is absent or theirs; else "User not found".
    func owner(matching userId: String?) throws -> String {
        let owner = try owner()
        guard userId == nil || userId == owner else { throw LegacyAccountController.userNotFound }
        return owner
    }

    /// The caller's account record.
    func user() async throws -> UserRecord {
        guard let user = try await services.users.user(id: try owner()) else { throw APIError.accountGone }
        return user
    }
}

/// The services behind the GraphQL edge: the same ones the REST controllers call.
struct GraphQLServices: Sendable {
    let users: any UserRepository & AccountRepository
    let documents: any DocumentRepository & JobRepository
    let backend: any AIBackend
    let documentService: DocumentService
    let chats: ChatController
    let auth: AuthController
    let legacyAnalyses: LegacyAnalysisController
    let documentController: DocumentController
    /// The knowledge graph, read as the REST routes read it.
    let graph: GraphReader
}

/// Loads what many fields of one request ask for once. The documents a list resolved are
/// remembered; the first `analysis` asked of any of them loads that analysis for all of them in
/// one batch (`AIBackend.analyses`: one store query for the stored ones).
actor GraphQLLoader {
    let backend: any AIBackend
    let documents: any DocumentRepository & JobRepository
    private var listed: [String] = []
    /// Per analysis (kind and parameters), the batch that loads each document's result.
    private var batches: [String: [String: Task<[String: AnalysisOutcome], any Error>]] = [:]
    private var contents: [String: Task<DocumentContent?, any Error>] = [:]

    init(backend: any AIBackend, documents: any DocumentRepository & JobRepository) {
        self.backend = backend
        self.documents = documents
    }

    /// Documents a list field returned: their analyses are loaded together.
    func listed(_ ids: [String]) {
        listed += ids.filter { !listed.contains($0) }
    }

    /// An analysis of one of the caller's documents (batched with the listed documents that have
    /// not loaded it yet); nil when the document is not the caller's or not ready.
    func analysis(documentId: String, owner: String, kind: AnalysisKind, parameters: AnalysisParameters) async throws -> AnalysisOutcome? {
        let key = kind.rawValue + "|" + parameters.cacheKey(for: kind)
        if let batch = batches[key]?[documentId] { return try await batch.value[documentId] }
        let loaded = batches[key] ?? [:]
        let ids = [documentId] + (listed.contains(documentId) ? listed.filter { $0 != documentId && loaded[$0] == nil } : [])
        let backend = backend
        let batch = Task { try await backend.analyses(documentIds: ids, ownerId: owner, kind: kind, parameters: parameters) }
        for id in ids { batches[key, default: [:]][id] = batch }
        return try await batch.value[documentId]
    }

    /// The text and pages of one of the caller's documents (once per request).
    func content(documentId: String, owner: String) async throws -> DocumentContent? {
        if let existing = contents[documentId] { return try await existing.value }
        let documents = documents
        let task = Task { try await documents.content(documentId: documentId, ownerId: owner) }
        contents[documentId] = task
        return try await task.value
    }
}
