import Configuration
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import HTTPTypes
import HummingbirdTesting
import Logging
import MCP
import NIOCore
import SystemPackage
import Testing

/// The MCP server, driven by the SDK's own client: streamable HTTP (`POST /mcp`) and stdio
/// (`docuthinker mcp` as a child process), with two users who must never see each other's data.
@Suite("MCP server")
struct MCPTests {
    /// Two users, each with a document and an API key.
    struct Library {
        var adaKey: String
        var bobKey: String
        var adaDocument: String
        var bobDocument: String
    }

    static func makeLibrary(_ client: some E2EClient) async throws -> Library {
        let ada = try await client.signUp("ada@example.com")
        let bob = try await client.signUp("bob@example.com")
        let adaDocument = try #require(try await client.upload(fixture: "sample.pdf", token: ada.token).object["id"] as? String)
        let bobDocument = try #require(try await client.upload(fixture: "sample.docx", token: bob.token).object["id"] as? String)
        try await client.waitUntilIndexed(adaDocument, token: ada.token)
        try await client.waitUntilIndexed(bobDocument, token: bob.token)
        // The graph is the ingestion job's last step: wait for it over REST, as a client would.
        try await client.waitForGraph(adaDocument, token: ada.token)
        try await client.waitForGraph(bobDocument, token: bob.token)
        func key(_ token: String) async throws -> String {
            try #require(try await client.send(.post, "/v1/me/api-keys", token: token, json: ["name": "mcp"]).object["key"] as? String)
        }
        return Library(adaKey: try await key(ada.token), bobKey: try await key(bob.token), adaDocument: adaDocument, bobDocument: bobDocument)
    }

