@testable import APIService
import Configuration
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing

/// Isolation over every route the router registers (REST, the legacy aliases, GraphQL, MCP over
/// HTTP, SSE streams, and the AI service's internal routes): user B, with user A's ids in the
/// path, the query and the body, gets exactly the status and error code a made-up id gets (so
/// nothing can be inferred), never sees A's data in an answer, and changes nothing of A's. The
/// routes come from the router itself, so a new route is exercised here without being listed;
/// one whose path parameter the suite cannot fill fails it.
@Suite("Isolation: every route, another user's data")
struct RouteIsolationTests {
    /// Routes with no user's data behind them (pages, documents of the API, health, sign-up and
    /// sign-in): still called, and their answers checked for A's data, but not with A's ids.
    static let publicRoutes: Set<String> = [
        "GET /", "GET /app", "GET /app/chat", "GET /app/documents/{id}", "GET /app/entities/{id}", "GET /app/profile",
        "GET /app/upload", "GET /app/{path}", "GET /static/{name}", "GET /docs", "GET /api-docs", "GET /openapi.json",
        "GET /openapi.yaml", "GET /swagger.json", "GET /health", "GET /health/ready", "GET /metrics", "GET /graphql/schema",
        "POST /v1/auth/register", "POST /v1/auth/login", "POST /v1/auth/refresh", "POST /v1/auth/password-reset",
        "POST /v1/auth/password-reset/confirm", "POST /register", "POST /login", "POST /forgot-password", "POST /reset-password",
        "POST /verify-email", "POST /passkey/authenticate/options", "POST /passkey/authenticate/verify",
    ]

    /// A's library, and the strings that must never reach B.
    struct Library {
        var user: String
        var document: String
        var chat: String
        var key: String
        var entity: String
        var secrets: [String]
    }

    /// The value of a path parameter: A's, or a made-up one of the same shape.
    static func value(_ parameter: String, path: String, library: Library, real: Bool) -> String? {
        let made = UUID().uuidString.lowercased()
        switch parameter {
        case "kind": return "summary"
        case "userId": return real ? library.user : made
        case "docId": return real ? library.document : made
        case "credentialId": return made
        case "id":
            if path.hasPrefix("/v1/documents") || path.hasPrefix("/internal/v1/documents") || path.hasPrefix("/internal/v1/graph/documents") {
                return real ? library.document : made
            }
            if path.hasPrefix("/v1/chats") { return real ? library.chat : made }
            if path.hasPrefix("/v1/me/api-keys") { return real ? library.key : made }
            if path.hasPrefix("/v1/graph/entities") { return real ? library.entity : "e" + made }
            return nil
        default: return nil
        }
    }

    /// A body naming A's things under every field name a route reads.
    static func body(library: Library, real: Bool) -> [String: Any] {
        let document = real ? library.document : UUID().uuidString.lowercased()
        let user = real ? library.user : UUID().uuidString.lowercased()
        return [
            "title": "stolen", "content": "What does the river study report say?", "question": "What does the river study say?",
            "documentIds": [document], "documentId": document, "docId": document, "userId": user, "id": document,
            "text": "river study", "q": "river", "query": "{ document(id: \"\(document)\") { id title } documents { id title } chats { id title } }",
            "name": "stolen", "theme": "dark", "language": "French", "kind": "summary", "entity": real ? library.entity : "e0",
            "parameters": [:] as [String: Any], "refresh": false, "mode": "hybrid", "limit": 5,
        ]
    }

