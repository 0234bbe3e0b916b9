import Analysis
import DocuThinkerCore
import Crypto
import Foundation
import HTTPTypes
public import Hummingbird
import Logging
import NIOCore
import Retrieval
import Storage
public import ServerSupport

/// The routes of `docuthinker ai` (see `AIContract`): the AI side of the API, on the local backend.
/// It keeps no state beyond the shared stores, so several tasks can run behind a load balancer.
public struct AIServiceController: Sendable {
    let backend: LocalAIBackend

    public init(backend: LocalAIBackend) {
        self.backend = backend
    }

    /// Adds the contract's routes under `group` (which must admit only the service token).
    public func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("capabilities") { _, _ in try Self.json(try await backend.capabilities()) }
        group.post("ingestion/wake") { _, _ in
            try await backend.wakeIngestion()
            return Response(status: .accepted)
        }
        group.post("documents/:id/deleted") { _, context in
            try await backend.documentDeleted(documentId: try context.parameters.require("id"), ownerId: try Self.user(context))
            return Response(status: .accepted)
        }
        group.get("documents/:id/index") { _, context in
            try Self.json(try await backend.indexStatus(documentId: try context.parameters.require("id"), ownerId: try Self.user(context)))
        }
        group.post("documents/:id/analyses/:kind") { request, context in
            guard let kind = AnalysisKind(rawValue: try context.parameters.require("kind")) else { throw APIError.notFound("No such analysis.") }
            let body = try await Self.decode(AIContract.AnalysisRequest.self, request)
            return try Self.json(try await backend.analysis(
                documentId: try context.parameters.require("id"), ownerId: try Self.user(context), kind: kind,
                parameters: body.parameters, refresh: body.refresh))
        }
        group.post("analyses/batch") { request, context in
            let body = try await Self.decode(AIContract.BatchAnalysisRequest.self, request)
            guard body.documentIds.count <= 500 else { throw APIError.validation("At most 500 documents per batch.", field: "documentIds") }
            return try Self.json(try await backend.analyses(documentIds: body.documentIds, ownerId: try Self.user(context),
                                                            kind: body.kind, parameters: body.parameters))
        }
        group.post("analyses") { request, context in
            let body = try await Self.decode(AIContract.TextAnalysisRequest.self, request)
            return try Self.json(try await backend.analysis(text: body.text, kind: body.kind, parameters: body.parameters,
                                                            ownerId: try Self.user(context)))
        }
        group.post("search") { request, context in
            let body = try await Self.decode(AIContract.SearchBody.self, request)
            // Validated again: the AI service trusts its caller's identity, not its values.
            let search = try SearchRequest(query: body.query, mode: body.mode.rawValue, limit: body.limit, documentIds: body.documentIds)
            return try Self.json(try await backend.search(ownerId: try Self.user(context), search))
        }
        group.post("answers") { request, context in
            let body = try await Self.decode(AIContract.AnswerRequest.self, request)
            if let text = body.text {
                return try Self.json(try await backend.answer(question: body.question, inlineText: text))
            }
            if request.uri.queryParameters.get("stream") == "true" {
                let events = try await backend.answerStream(question: body.question, ownerId: try Self.user(context), documentIds: body.documentIds)
                return AnswerEventStream.response(events, encoder: AIContract.encoder) { $0 }
            }
            return try Self.json(try await backend.answer(question: body.question, ownerId: try Self.user(context), documentIds: body.documentIds))
        }
        addGraphRoutes(to: group)
        addGraphExtractionRoutes(to: group)
    }

    /// The language model's reading of the caller's library for the knowledge graph.
    func addGraphExtractionRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("graph/llm-extraction/estimate") { request, context in
            let body = try await Self.decode(AIContract.GraphExtractionDocuments.self, request)
            return try Self.json(try await backend.graphExtractionEstimate(ownerId: try Self.user(context), documentIds: body.documentIds))
        }
        group.post("graph/llm-extraction") { request, context in
            let body = try await Self.decode(LLMGraphStartRequest.self, request)
            return try Self.json(try await backend.startGraphExtraction(ownerId: try Self.user(context), body), status: .accepted)
        }
        group.get("graph/llm-extraction") { _, context in
            try Self.json(try await backend.graphExtraction(ownerId: try Self.user(context)))
        }
        group.delete("graph/llm-extraction") { _, context in
            try Self.json(try await backend.cancelGraphExtraction(ownerId: try Self.user(context)))
        }
    }

    /// The knowledge graph's reads, for an `api` whose graph lives where only the AI side reaches
    /// (Neptune, Neo4j, FalkorDB): the same `GraphStore` calls, scoped to the caller.
    func addGraphRoutes(to group: RouterGroup<AppRequestContext>) {
        let backend = backend
        @Sendable func graph() throws -> any GraphStore {
            guard let graph = backend.graph else { throw APIError(.serviceUnavailable, code: "graph_unavailable", message: "This AI service keeps no knowledge graph.") }
            return graph
        }
        group.get("graph/documents/:id") { request, context in
            let id = try context.parameters.require("id"), owner = try Self.user(context), store = try graph()
            // `?graph=false`: the version alone (what the API asks first), without reading the graph.
            let withGraph = request.uri.queryParameters.get("graph") != "false"
            return try Self.json(AIContract.StoredGraph(version: try await store.graphVersion(documentId: id, ownerId: owner),
                                                        graph: withGraph ? try await store.documentGraph(documentId: id, ownerId: owner) : nil))
        }
        group.get("graph/entities") { request, context in
            let limit = min(max(request.uri.queryParameters.get("limit", as: Int.self) ?? 20, 1), 5_000)
            return try Self.json(try await graph().entities(ownerId: try Self.user(context), prefix: request.uri.queryParameters.get("prefix") ?? "",
                                                            limit: limit))
        }
        group.get("graph/entity") { request, context in
            guard let key = request.uri.queryParameters.get("key") else { throw APIError.validation("key is required.", field: "key") }
            let found = try await graph().entity(key: key, ownerId: try Self.user(context))
            return try Self.json(found.map { AIContract.EntityGraph(contributions: $0.contributions, relations: $0.relations) })
        }
        group.get("graph/progress") { request, context in
            let version = request.uri.queryParameters.get("version", as: Int.self) ?? 0
            let progress = try await graph().graphProgress(ownerId: try Self.user(context), version: version)
            return try Self.json(AIContract.GraphProgress(current: progress.current, ready: progress.ready))
        }
    }

    /// The user the API acts for (`X-User-Id`).
    static func user(_ context: AppRequestContext) throws -> String {
        guard let user = context.userId else { throw APIError.badRequest("X-User-Id is required.", code: "missing_user") }
        return user
    }

    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        Response(status: status, headers: [.contentType: "application/json"],
                 body: .init(byteBuffer: ByteBuffer(bytes: try AIContract.encoder.encode(value))))
    }

    static func decode<T: Decodable>(_ type: T.Type, _ request: Request) async throws -> T {
        let buffer = try await request.body.collect(upTo: 64 * 1024 * 1024)
        do {
            return try AIContract.decoder.decode(T.self, from: Data(buffer.readableBytesView))
        } catch {
            throw APIError.badRequest("The body does not match the AI service contract: \(error)", code: "invalid_json")
        }
    }
}

/// Admits only callers presenting the shared service token (`AI_SERVICE_TOKEN`), compared in
/// constant time, and takes the user id the API acts for from `X-User-Id`.
public struct ServiceTokenMiddleware: RouterMiddleware {
    public typealias Context = AppRequestContext
    let token: String

    public init(token: String) {
        self.token = token
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let presented = request.headers[.authorization].flatMap { header -> String? in
            let parts = header.split(separator: " ", maxSplits: 1)
            return parts.count == 2 && parts[0].lowercased() == "bearer" ? String(parts[1]) : nil
        }
        guard let presented, Self.equal(presented, token) else {
            throw APIError.unauthorized("A valid service token is required.", code: "invalid_service_token")
        }
        var context = context
        if let user = request.headers[AIContract.userHeader], !user.isEmpty, user.count <= 128 {
            context.userId = user
            context.logger[metadataKey: "user_id"] = .string(user)
        }
        return try await next(request, context)
    }

    /// Constant-time comparison of the SHA-256 digests (equal length whatever the input).
    public static func equal(_ a: String, _ b: String) -> Bool {
        let x = SHA256.hash(data: Data(a.utf8)), y = SHA256.hash(data: Data(b.utf8))
        return zip(x, y).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
