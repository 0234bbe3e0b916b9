import AsyncHTTPClient
public import Foundation
import NIOCore
import NIOHTTP1
public import Storage

/// The few calls of Chroma's v2 HTTP API the vector index makes, with JSON bodies. Every failure
/// becomes a `StorageError`: `.unavailable` when the server cannot be reached or fails, `.invalid`
/// when it refuses a request (a dimension mismatch, say), with Chroma's own message.
public struct ChromaClient: Sendable {
    public let configuration: ChromaConfiguration
    let http: HTTPClient
    let timeout: TimeAmount

    public init(configuration: ChromaConfiguration, http: HTTPClient = .shared, timeout: TimeAmount = .seconds(30)) {
        self.configuration = configuration
        self.http = http
        self.timeout = timeout
    }

    /// `/api/v2/tenants/{tenant}/databases/{database}`.
    var databasePath: String {
        "/api/v2/tenants/\(Self.escape(configuration.tenant))/databases/\(Self.escape(configuration.database))"
    }

    /// The configured collection's id, creating it (cosine space) when missing.
    public func collectionId() async throws -> String {
        let body: [String: Any] = [
            "name": configuration.collection, "get_or_create": true,
            "configuration": ["hnsw": ["space": "cosine"]],
        ]
        let reply = try await call(.POST, databasePath + "/collections", body)
        guard let id = reply["id"] as? String else { throw StorageError(.unavailable, "Chroma's collection reply had no id.") }
        return id
    }

    /// Whether the server answers (`GET /api/v2/heartbeat`).
    public func heartbeat() async throws {
        _ = try await call(.GET, "/api/v2/heartbeat", nil)
    }

    /// POSTs `body` to the collection's `operation` (`upsert`, `get`, `query`, `delete`).
    public func collection(_ id: String, _ operation: String, _ body: [String: Any]) async throws -> [String: Any] {
        try await call(.POST, databasePath + "/collections/\(id)/\(operation)", body)
    }

    /// One request; the JSON object of the reply.
    func call(_ method: HTTPMethod, _ path: String, _ body: [String: Any]?) async throws -> [String: Any] {
        var request = HTTPClientRequest(url: configuration.url + path)
        request.method = method
        if let token = configuration.token {
            request.headers.add(name: "Authorization", value: "Bearer \(token)")
            request.headers.add(name: "X-Chroma-Token", value: token)
        }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body)))
        }
        let status: HTTPResponseStatus
        let bytes: ByteBuffer
        do {
            let response = try await http.execute(request, timeout: timeout)
            status = response.status
            bytes = try await response.body.collect(upTo: 256 << 20)
        } catch {
            throw StorageError(.unavailable, "Chroma at \(configuration.url) cannot be reached (\(Self.describe(error))); semantic search is unavailable until it answers.")
        }
        let object = (try? JSONSerialization.jsonObject(with: Data(bytes.readableBytesView))) as? [String: Any]
        guard (200..<300).contains(status.code) else {
            let message = (object?["message"] as? String) ?? (object?["error"] as? String) ?? String(buffer: bytes).prefix(300).description
            let code: StorageError.Code = status == .unauthorized || status == .forbidden || status.code >= 500 ? .unavailable : .invalid
            throw StorageError(code, "Chroma refused \(path.split(separator: "/").last ?? "") (HTTP \(status.code)): \(message)")
        }
        return object ?? [:]
    }

    static func escape(_ segment: String) -> String {
        segment.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/"))) ?? segment
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? HTTPClientError { return "\(error)" }
        return String(describing: type(of: error))
    }
}
