import StoreTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

/// One end-to-end suite, run against both wirings: `serve` in process, and `docuthinker api` +
/// `docuthinker ai` as two real processes on loopback.
enum EndToEndSuite {
    /// The code points of `text[start..<end]`.
    static func slice(_ text: String, _ start: Int, _ end: Int) -> String {
        let scalars = Array(text.unicodeScalars)
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars[start..<end])
        return String(view)
    }

    /// Every citation's quote is the document text at its span.
    static func expectCitationsPointAtText(_ citations: [[String: Any]], texts: [String: String]) throws {
        #expect(!citations.isEmpty)
        for citation in citations {
            let id = try #require(citation["documentId"] as? String)
            let text = try #require(texts[id], "citation into an unexpected document \(id)")
            let start = try #require(citation["start"] as? Int), end = try #require(citation["end"] as? Int)
            #expect(slice(text, start, end) == citation["quote"] as? String)
        }
    }

    static func run(_ client: some E2EClient) async throws {
        let ready = try await client.send(.get, "/health/ready")
        #expect(ready.status == .ok)
        #expect((try ready.object["checks"] as? [String: String])?["ai"] == "ok")

        let ada = try await client.signUp("ada-\(UUID().uuidString.prefix(6))@example.com")
        let bob = try await client.signUp("bob-\(UUID().uuidString.prefix(6))@example.com")

        // Upload: stored and answered at once; its job extracts, indexes and analyses it.
        let uploaded = try await client.upload(fixture: "sample.pdf", token: ada.token)
        #expect(uploaded.status == .created, "\(String(buffer: uploaded.body))")
        let upload = try uploaded.object
        let pdf = try #require(upload["id"] as? String)
        #expect(upload["status"] as? String == "processing")
        #expect(upload["analyses"] as? [String: String] == ["summary": "queued", "key-ideas": "queued"])
        #expect(upload["indexing"] as? String == "queued")
        let docx = try #require(try await client.upload(fixture: "sample.docx", token: ada.token).object["id"] as? String)
        let bobs = try #require(try await client.upload(fixture: "sample.html", token: bob.token).object["id"] as? String)
        try await client.waitUntilIndexed(pdf, token: ada.token)
        try await client.waitUntilIndexed(docx, token: ada.token)
        try await client.waitUntilIndexed(bobs, token: bob.token)

        let list = try await client.send(.get, "/v1/documents", token: ada.token)
        #expect(list.headers[HTTPField.Name("X-Total-Count")!] == "2")
        var texts: [String: String] = [:]
        for id in [pdf, docx] {
            texts[id] = try #require(try await client.send(.get, "/v1/documents/\(id)/text", token: ada.token).object["text"] as? String)
        }

        // Analyses, with citations into the stored text.
        for kind in ["summary", "key-ideas", "discussion-points"] {
            let response = try await client.send(.get, "/v1/documents/\(pdf)/analyses/\(kind)", token: ada.token)
            #expect(response.status == .ok, "\(kind): \(String(buffer: response.body))")
            let items = try #require(try response.object["items"] as? [[String: Any]])
            try expectCitationsPointAtText(items.flatMap { $0["citations"] as? [[String: Any]] ?? [] }, texts: texts)
        }
        let translate = try await client.send(.post, "/v1/documents/\(pdf)/analyses/summary-in-language", token: ada.token, json: ["language": "French"])
        #expect(translate.status == .serviceUnavailable && translate.errorCode == "llm_unavailable", "AI errors reach the user unchanged")

        // Search in every mode, scoped to the caller.
        for mode in ["keyword", "semantic", "hybrid"] {
            let response = try await client.send(.get, "/v1/search?q=filters%20reduce%20pollution&mode=\(mode)", token: ada.token)
            #expect(response.status == .ok, "\(mode): \(String(buffer: response.body))")
            let results = try #require(try response.object["results"] as? [[String: Any]])
            #expect(results.first?["documentId"] as? String == pdf, "\(mode)")
            #expect(!results.contains { $0["documentId"] as? String == bobs })
        }
        let bobSearch = try await client.send(.get, "/v1/search?q=filters%20pollution", token: bob.token).object
        #expect((bobSearch["results"] as? [[String: Any]] ?? []).allSatisfy { $0["documentId"] as? String == bobs })

        // Chat with citations.
        let chat = try #require(try await client.send(.post, "/v1/chats", token: ada.token, json: [:]).object["id"] as? String)
        let answer = try await client.send(.post, "/v1/chats/\(chat)/messages", token: ada.token,
                                           json: ["content": "Did the new filters reduce pollution?"]).object
        #expect(answer["found"] as? Bool == true, "\(answer)")
        try expectCitationsPointAtText(try #require(answer["citations"] as? [[String: Any]]), texts: texts)
        let unrelated = try await client.send(.post, "/v1/chats/\(chat)/messages", token: ada.token,
                                              json: ["content": "What is the boiling point of liquid nitrogen on Mars?"]).object
        #expect(unrelated["found"] as? Bool == false)

        // Someone else's document does not exist for you, on every AI route.
        for (method, uri) in [(HTTPRequest.Method.get, "/v1/documents/\(pdf)"), (.get, "/v1/documents/\(pdf)/analyses/summary"),
                              (.get, "/v1/documents/\(pdf)/index")] {
            #expect(try await client.send(method, uri, token: bob.token).status == .notFound, "\(uri)")
        }

        // API keys work wherever a token does, until revoked.
        let created = try await client.send(.post, "/v1/me/api-keys", token: ada.token, json: ["name": "e2e"]).object
        let key = try #require(created["key"] as? String)
        #expect(try await client.send(.get, "/v1/search?q=pollution", token: key).status == .ok)
        #expect(try await client.send(.delete, "/v1/me/api-keys/\(try #require(created["id"] as? String))", token: ada.token).status == .noContent)
        #expect(try await client.send(.get, "/v1/documents", token: key).status == .unauthorized)

        // Deleting a document removes it from search at once (the AI side's index follows the store).
        #expect(try await client.send(.delete, "/v1/documents/\(pdf)", token: ada.token).status == .noContent)
        let after = try await client.send(.get, "/v1/search?q=filters%20reduce%20pollution&mode=semantic", token: ada.token).object
        #expect(!(after["results"] as? [[String: Any]] ?? []).contains { $0["documentId"] as? String == pdf })
    }
}