    /// The JSON object a tool answered with (its text content), and whether it was an error.
    static func call(_ client: Client, _ tool: String, _ arguments: [String: Value] = [:]) async throws -> (object: [String: Any], text: String, isError: Bool) {
        let result = try await client.callTool(name: tool, arguments: arguments)
        guard case .text(let text, _, _) = try #require(result.content.first) else {
            Issue.record("no text content")
            return ([:], "", true)
        }
        let object = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
        return (object, text, result.isError ?? false)
    }

    /// The knowledge-graph tools: each user sees only the entities of their own documents.
    static func checkGraphTools(ada: Client, bob: Client, library: Library) async throws {
        func names(_ client: Client) async throws -> [String: [String: Any]] {
            let entities = try await call(client, "entities", ["limit": 100]).object["entities"] as? [[String: Any]] ?? []
            return Dictionary(entities.map { ($0["name"] as! String, $0) }, uniquingKeysWith: { a, _ in a })
        }
        let adas = try await names(ada), bobs = try await names(bob)
        let smith = try #require(adas["Smith"], "Ada's entities: \(adas.keys.sorted())")
        #expect(smith["type"] as? String == "person", "Dr. Smith")
        #expect(bobs["Smith"] == nil && adas["Europe"] == nil && bobs["Europe"]?["type"] as? String == "place", "owners apart")
        let id = try #require(smith["id"] as? String)
        let entity = try await call(ada, "entity", ["id": .string(id)])
        #expect(!entity.isError, "\(entity.text)")
        let documents = entity.object["documents"] as? [[String: Any]] ?? []
        #expect(documents.map { $0["documentId"] as? String } == [library.adaDocument])
        #expect((documents.first?["mentions"] as? [[String: Any]])?.first?["quote"] as? String == "Smith")
        let stolen = try await call(bob, "entity", ["id": .string(id)])
        #expect(stolen.isError && !stolen.text.contains(library.adaDocument), "another user's entity is not found")
        let found = try await call(ada, "entities", ["query": "smtih"]).object["entities"] as? [[String: Any]] ?? []
        #expect(found.contains { $0["id"] as? String == id }, "a misspelt name still finds the entity")
    }

    /// What every transport must get right: the tools, their results, and the user scoping.
    static func checkTools(ada: Client, bob: Client, library: Library) async throws {
        let names = Set(try await ada.listTools().tools.map(\.name))
        #expect(names.isSuperset(of: ["list_documents", "search", "ask", "summarize", "key_ideas", "get_document_text", "entities", "entity"]))
        try await checkGraphTools(ada: ada, bob: bob, library: library)

        let adaList = try await call(ada, "list_documents").object["documents"] as? [[String: Any]] ?? []
        #expect(adaList.map { $0["id"] as? String } == [library.adaDocument])
        let bobList = try await call(bob, "list_documents").object["documents"] as? [[String: Any]] ?? []
        #expect(bobList.map { $0["id"] as? String } == [library.bobDocument])

        let text = try #require(try await call(ada, "get_document_text", ["document_id": .string(library.adaDocument)]).object["text"] as? String)
        #expect(text.contains("Pollution fell sharply"))
        let stolen = try await call(bob, "get_document_text", ["document_id": .string(library.adaDocument)])
        #expect(stolen.isError && !stolen.text.contains("Pollution"), "another user's document is not found")
        let stolenSummary = try await call(bob, "summarize", ["document_id": .string(library.adaDocument)])
        #expect(stolenSummary.isError)

        let results = try await call(ada, "search", ["query": "filters reduce pollution"]).object["results"] as? [[String: Any]] ?? []
        #expect(results.first?["documentId"] as? String == library.adaDocument)
        #expect(results.first?["title"] as? String == "River Study Report", "a search result names its document")
        let bobResults = try await call(bob, "search", ["query": "filters reduce pollution"]).object["results"] as? [[String: Any]] ?? []
        #expect(bobResults.allSatisfy { $0["documentId"] as? String == library.bobDocument })

        let answer = try await call(ada, "ask", ["question": "Did the new filters reduce pollution?"]).object
        #expect(answer["found"] as? Bool == true)
        try EndToEndSuite.expectCitationsPointAtText(answer["citations"] as? [[String: Any]] ?? [], texts: [library.adaDocument: text])
        let bobAnswer = try await call(bob, "ask", ["question": "Did the new filters reduce pollution?"]).object
        #expect(!((bobAnswer["citations"] as? [[String: Any]]) ?? []).contains { $0["documentId"] as? String == library.adaDocument })

        for tool in ["summarize", "key_ideas"] {
            let result = try await call(ada, tool, ["document_id": .string(library.adaDocument)])
            #expect(!result.isError, "\(tool): \(result.text)")
            let items = try #require(result.object["items"] as? [[String: Any]])
            try EndToEndSuite.expectCitationsPointAtText(items.flatMap { $0["citations"] as? [[String: Any]] ?? [] },
                                                         texts: [library.adaDocument: text])
        }
        #expect(try await call(ada, "search", [:]).isError, "missing arguments are tool errors, not crashes")
        // Arguments are checked against each tool's own schema before it runs.
        let violations: [(String, [String: Value], String)] = [
            ("search", ["query": "water", "limit": "ten"], "'limit' must be an integer"),
            ("search", ["query": "water", "limit": -5], "'limit' must be an integer from 1 to 100"),
            ("search", ["query": 42], "'query' must be a string"),
            ("search", ["query": "water", "mode": "fuzzy"], "'mode' must be one of"),
            ("search", ["query": "water", "bogus": true], "'bogus' is not a parameter"),
            ("search", ["query": "water", "document_ids": [1, 2]], "'document_ids[]' must be a string"),
            ("get_document_text", ["document_id": .string(library.adaDocument), "start": -10], "'start' must be an integer"),
            ("list_documents", ["limit": 201], "'limit' must be an integer from 1 to 200"),
        ]
        for (tool, arguments, message) in violations {
            let result = try await call(ada, tool, arguments)
            #expect(result.isError && result.text.contains(message), "\(tool) \(arguments): \(result.text)")
        }
        #expect(try await call(ada, "search", ["query": "water", "limit": 100]).isError == false, "the REST limit is MCP's too")

        let resources = try await ada.listResources().resources
        #expect(resources.map(\.uri) == ["docuthinker://documents/\(library.adaDocument)"])
        let contents = try await ada.readResource(uri: "docuthinker://documents/\(library.adaDocument)")
        #expect(contents.first?.text == text)
        await #expect(throws: (any Error).self) {
            _ = try await bob.readResource(uri: "docuthinker://documents/\(library.adaDocument)")
        }
    }

    @Test func streamableHTTPWithTheSDKClient() async throws {
        let app = try TestApp(overrides: ["docuthinker.public.url": .init(.string("https://docs.example.org"), isSecret: false)])
        try await app.testLive { client, port in
            let library = try await Self.makeLibrary(RouterE2EClient(client: client))
            func connect(_ key: String) async throws -> Client {
                let transport = HTTPClientTransport(
                    endpoint: URL(string: "http://127.0.0.1:\(port)/mcp")!, streaming: false,
                    requestModifier: { request in
                        var request = request
                        request.setValue("Bearer \(key)", forHTTPHeaderField: "Authorization")
                        return request
                    })
                let client = Client(name: "docuthinker-tests", version: "1.0")
                _ = try await client.connect(transport: transport)
                return client
            }
            let ada = try await connect(library.adaKey), bob = try await connect(library.bobKey)
            try await Self.checkTools(ada: ada, bob: bob, library: library)

            // A long document is read in parts, each naming the next one.
            let e2e = RouterE2EClient(client: client)
            let token = try #require(try await e2e.send(.post, "/v1/auth/login", json: [
                "email": "ada@example.com", "password": "correct horse battery"]).object["accessToken"] as? String)
            let long = (0..<6_000).map { "Line \($0) of a long report about rivers, filters and rain." }.joined(separator: "\n")
            let form = Multipart.upload(Data(long.utf8), filename: "long.txt")
            let uploaded = try await e2e.send(.post, "/v1/documents", headers: [.authorization: "Bearer \(token)", .contentType: form.contentType],
                                              body: form.body)
            let longID = try #require(try uploaded.object["id"] as? String)
            try await e2e.waitUntilIndexed(longID, token: token)
            let stored = try #require(try await e2e.send(.get, "/v1/documents/\(longID)/text", token: token).object["text"] as? String)
            #expect(stored.unicodeScalars.count > 300_000)
            var uri = "docuthinker://documents/\(longID)", joined = "", parts = 0
            while parts < 10 {
                let contents = try await ada.readResource(uri: uri)
                joined += contents.first?.text ?? ""
                parts += 1
                guard contents.count == 2, let next = contents.last?.uri else { break }
                #expect((contents.first?.text?.unicodeScalars.count ?? 0) == 100_000)
                uri = next
            }
            #expect(parts == 4 && joined == stored, "\(parts) parts")

            // Without a valid key the endpoint answers 401 before MCP sees the request.
            let anonymous = try await client.executeRequest(uri: "/mcp", method: .post, headers: [.contentType: "application/json"],
                                                            body: ByteBuffer(string: #"{"jsonrpc":"2.0","id":1,"method":"tools/list"}"#))
            #expect(anonymous.status == .unauthorized)

            // A browser page of another origin is refused (DNS rebinding); the loopback and the
            // public URL's origins are not (the MCP library alone allowed only loopback origins).
            let listTools = ByteBuffer(string: #"{"jsonrpc":"2.0","id":1,"method":"tools/list"}"#)
            var headers: HTTPFields = [.contentType: "application/json", .accept: "application/json", .authorization: "Bearer \(library.adaKey)",
                                       HTTPField.Name("MCP-Protocol-Version")!: "2025-06-18"]
            let proxied = try await client.executeRequest(uri: "/mcp", method: .post, headers: headers, body: listTools)
            #expect(proxied.status == .ok, "\(String(buffer: proxied.body))")
            #expect(String(buffer: proxied.body).contains("list_documents"))
            headers[.origin] = "https://evil.example"
            #expect(try await client.executeRequest(uri: "/mcp", method: .post, headers: headers, body: listTools).status == .forbidden)
            for origin in ["http://localhost:\(port)", "https://docs.example.org"] {
                headers[.origin] = origin
                #expect(try await client.executeRequest(uri: "/mcp", method: .post, headers: headers, body: listTools).status == .ok, "\(origin)")
            }
            await ada.disconnect()
            await bob.disconnect()
        }
    }

    @Test func stdioServerWithTheSDKClient() async throws {
        let app = try TestApp()
        let library = try await app.test { client in try await Self.makeLibrary(RouterE2EClient(client: client)) }

        final class StdioSession: @unchecked Sendable {
            let process: DocuThinkerProcess
            let client = Client(name: "docuthinker-tests", version: "1.0")
            let input = Pipe(), output = Pipe()

            init(key: String, dataDirectory: String) throws {
                process = try DocuThinkerProcess(["mcp", "--data-dir", dataDirectory], environment: DocuThinkerProcess.environment(
                    dataDirectory: dataDirectory, extra: ["DOCUTHINKER_API_KEY": key]), directory: dataDirectory,
                    standardInput: input, standardOutput: output)
            }

            func connect() async throws {
                let transport = StdioTransport(input: FileDescriptor(rawValue: output.fileHandleForReading.fileDescriptor),
                                               output: FileDescriptor(rawValue: input.fileHandleForWriting.fileDescriptor))
                _ = try await client.connect(transport: transport)
            }

            func close() async {
                await client.disconnect()
                process.stop()
            }
        }
        let ada = try StdioSession(key: library.adaKey, dataDirectory: app.dataDirectory)
        let bob = try StdioSession(key: library.bobKey, dataDirectory: app.dataDirectory)
        try await ada.connect()
        try await bob.connect()
        try await Self.checkTools(ada: ada.client, bob: bob.client, library: library)
        await ada.close()
        await bob.close()

        // A wrong key stops the server at start with a clear message.
        let refused = try DocuThinkerProcess(["mcp", "--data-dir", app.dataDirectory], environment: DocuThinkerProcess.environment(
            dataDirectory: app.dataDirectory, extra: ["DOCUTHINKER_API_KEY": "dtk_not-a-key"]), directory: app.dataDirectory)
        refused.process.waitUntilExit()
        #expect(refused.process.terminationStatus != 0)
    }
}
