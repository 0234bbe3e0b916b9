import AsyncHTTPClient
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import NIOHTTP1
import Testing

/// One HTTP exchange of the end-to-end suite, whatever carries it.
struct E2EResponse: Sendable {
    var status: HTTPResponse.Status
    var headers: HTTPFields
    var body: ByteBuffer

    var object: [String: Any] {
        get throws {
            let value = try JSONSerialization.jsonObject(with: Data(body.readableBytesView))
            return try #require(value as? [String: Any], "not a JSON object: \(String(buffer: body))")
        }
    }

    var errorCode: String? { ((try? object)?["error"] as? [String: Any])?["code"] as? String }
}

/// What the end-to-end suite talks to: the in-process router (`serve`) or a real process on loopback.
protocol E2EClient: Sendable {
    func send(_ method: HTTPRequest.Method, _ uri: String, headers: HTTPFields, body: ByteBuffer?) async throws -> E2EResponse
}

extension E2EClient {
    func send(_ method: HTTPRequest.Method, _ uri: String, token: String? = nil, json: [String: Any]? = nil) async throws -> E2EResponse {
        var headers: HTTPFields = [:]
        if let token { headers[.authorization] = "Bearer \(token)" }
        if json != nil { headers[.contentType] = "application/json" }
        return try await send(method, uri, headers: headers, body: json.map { JSON.body($0) })
    }

    /// Registers and logs in; returns the user id and access token.
    func signUp(_ email: String) async throws -> (id: String, token: String) {
        let credentials: [String: Any] = ["email": email, "password": "correct horse battery"]
        let registered = try await send(.post, "/v1/auth/register", json: credentials)
        #expect(registered.status == .created, "register: \(String(buffer: registered.body))")
        let login = try await send(.post, "/v1/auth/login", json: credentials).object
        let user = try #require(login["user"] as? [String: Any])
        return (try #require(user["id"] as? String), try #require(login["accessToken"] as? String))
    }

    /// Uploads a fixture as multipart `file`.
    func upload(fixture name: String, token: String) async throws -> E2EResponse {
        try await upload(try Fixture.data(name), filename: name, token: token)
    }

    /// Uploads bytes as multipart `file`.
    func upload(_ data: Data, filename name: String, token: String) async throws -> E2EResponse {
        let form = Multipart.upload(data, filename: name)
        return try await send(.post, "/v1/documents", headers: [.authorization: "Bearer \(token)", .contentType: form.contentType],
                              body: form.body)
    }

    /// Polls the document's index status until `ready` (120 s at most: the suite shares two cores).
    /// Five minutes at most: a debug build embedding beside the whole suite on two cores is slow.
    func waitUntilIndexed(_ id: String, token: String) async throws {
        for _ in 0..<3_000 {
            let status = try await send(.get, "/v1/documents/\(id)/index", token: token).object["status"] as? String
            if status == "ready" { return }
            try #require(status != "failed" && status != "unavailable", "indexing \(status ?? "?")")
            try await Task.sleep(for: .milliseconds(100))
        }
        Issue.record("indexing of \(id) did not finish in 300 s")
    }

    /// Polls the document's knowledge graph until it is built (five minutes at most, as above).
    func waitForGraph(_ id: String, token: String) async throws {
        for _ in 0..<3_000 {
            if try await send(.get, "/v1/documents/\(id)/graph", token: token).object["status"] as? String == "ready" { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        Issue.record("the graph of \(id) was not built in 300 s")
    }
}

/// The in-process router of `serve` (Hummingbird's `.router` test client).
struct RouterE2EClient: E2EClient {
    let client: any TestClientProtocol

    func send(_ method: HTTPRequest.Method, _ uri: String, headers: HTTPFields, body: ByteBuffer?) async throws -> E2EResponse {
        let response = try await client.executeRequest(uri: uri, method: method, headers: headers, body: body)
        return E2EResponse(status: response.status, headers: response.headers, body: response.body)
    }
}

/// A real server on loopback, over AsyncHTTPClient.
struct LoopbackE2EClient: E2EClient {
    let port: Int

    func send(_ method: HTTPRequest.Method, _ uri: String, headers: HTTPFields, body: ByteBuffer?) async throws -> E2EResponse {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(uri)")
        request.method = HTTPMethod(rawValue: method.rawValue)
        for field in headers { request.headers.add(name: field.name.rawName, value: field.value) }
        if let body { request.body = .bytes(body) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(120))
        var fields = HTTPFields()
        for header in response.headers { if let name = HTTPField.Name(header.name) { fields.append(HTTPField(name: name, value: header.value)) } }
        return E2EResponse(status: .init(code: Int(response.status.code)), headers: fields,
                           body: try await response.body.collect(upTo: 64 * 1024 * 1024))
    }
}
