import Analysis
public import AsyncHTTPClient
import Foundation
import HTTPTypes
import LLM
public import Logging
import NIOCore
import NIOHTTP1
import Retrieval
import ServerSupport
import Storage

/// The AI side over HTTP (`docuthinker api` with `AI_SERVICE_URL`): the typed client of
/// `AIContract`. It authenticates with the shared service token, passes the user and request
/// ids, bounds every call by a timeout, retries only idempotent calls (once, on a connection
/// failure, timeout or 502/503/504), and turns an unreachable AI service into a 503
/// `ai_unavailable` with `Retry-After`. It holds no connection state that outlives a failure:
/// once the AI service is back, the next call simply succeeds.
public struct RemoteAIBackend: AIBackend {
    /// The stable error code users get while the AI service cannot be reached.
    public static let unavailableCode = "ai_unavailable"

    let baseURL: String
    let token: String
    let timeout: Duration
    let client: HTTPClient
    let logger: Logger

    public init(baseURL: String, token: String, timeout: Duration, client: HTTPClient = .aiService, logger: Logger) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.token = token
        self.timeout = timeout
        self.client = client
        self.logger = logger
    }

    public func capabilities() async throws -> AICapabilities {
        try await call(.GET, "capabilities", owner: nil, idempotent: true)
    }

    public func wakeIngestion() async throws {
        let _: Empty = try await call(.POST, "ingestion/wake", owner: nil, idempotent: true)
    }

    public func documentDeleted(documentId: String, ownerId: String) async throws {
        let _: Empty = try await call(.POST, "documents/\(documentId)/deleted", owner: ownerId, idempotent: true)
    }

    public func indexStatus(documentId: String, ownerId: String) async throws -> IndexStatus {
        try await call(.GET, "documents/\(documentId)/index", owner: ownerId, idempotent: true)
    }

    public func analysis(documentId: String, ownerId: String, kind: AnalysisKind, parameters: AnalysisParameters,
                  refresh: Bool) async throws -> AnalysisOutcome {
        // A cached read, or a computation whose result replaces the same cache entry: idempotent.
        try await call(.POST, "documents/\(documentId)/analyses/\(kind.rawValue)", owner: ownerId,
                       body: AIContract.AnalysisRequest(parameters: parameters, refresh: refresh), idempotent: !refresh)
    }

    /// One request per 500 documents (the AI side reads the stored ones in one query).
    public func analyses(documentIds: [String], ownerId: String, kind: AnalysisKind, parameters: AnalysisParameters) async throws
        -> [String: AnalysisOutcome] {
        var out: [String: AnalysisOutcome] = [:]
        for start in stride(from: 0, to: documentIds.count, by: 500) {
            let part: [String: AnalysisOutcome] = try await call(
                .POST, "analyses/batch", owner: ownerId,
                body: AIContract.BatchAnalysisRequest(documentIds: Array(documentIds[start..<min(start + 500, documentIds.count)]),
                                                      kind: kind, parameters: parameters), idempotent: true)
            out.merge(part) { $1 }
        }
        return out
    }

    public func analysis(text: String, kind: AnalysisKind, parameters: AnalysisParameters, ownerId: String) async throws -> AnalysisResult {
        // Not retried: with a language model configured each call is billed to the user.
        try await call(.POST, "analyses", owner: ownerId,
                       body: AIContract.TextAnalysisRequest(text: text, kind: kind, parameters: parameters), idempotent: false)
    }

    public func search(ownerId: String, _ request: SearchRequest) async throws -> [ChunkHit] {
        try await call(.POST, "search", owner: ownerId,
                       body: AIContract.SearchBody(query: request.query, mode: request.mode, documentIds: request.documentIds,
                                                   limit: request.limit), idempotent: true)
    }

    public func answer(question: String, ownerId: String, documentIds: [String]?) async throws -> ChatService.Answer {
        try await call(.POST, "answers", owner: ownerId, body: AIContract.AnswerRequest(question: question, documentIds: documentIds),
                       idempotent: false)
    }

    /// `POST answers?stream=true`: the status comes first (errors thrown as usual), then events
    /// as the AI service writes them. Not retried, and bounded by the timeout like every call.
    public func answerStream(question: String, ownerId: String, documentIds: [String]?) async throws -> AsyncThrowingStream<ChatService.Event, any Error> {
        var request = request(.POST, "answers?stream=true", owner: ownerId)
        request.headers.replaceOrAdd(name: "Accept", value: "text/event-stream")
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(bytes: try AIContract.encoder.encode(AIContract.AnswerRequest(question: question, documentIds: documentIds))))
        let response: HTTPClientResponse
        do {
            response = try await client.execute(request, timeout: TimeAmount(timeout))
        } catch {
            logger.warning("AI service unreachable", metadata: ["path": "answers", "error": "\(error)"])
            throw Self.unavailable
        }
        guard (200..<300).contains(response.status.code) else {
            let data = try await response.body.collect(upTo: 1024 * 1024)
            throw Self.errorBody(data).map { APIError(HTTPResponse.Status(code: Int(response.status.code)), code: $0.code, message: $0.message, details: $0.details) }
                ?? Self.unavailable
        }
        return AnswerEventStream.events(from: response.body, decoder: AIContract.decoder)
    }

    public func graphExtractionEstimate(ownerId: String, documentIds: [String]?) async throws -> LLMGraphEstimate {
        try await call(.POST, "graph/llm-extraction/estimate", owner: ownerId,
                       body: AIContract.GraphExtractionDocuments(documentIds: documentIds), idempotent: true)
    }

    public func startGraphExtraction(ownerId: String, _ request: LLMGraphStartRequest) async throws -> LLMGraphJob {
        // Not retried: a second start would be refused as a run already going, or start one.
        try await call(.POST, "graph/llm-extraction", owner: ownerId, body: request, idempotent: false)
    }

    public func graphExtraction(ownerId: String) async throws -> LLMGraphJob {
        try await call(.GET, "graph/llm-extraction", owner: ownerId, idempotent: true)
    }

    public func cancelGraphExtraction(ownerId: String) async throws -> LLMGraphJob {
        try await call(.DELETE, "graph/llm-extraction", owner: ownerId, idempotent: true)
    }

    public func answer(question: String, inlineText: String) async throws -> ChatService.Answer {
        try await call(.POST, "answers", owner: nil, body: AIContract.AnswerRequest(question: question, text: inlineText),
                       idempotent: false)
    }

    // MARK: - Transport

    private struct Empty: Codable {}

    func call<Response: Decodable>(_ method: HTTPMethod, _ path: String, owner: String?, idempotent: Bool) async throws -> Response {
        try await call(method, path, owner: owner, body: Optional<Empty>.none, idempotent: idempotent)
    }

    func call<Body: Encodable, Response: Decodable>(
        _ method: HTTPMethod, _ path: String, owner: String?, body: Body?, idempotent: Bool
    ) async throws -> Response {
        var request = request(method, path, owner: owner)
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: try AIContract.encoder.encode(body)))
        }
        let attempts = idempotent ? 2 : 1
        for attempt in 1...attempts {
            let status: HTTPResponseStatus, data: ByteBuffer
            do {
                let response = try await client.execute(request, timeout: TimeAmount(timeout))
                status = response.status
                data = try await response.body.collect(upTo: 256 * 1024 * 1024)
            } catch {
                logger.warning("AI service unreachable", metadata: ["path": .string(path), "attempt": "\(attempt)", "error": "\(error)"])
                if attempt < attempts { try await Task.sleep(for: .milliseconds(200)); continue }
                throw Self.unavailable
            }
            if (200..<300).contains(status.code) {
                do {
                    if Response.self == Empty.self, data.readableBytes == 0 { return Empty() as! Response }
                    return try AIContract.decoder.decode(Response.self, from: Data(data.readableBytesView))
                } catch {
                    logger.error("AI service answered outside the contract", metadata: ["path": .string(path), "error": "\(error)"])
                    throw APIError(.badGateway, code: "ai_bad_response", message: "The AI service sent an answer this API does not understand.")
                }
            }
            if [502, 503, 504].contains(status.code), Self.errorBody(data) == nil {
                // A load balancer in front of no healthy AI task.
                if attempt < attempts { try await Task.sleep(for: .milliseconds(200)); continue }
                throw Self.unavailable
            }
            throw Self.errorBody(data).map { APIError(HTTPResponse.Status(code: Int(status.code)), code: $0.code, message: $0.message, details: $0.details) }
                ?? APIError(.badGateway, code: "ai_bad_response", message: "The AI service failed with HTTP \(status.code).")
        }
        throw Self.unavailable
    }

    /// A request to the AI service with the service token, the user and the request id.
    private func request(_ method: HTTPMethod, _ path: String, owner: String?) -> HTTPClientRequest {
        var request = HTTPClientRequest(url: "\(baseURL)/\(AIContract.prefix)/\(path)")
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        request.headers.add(name: "Accept", value: "application/json")
        if let owner { request.headers.add(name: AIContract.userHeader.rawName, value: owner) }
        if let id = RequestID.current { request.headers.add(name: "X-Request-Id", value: id) }
        return request
    }

    private struct ErrorEnvelope: Decodable {
        struct Inner: Decodable { var code: String; var message: String; var details: [String: String]? }
        var error: Inner
    }

    private static func errorBody(_ data: ByteBuffer) -> ErrorEnvelope.Inner? {
        try? JSONDecoder().decode(ErrorEnvelope.self, from: Data(data.readableBytesView)).error
    }

    static let unavailable = APIError(
        .serviceUnavailable, code: unavailableCode,
        message: "The AI service is not reachable right now; your documents are safe. Try again in a moment.",
        headers: [.retryAfter: "5"])
}

extension HTTPClient {
    /// The client of the AI service: 2 s to connect, no retrying of refused connections (a dead
    /// AI task fails fast and the caller gets a 503 at once).
    public static let aiService = failFast(connect: .seconds(2))
}