@Suite("End to end: serve and api + ai")
struct EndToEndTests {
    @Test func servePassesTheSuite() async throws {
        try await TestApp().test { client in
            try await EndToEndSuite.run(RouterE2EClient(client: client))
        }
    }

    @Test func twoProcessesOnLoopbackPassTheSameSuite() async throws {
        let stack = try TwoProcessStack()
        defer { stack.stop() }
        try await stack.start()
        try await EndToEndSuite.run(stack.apiClient)
        // The AI service answers only with the service token, and exposes its own metrics.
        #expect(try await stack.aiClient.send(.get, "/internal/v1/capabilities").status == .unauthorized)
        #expect(try await stack.aiClient.send(.get, "/internal/v1/capabilities", token: "wrong").status == .unauthorized)
        let capabilities = try await stack.aiClient.send(.get, "/internal/v1/capabilities", token: TwoProcessStack.token)
        #expect(capabilities.status == .ok)
        // Behind the load balancer the ai service is reached under its `/ai` path prefix.
        #expect(try await stack.aiClient.send(.get, "/ai/internal/v1/capabilities", token: TwoProcessStack.token).status == .ok)
        #expect(try await stack.aiClient.send(.post, "/ai/mcp", json: [:]).status == .unauthorized)
        let metrics = String(buffer: try await stack.aiClient.send(.get, "/metrics").body)
        #expect(metrics.contains("docuthinker_http_requests_total{service=\"ai\",route=\"/internal/v1/search\""))
    }