    static func makeLibrary(_ client: some TestClientProtocol) async throws -> (Library, Session, Session) {
        let ada = try await client.register("ada@example.com")
        let bob = try await client.register("bob@example.com")
        let document = try #require(try JSON.object(try await client.uploadFixture("sample.pdf", session: ada))["id"] as? String)
        let chat = try await client.execute(uri: "/v1/chats", method: .post, headers: ada.auth.merging(JSON.headers),
                                            body: JSON.body(["documentIds": [document]])) { try JSON.object($0)["id"] as? String }
        let chatId = try #require(chat)
        try await client.execute(uri: "/v1/chats/\(chatId)/messages", method: .post, headers: ada.auth.merging(JSON.headers),
                                 body: JSON.body(["content": "What does the report say about nitrate?"])) { #expect($0.status == .ok) }
        let key = try await client.execute(uri: "/v1/me/api-keys", method: .post, headers: ada.auth.merging(JSON.headers),
                                           body: JSON.body(["name": "ada's key"])) { try JSON.object($0) }
        var entity = ""
        for _ in 0..<600 where entity.isEmpty {
            let graph = try await client.execute(uri: "/v1/documents/\(document)/graph", method: .get, headers: ada.auth) { try JSON.object($0) }
            entity = (graph["nodes"] as? [[String: Any]])?.first?["id"] as? String ?? ""
            if entity.isEmpty { try await Task.sleep(for: .milliseconds(100)) }
        }
        try #require(!entity.isEmpty, "A's knowledge graph was built")
        let library = Library(
            user: ada.id, document: document, chat: chatId, key: try #require(key["id"] as? String), entity: entity,
            secrets: [document, chatId, try #require(key["id"] as? String), "River Study Report", "ada@example.com", "nitrate"])
        return (library, ada, bob)
    }

    /// Status and error code, the parts of an answer that differ between "yours but hidden" and "no such thing".
    struct Verdict: Equatable, CustomStringConvertible {
        var status: Int
        var code: String?
        var description: String { "\(status) \(code ?? "-")" }
    }

    static func verdict(_ response: TestResponse) -> Verdict {
        let object = (try? JSONSerialization.jsonObject(with: Data(response.body.readableBytesView))) as? [String: Any]
        return Verdict(status: Int(response.status.code), code: (object?["error"] as? [String: Any])?["code"] as? String)
    }

    /// The leaks in an answer B received: any of A's strings except the ids B itself sent.
    static func leaks(_ response: TestResponse, library: Library, sent: [String]) -> [String] {
        let text = String(buffer: response.body)
        return library.secrets.filter { !sent.contains($0) && text.range(of: $0, options: .caseInsensitive) != nil }
    }

    @Test func userBCannotReadInferOrChangeAnythingOfUserAOnAnyRoute() async throws {
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        let testApp = try TestApp()
        let (application, registered) = try await makeApplication(configuration: testApp.configuration, logger: logger)
        let routes = registered.map { (method: $0.method, path: $0.path.description) }
        try await application.test(.router) { client in
            let (library, ada, bobSession) = try await Self.makeLibrary(client)
            var bob = bobSession
            var exercised = 0
            for route in routes {
                let path = APIDocumentTests.openAPIPath(route.path)
                let name = "\(route.method.rawValue) \(path)"
                if name == "POST /mcp" || name == "GET /mcp" || name == "DELETE /mcp" { continue }   // below, as JSON-RPC
                // B's session may have been ended by a route (logout): sign in again.
                let status = try await client.execute(uri: "/v1/me", method: .get, headers: bob.auth) { $0.status }
                if status == .unauthorized {
                    print("isolation: B signs in again before \(name)")
                    bob = try await client.login("bob@example.com")
                }
                var answers: [Bool: (Verdict, [String])] = [:]
                for real in [false, true] {
                    var uri = ""
                    var sent: [String] = []
                    var unfilled: String?
                    for part in path.split(separator: "/") {
                        if part.hasPrefix("{") {
                            let parameter = String(part.dropFirst().dropLast())
                            guard let value = Self.value(parameter, path: path, library: library, real: real) else {
                                unfilled = parameter
                                break
                            }
                            sent.append(value)
                            uri += "/" + value
                        } else {
                            uri += "/" + part
                        }
                    }
                    if Self.publicRoutes.contains(name) {
                        guard real, route.method == .get, unfilled == nil else { break }
                        let response = try await client.execute(uri: uri.isEmpty ? "/" : uri, method: .get, headers: bob.auth)
                        #expect(Self.leaks(response, library: library, sent: sent).isEmpty, "\(name) shows A's data to B")
                        continue
                    }
                    if let unfilled {
                        Issue.record("\(name): the isolation suite has no value for {\(unfilled)}; add one")
                        break
                    }
                    let document = real ? library.document : UUID().uuidString.lowercased()
                    uri += "?documents=\(document)&documentIds=\(document)&documentId=\(document)&q=river&id=\(real ? library.entity : "e0")"
                    let hasBody = [.post, .put, .patch].contains(route.method)
                    let body = Self.body(library: library, real: real)
                    sent += [document, body["userId"] as? String ?? ""]
                    var headers = bob.auth.merging(JSON.headers)
                    if path.hasSuffix("/messages") { headers[.accept] = "text/event-stream" }   // the SSE stream of an answer
                    let response = try await client.execute(uri: uri, method: route.method, headers: headers, body: hasBody ? JSON.body(body) : nil)
                    answers[real] = (Self.verdict(response), Self.leaks(response, library: library, sent: sent))
                    // 503: a route that needs a language model, and none is configured here.
                    #expect(response.status.code < 500 || response.status == .serviceUnavailable, "\(name): \(response.status)")
                }
                guard let made = answers[false], let real = answers[true] else { continue }
                exercised += 1
                #expect(real.0 == made.0, "\(name): B can tell A's ids from made-up ones (\(real.0) vs \(made.0))")
                #expect(real.1.isEmpty, "\(name) shows A's data to B: \(real.1)")
            }
            #expect(exercised > 60, "routes exercised with A's ids: \(exercised)")
            try await Self.checkMCP(client, library: library, bob: bob)

            // Nothing of A's changed.
            try await client.execute(uri: "/v1/documents/\(library.document)", method: .get, headers: ada.auth) { response in
                #expect(response.status == .ok)
                let title = try JSON.object(response)["title"] as? String
                #expect(title == "River Study Report")
            }
            try await client.execute(uri: "/v1/chats/\(library.chat)", method: .get, headers: ada.auth) { response in
                let messages = try JSON.object(response)["messages"] as? [[String: Any]]
                #expect(messages?.count == 2)
            }
            try await client.execute(uri: "/v1/me/api-keys", method: .get, headers: ada.auth) { response in
                let keys = try JSON.array(response)
                #expect(keys.contains { $0["id"] as? String == library.key && $0["revokedAt"] == nil })
            }
            let again = try await client.login("ada@example.com")
            try await client.execute(uri: "/v1/me", method: .get, headers: again.auth) { response in
                let email = try JSON.object(response)["email"] as? String
                #expect(email == "ada@example.com")
            }
        }
    }

    /// MCP over HTTP (`POST /mcp`, B's API key): every tool the server lists, called with A's ids
    /// wherever its schema takes one, and A's document as a resource, answer as they do for
    /// made-up ids and show nothing of A's.
    static func checkMCP(_ client: some TestClientProtocol, library: Library, bob: Session) async throws {
        let key = try await client.execute(uri: "/v1/me/api-keys", method: .post, headers: bob.auth.merging(JSON.headers),
                                           body: JSON.body(["name": "mcp"])) { try JSON.object($0)["key"] as? String }
        let headers: HTTPFields = [.contentType: "application/json", .accept: "application/json", .authorization: "Bearer \(try #require(key))",
                                   HTTPField.Name("MCP-Protocol-Version")!: "2025-06-18"]
        func rpc(_ method: String, _ params: [String: Any]) async throws -> (object: [String: Any], response: TestResponse) {
            let body = JSON.body(["jsonrpc": "2.0", "id": 1, "method": method, "params": params])
            let response = try await client.execute(uri: "/mcp", method: .post, headers: headers, body: body)
            let object = (try? JSONSerialization.jsonObject(with: Data(response.body.readableBytesView))) as? [String: Any] ?? [:]
            return (object, response)
        }
        let tools = try #require(((try await rpc("tools/list", [:])).object["result"] as? [String: Any])?["tools"] as? [[String: Any]])
        #expect(tools.count >= 8)
        /// Whether a call failed, and how (a JSON-RPC error code, or a tool result marked `isError`).
        func outcome(_ object: [String: Any]) -> String {
            if let error = object["error"] as? [String: Any] { return "error \(error["code"] ?? "")" }
            let result = object["result"] as? [String: Any]
            return (result?["isError"] as? Bool ?? false) ? "tool error" : "ok"
        }
        for tool in tools {
            let name = try #require(tool["name"] as? String)
            let properties = ((tool["inputSchema"] as? [String: Any])?["properties"] as? [String: Any]) ?? [:]
            var outcomes: [Bool: String] = [:]
            for real in [false, true] {
                let document = real ? library.document : UUID().uuidString.lowercased()
                var arguments: [String: Any] = [:]
                for property in properties.keys {
                    switch property {
                    case "document_id": arguments[property] = document
                    case "document_ids": arguments[property] = [document]
                    case "id": arguments[property] = real ? library.entity : "e0"
                    case "query", "question": arguments[property] = "What does the river study report say about nitrate?"
                    default: break
                    }
                }
                let (object, response) = try await rpc("tools/call", ["name": name, "arguments": arguments])
                outcomes[real] = outcome(object)
                #expect(leaks(response, library: library, sent: [document]).isEmpty, "MCP tool \(name) shows A's data to B")
            }
            #expect(outcomes[true] == outcomes[false], "MCP tool \(name): B can tell A's ids from made-up ones")
        }
        var resources: [Bool: String] = [:]
        for real in [false, true] {
            let document = real ? library.document : UUID().uuidString.lowercased()
            let (object, response) = try await rpc("resources/read", ["uri": "docuthinker://documents/\(document)"])
            resources[real] = outcome(object)
            #expect(leaks(response, library: library, sent: [document]).isEmpty, "an MCP resource shows A's document to B")
        }
        #expect(resources[true] == resources[false] && resources[true] != "ok", "\(resources)")
        let listed = try await rpc("resources/list", [:])
        #expect(leaks(listed.response, library: library, sent: []).isEmpty, "MCP resources/list shows A's documents to B")
    }

    /// The AI service's internal routes trust the `X-User-Id` the API service sends with its
    /// token: with B's id there, every route with A's ids in its path or body answers as it does
    /// for made-up ones, and shows nothing of A's.
    @Test func theAIServiceScopesEveryInternalRouteToTheUserHeader() async throws {
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        let token = "internal-token-0123456789-abcdefghijklmnop"
        let serve = try TestApp(overrides: ["ai.service.token": .init(.string(token), isSecret: true)])
        let (library, _, bob) = try await serve.test { client in try await Self.makeLibrary(client) }
        let (application, registered) = try await makeApplication(configuration: serve.configuration, role: .ai, logger: logger)
        let routes = registered.map { (method: $0.method, path: APIDocumentTests.openAPIPath($0.path.description)) }
            .filter { $0.path.contains("internal/v1") }
        #expect(routes.count >= 15, "internal routes: \(routes.count)")
        try await application.test(.router) { client in
            for route in routes {
                let name = "\(route.method.rawValue) \(route.path)"
                var verdicts: [Bool: Verdict] = [:]
                for real in [false, true] {
                    var uri = ""
                    var sent: [String] = []
                    for part in route.path.split(separator: "/") {
                        guard part.hasPrefix("{") else { uri += "/" + part; continue }
                        let parameter = String(part.dropFirst().dropLast())
                        let internalPath = "/internal/v1/" + route.path.components(separatedBy: "internal/v1/").last!
                        let value = try #require(Self.value(parameter, path: internalPath, library: library, real: real), "\(name): {\(parameter)}")
                        sent.append(value)
                        uri += "/" + value
                    }
                    let document = real ? library.document : UUID().uuidString.lowercased()
                    uri += "?documents=\(document)&documentIds=\(document)&id=\(real ? library.entity : "e0")&q=river"
                    let headers: HTTPFields = [.authorization: "Bearer \(token)", AIContractHeader.user: bob.id, .contentType: "application/json"]
                    let hasBody = [.post, .put, .patch].contains(route.method)
                    let response = try await client.execute(uri: uri, method: route.method, headers: headers,
                                                            body: hasBody ? JSON.body(Self.body(library: library, real: real)) : nil)
                    verdicts[real] = Self.verdict(response)
                    #expect(Self.leaks(response, library: library, sent: sent + [document]).isEmpty, "\(name) gives A's data to B")
                    #expect(response.status.code < 500 || response.status == .serviceUnavailable, "\(name): \(response.status)")
                }
                #expect(verdicts[true] == verdicts[false], "\(name): A's ids answer differently from made-up ones: \(verdicts)")
            }
        }
    }
}

/// The AI contract's user header (internal to `AIService`).
enum AIContractHeader {
    static let user = HTTPField.Name("X-User-Id")!
}