    @Test func apiAnswers503WhileTheAIServiceIsDownAndRecoversByItself() async throws {
        let stack = try TwoProcessStack()
        defer { stack.stop() }
        try await stack.start()
        let api = stack.apiClient
        let ada = try await api.signUp("ada@example.com")
        let first = try #require(try await api.upload(fixture: "sample.pdf", token: ada.token).object["id"] as? String)
        try await api.waitUntilIndexed(first, token: ada.token)

        stack.killAI()
        for uri in ["/v1/search?q=pollution", "/v1/documents/\(first)/analyses/key-ideas", "/v1/documents/\(first)/index"] {
            let response = try await api.send(.get, uri, token: ada.token)
            #expect(response.status == .serviceUnavailable, "\(uri)")
            #expect(response.errorCode == "ai_unavailable")
            #expect(response.headers[.retryAfter] != nil)
        }
        let ready = try await api.send(.get, "/health/ready").object
        #expect(ready["status"] as? String == "degraded")
        // The rest of the API works, and uploads are kept for later.
        #expect(try await api.send(.get, "/v1/documents", token: ada.token).status == .ok)
        let outage = try await api.upload(fixture: "sample.docx", token: ada.token)
        #expect(outage.status == .created)
        let second = try #require(try outage.object["id"] as? String)
        #expect(try outage.object["indexing"] as? String == "pending")
        #expect(try outage.object["analyses"] as? [String: String] == ["summary": "pending", "key-ideas": "pending"])

        try await stack.startAI()
        #expect(try await api.send(.get, "/v1/search?q=pollution", token: ada.token).status == .ok)
        try await api.waitUntilIndexed(second, token: ada.token)
        let summary = try await api.send(.get, "/v1/documents/\(second)/analyses/summary", token: ada.token)
        #expect(summary.status == .ok)
        #expect(try await api.send(.get, "/health/ready").object["status"] as? String == "ready")
    }

    /// The deployment's shape for a graph database: only the `ai` process knows it (here FalkorDB;
    /// on AWS Neptune or Neo4j), and the `api` reads graphs through the AI service. A delete
    /// through the api empties the graph database.
    @Test(.enabled(if: TestFalkorDB.available)) func theGraphDatabaseIsTheAIServicesAndTheAPIReadsThroughIt() async throws {
        let url = try #require(TestFalkorDB.url, "DOCUTHINKER_TEST_FALKORDB_URL is not set: run scripts/services start")
        let name = "dt-" + UUID().uuidString.lowercased()
        func entitiesInFalkorDB() async throws -> Int { try await TestFalkorDB.entityCount(graph: name) }
        let stack = try TwoProcessStack()
        stack.aiEnvironment = ["DOCUTHINKER_FALKORDB_URL": url, "DOCUTHINKER_FALKORDB_GRAPH": name]
        defer { stack.stop() }
        try await stack.start()
        let api = stack.apiClient
        let ada = try await api.signUp("ada@example.com"), bob = try await api.signUp("bob@example.com")
        let id = try #require(try await api.upload(fixture: "sample.pdf", token: ada.token).object["id"] as? String)
        try await api.waitForGraph(id, token: ada.token)

        let graph = try await api.send(.get, "/v1/documents/\(id)/graph", token: ada.token).object
        let nodes = try #require(graph["nodes"] as? [[String: Any]])
        #expect(!nodes.isEmpty, "the api read the graph the ai built")
        #expect(try await entitiesInFalkorDB() >= nodes.count, "the graph lives in FalkorDB")
        let first = try #require(nodes.first?["name"] as? String)
        let found = try await api.send(.get, "/v1/graph/entities?q=\(first.prefix(4).addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")",
                                       token: ada.token).object["entities"] as? [[String: Any]]
        #expect(found?.contains { $0["name"] as? String == first } == true, "entity search through the AI service")
        let entityId = try #require(nodes.first?["id"] as? String)
        let encoded = try #require(entityId.addingPercentEncoding(withAllowedCharacters: .alphanumerics))
        let entity = try await api.send(.get, "/v1/graph/entities/\(encoded)", token: ada.token)
        let documents = try entity.object["documents"] as? [[String: Any]]
        #expect(entity.status == .ok && documents?.first?["documentId"] as? String == id)
        let status = try await api.send(.get, "/v1/graph/status", token: ada.token).object
        #expect(status["current"] as? Int == 1)
        // Owners apart across the wire.
        #expect(try await api.send(.get, "/v1/documents/\(id)/graph", token: bob.token).status == .notFound)
        #expect(try await api.send(.get, "/v1/graph/entities/\(encoded)", token: bob.token).status == .notFound)
        #expect((try await api.send(.get, "/v1/graph/entities?q=", token: bob.token).object["entities"] as? [[String: Any]])?.isEmpty == true)

        #expect(try await api.send(.delete, "/v1/documents/\(id)", token: ada.token).status == .noContent)
        for _ in 0..<100 where try await entitiesInFalkorDB() > 0 { try await Task.sleep(for: .milliseconds(100)) }
        #expect(try await entitiesInFalkorDB() == 0, "the delete reached the graph database through the AI service")
    }
}
