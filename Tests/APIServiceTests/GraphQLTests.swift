@testable import APIService
import AIService
import Analysis
import DocuThinkerCore
import Foundation
import GraphQL
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Retrieval
import Storage
import StorageSQLite
import Testing

/// `/graphql`: every operation, with the REST API's authentication, owner scoping and limits.
@Suite("GraphQL")
struct GraphQLTests {
    /// Runs a GraphQL request; returns the HTTP status and the decoded answer.
    static func run(_ client: some TestClientProtocol, _ query: String, variables: [String: Any] = [:], session: Session? = nil,
                    token: String? = nil) async throws -> (status: HTTPResponse.Status, data: [String: Any], errors: [[String: Any]]) {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let token = token ?? session?.accessToken { headers[.authorization] = "Bearer \(token)" }
        return try await client.execute(uri: "/graphql", method: .post, headers: headers,
                                        body: JSON.body(["query": query, "variables": variables])) { response in
            let object = try JSON.object(response)
            return (response.status, object["data"] as? [String: Any] ?? [:], object["errors"] as? [[String: Any]] ?? [])
        }
    }

    static func code(_ errors: [[String: Any]]) -> [String] {
        errors.compactMap { ($0["extensions"] as? [String: Any])?["code"] as? String }
    }

    @Test func registerLoginAndMeNeedTheRightCredentials() async throws {
        try await TestApp().test { client in
            let registered = try await Self.run(client, #"mutation { register(email: "Ada@Example.com", password: "correct horse battery") { userId customToken accessToken refreshToken expiresIn } }"#)
            let auth = try #require(registered.data["register"] as? [String: Any])
            let token = try #require(auth["accessToken"] as? String)
            #expect(auth["customToken"] as? String == token)
            #expect(Self.code(try await Self.run(client, #"mutation { register(email: "ada@example.com", password: "another password") { userId } }"#).errors) == ["email_taken"])
            let wrong = try await Self.run(client, #"mutation { login(email: "ada@example.com", password: "wrong password") { userId } }"#)
            #expect(Self.code(wrong.errors) == ["invalid_credentials"])
            let login = try await Self.run(client, #"mutation { login(email: "ada@example.com", password: "correct horse battery") { userId accessToken } }"#)
            #expect((login.data["login"] as? [String: Any])?["userId"] as? String == auth["userId"] as? String)

            let me = try await Self.run(client, "{ me { id email theme documentCount daysSinceJoined socialMedia { github twitter } } }", token: token)
            #expect(me.status == .ok)
            #expect((me.data["me"] as? [String: Any])?["email"] as? String == "ada@example.com")
            #expect((me.data["me"] as? [String: Any])?["documentCount"] as? Int == 0)
            // Data needs credentials; a bad token is refused like REST.
            let anonymous = try await Self.run(client, "{ me { email } }")
            #expect(anonymous.status == .unauthorized)
            #expect(Self.code(anonymous.errors) == ["missing_token"])
            #expect(try await Self.run(client, "{ me { email } }", token: "forged").status == .unauthorized)
            #expect(try await Self.run(client, #"mutation { login(email: "a@b.c", password: "x") { userId } } "#).status == .ok,
                    "login runs without credentials")
            #expect(try await Self.run(client, #"mutation { login(email: "a@b.c", password: "x") { userId } deleteAllDocuments }"#).status == .unauthorized,
                    "a data field beside login still needs them")
        }
    }

    @Test func documentQueriesAnswerTheCallersDocumentsWithExactCitations() async throws {
        try await TestApp().test { client in
            let ada = try await client.register("ada@example.com")
            let bob = try await client.register("bob@example.com")
            let first = try #require(try JSON.object(try await client.uploadFixture("sample.md", session: ada, title: "Field notes"))["id"] as? String)
            let second = try #require(try JSON.object(try await client.uploadFixture("sample.pdf", session: ada, title: "Lab report"))["id"] as? String)
            let bobs = try #require(try JSON.object(try await client.uploadFixture("sample.txt", session: bob))["id"] as? String)

            let listed = try await Self.run(client, """
                { documents(limit: 10) { id title status fileType pageCount text pages { number start end } summary
                    analysis(kind: "key-ideas", count: 3) { kind engine items { text citations { documentId page start end quote } } }
                    chunks { index page start end text } } }
                """, session: ada)
            #expect(listed.errors.isEmpty, "\(listed.errors)")
            let documents = try #require(listed.data["documents"] as? [[String: Any]])
            #expect(Set(documents.compactMap { $0["id"] as? String }) == [first, second], "only Ada's")
            for document in documents {
                let text = Array(try #require(document["text"] as? String).unicodeScalars)
                #expect((document["summary"] as? String)?.isEmpty == false)
                let analysis = try #require(document["analysis"] as? [String: Any])
                #expect(analysis["kind"] as? String == "key-ideas")
                let items = try #require(analysis["items"] as? [[String: Any]])
                #expect(!items.isEmpty && items.count <= 3)
                for citation in items.flatMap({ $0["citations"] as? [[String: Any]] ?? [] }) {
                    let start = try #require(citation["start"] as? Int), end = try #require(citation["end"] as? Int)
                    #expect(citation["quote"] as? String == String(String.UnicodeScalarView(text[start..<end])), "quote is text[start:end]")
                    #expect(citation["documentId"] as? String == document["id"] as? String)
                }
                let pages = try #require(document["pages"] as? [[String: Any]])
                #expect(pages.last?["end"] as? Int == text.count)
                #expect((document["chunks"] as? [[String: Any]])?.isEmpty == false)
            }

            // Another user's document is null (or "not found" under the original's names).
            let other = try await Self.run(client, #"query($id: String!) { document(id: $id) { id title } getDocument(docId: $id) { id } }"#,
                                           variables: ["id": bobs], session: ada)
            #expect(other.data["document"] is NSNull)
            #expect(Self.code(other.errors) == ["not_found"])
            #expect(((try await Self.run(client, #"query($id: String!) { document(id: $id) { title } }"#, variables: ["id": first], session: ada))
                .data["document"] as? [String: Any])?["title"] as? String == "Field notes")

            let legacy = try await Self.run(client, """
                query($me: String) { listDocuments(userId: $me) { id } documentCount(userId: $me)
                  searchDocuments(userId: $me, searchTerm: "FIELD") { docId title snippet } }
                """, variables: ["me": ada.id], session: ada)
            #expect((legacy.data["listDocuments"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == [first, second], "oldest first")
            #expect(legacy.data["documentCount"] as? Int == 2)
            #expect((legacy.data["searchDocuments"] as? [[String: Any]])?.compactMap { $0["docId"] as? String } == [first])
            let denied = try await Self.run(client, #"query($bob: String) { listDocuments(userId: $bob) { id } documentCount(userId: $bob) }"#,
                                            variables: ["bob": bob.id], session: ada)
            #expect(Self.code(denied.errors) == ["user_not_found", "user_not_found"])

            let search = try await Self.run(client, #"{ search(q: "report", mode: "keyword") { documentId chunkId score text page start end } }"#, session: ada)
            #expect(search.errors.isEmpty, "\(search.errors)")
            #expect((search.data["search"] as? [[String: Any]])?.allSatisfy { [first, second].contains($0["documentId"] as? String ?? "") } == true)
            #expect(Self.code(try await Self.run(client, #"{ search(q: "x", mode: "sideways") { documentId } }"#, session: ada).errors)
                == ["validation_failed"])
        }
    }

    @Test func mutationsChangeOnlyTheCallersDocumentsAndChats() async throws {
        try await TestApp().test { client in
            let ada = try await client.register("ada@example.com")
            let bob = try await client.register("bob@example.com")
            let first = try #require(try JSON.object(try await client.uploadFixture("sample.md", session: ada))["id"] as? String)
            let second = try #require(try JSON.object(try await client.uploadFixture("sample.txt", session: ada))["id"] as? String)

            let stolen = try await Self.run(client, #"mutation($id: String) { renameDocument(id: $id, title: "Mine") { title } deleteDocument(id: $id) }"#,
                                            variables: ["id": first], session: bob)
            #expect(Self.code(stolen.errors) == ["not_found"])
            #expect(stolen.data["deleteDocument"] as? Bool == false, "Bob cannot delete Ada's document")
            let renamed = try await Self.run(client, """
                mutation($id: String, $me: String) { renameDocument(id: $id, title: "Field notes") { title }
                  updateDocumentTitle(userId: $me, docId: $id, title: "Field notes, 2026") { id title } }
                """, variables: ["id": first, "me": ada.id], session: ada)
            #expect((renamed.data["updateDocumentTitle"] as? [String: Any])?["title"] as? String == "Field notes, 2026")

            let analyzed = try await Self.run(client, #"mutation($id: String!) { analyze(documentId: $id, kind: "summary", parameters: { sentences: 2 }) { kind summary items { text } cached } }"#,
                                              variables: ["id": first], session: ada)
            let analysis = try #require(analyzed.data["analyze"] as? [String: Any])
            #expect((analysis["items"] as? [[String: Any]])?.count ?? 0 <= 2)
            #expect(Self.code(try await Self.run(client, #"mutation($id: String!) { analyze(documentId: $id, kind: "summary") { kind } }"#,
                                                 variables: ["id": first], session: bob).errors) == ["not_found"])
            #expect(Self.code(try await Self.run(client, #"mutation($id: String!) { analyze(documentId: $id, kind: "poetry") { kind } }"#,
                                                 variables: ["id": first], session: ada).errors) == ["validation_failed"])

            let created = try await Self.run(client, #"mutation($ids: [String!]) { createChat(documentIds: $ids, title: "Notes") { id title documentIds } }"#,
                                             variables: ["ids": [first]], session: ada)
            let chatId = try #require((created.data["createChat"] as? [String: Any])?["id"] as? String)
            let sent = try await Self.run(client, #"mutation($chat: String!) { sendMessage(chatId: $chat, content: "What is this document about?") { answer found chatId citations { quote } } }"#,
                                          variables: ["chat": chatId], session: ada)
            #expect((sent.data["sendMessage"] as? [String: Any])?["chatId"] as? String == chatId, "\(sent.errors)")
            #expect(Self.code(try await Self.run(client, #"mutation($chat: String!) { sendMessage(chatId: $chat, content: "hi") { answer } }"#,
                                                 variables: ["chat": chatId], session: bob).errors) == ["not_found"])
            let chats = try await Self.run(client, #"query($chat: String!) { chats { id title } chat(id: $chat) { title messages { role content found } } }"#,
                                           variables: ["chat": chatId], session: ada)
            #expect((chats.data["chats"] as? [[String: Any]])?.count == 1)
            #expect(((chats.data["chat"] as? [String: Any])?["messages"] as? [[String: Any]])?.map { $0["role"] as? String } == ["user", "assistant"])
            #expect(try await Self.run(client, #"query($chat: String!) { chat(id: $chat) { title } }"#, variables: ["chat": chatId], session: bob)
                .data["chat"] is NSNull)
            let legacyChat = try await Self.run(client, #"mutation { chat(message: "What colour is the sky?", originalText: "The sky over the bay is grey in winter.") }"#, session: ada)
            #expect(legacyChat.data["chat"] is String, "\(legacyChat.errors)")

            #expect(try await Self.run(client, #"mutation($id: String) { deleteDocument(id: $id) }"#, variables: ["id": first], session: ada)
                .data["deleteDocument"] as? Bool == true)
            #expect(try await Self.run(client, #"mutation($bob: String) { deleteAllDocuments(userId: $bob) }"#, variables: ["bob": bob.id], session: ada)
                .errors.isEmpty == false, "Ada cannot name Bob")
            #expect(try await Self.run(client, "mutation { deleteAllDocuments }", session: ada).data["deleteAllDocuments"] as? Bool == true)
            #expect(try await Self.run(client, "{ documentCount }", session: ada).data["documentCount"] as? Int == 0)
            _ = second
        }
    }

    @Test func accountOperationsNeedTheCallerAndThePassword() async throws {
        try await TestApp().test { client in
            let ada = try await client.register("ada@example.com")
            let bob = try await client.register("bob@example.com")
            let legacy = try await Self.run(client, """
                query($me: String) { getUser(id: $me) { email joinedDate } getUserEmail(userId: $me) userJoinedDate(userId: $me)
                  daysSinceJoined(userId: $me) getSocialMedia(userId: $me) { github } }
                """, variables: ["me": ada.id], session: ada)
            #expect(legacy.errors.isEmpty, "\(legacy.errors)")
            #expect(legacy.data["getUserEmail"] as? String == "ada@example.com")
            #expect(legacy.data["daysSinceJoined"] as? Int == 0)
            #expect((legacy.data["userJoinedDate"] as? String).flatMap { try? Date($0, strategy: .iso8601) } != nil)
            let others = try await Self.run(client, #"query($bob: String) { getUserEmail(userId: $bob) getUser(id: $bob) { email } }"#,
                                            variables: ["bob": bob.id], session: ada)
            #expect(Self.code(others.errors) == ["user_not_found", "user_not_found"])

            let theme = try await Self.run(client, #"mutation { updateTheme(theme: "dark") bad: updateTheme(theme: "purple") }"#, session: ada)
            #expect(theme.data["updateTheme"] as? Bool == true)
            #expect(Self.code(theme.errors) == ["validation_failed"])
            let social = try await Self.run(client, #"mutation { updateSocialMedia(github: "https://github.com/ada", twitter: "@ada") { github linkedin twitter } }"#, session: ada)
            #expect(social.data["updateSocialMedia"] as? [String: String] == ["github": "ada", "linkedin": "", "twitter": "ada"])
            let profile = try JSON.object(try await client.execute(uri: "/v1/me", method: .get, headers: ada.auth) { $0 })
            #expect(profile["theme"] as? String == "dark")

            #expect(Self.code(try await Self.run(client, #"mutation { updateEmail(newEmail: "ada@new.example", password: "wrong password") }"#, session: ada).errors)
                == ["invalid_password"])
            #expect(Self.code(try await Self.run(client, #"mutation { updateEmail(newEmail: "bob@example.com", password: "correct horse battery") }"#, session: ada).errors)
                == ["email_taken"])
            #expect(try await Self.run(client, #"mutation { updateEmail(newEmail: "ada@new.example", password: "correct horse battery") }"#, session: ada)
                .data["updateEmail"] as? Bool == true)
            #expect(Self.code(try await Self.run(client, #"mutation { changePassword(currentPassword: "wrong password", newPassword: "a new long secret") }"#, session: ada).errors)
                == ["invalid_password"])
            #expect(try await Self.run(client, #"mutation { changePassword(currentPassword: "correct horse battery", newPassword: "a new long secret") }"#, session: ada)
                .data["changePassword"] as? Bool == true)
            _ = try await client.login("ada@new.example", password: "a new long secret")
        }
    }

    @Test func theOriginalTextOperationsAnswerTheirStrings() async throws {
        try await TestApp().test { client in
            let ada = try await client.register("ada@example.com")
            let text = try String(decoding: Fixture.data("sample.md"), as: UTF8.self)
            let answered = try await Self.run(client, """
                query($text: String) { analyzeSentiment(documentText: $text) { score sentimentScore label description } }
                """, variables: ["text": text], session: ada)
            #expect((answered.data["analyzeSentiment"] as? [String: Any])?["label"] is String, "\(answered.errors)")
            let mutations = try await Self.run(client, """
                mutation($text: String) { generateKeyIdeas(documentText: $text) generateDiscussionPoints(documentText: $text)
                  generateBulletSummary(documentText: $text) actionableRecommendations(documentText: $text)
                  refineSummary(summary: $text, refinementInstructions: "shorter") }
                """, variables: ["text": text], session: ada)
            #expect(mutations.errors.isEmpty, "\(mutations.errors)")
            for name in ["generateKeyIdeas", "generateDiscussionPoints", "generateBulletSummary", "refineSummary"] {
                #expect((mutations.data[name] as? String)?.isEmpty == false, "\(name)")
            }
            // Translation and rewriting need a language model: offline they say so.
            let llm = try await Self.run(client, #"mutation($text: String) { summaryInLanguage(documentText: $text, language: "French") rewriteContent(documentText: $text, style: "formal") }"#,
                                         variables: ["text": text], session: ada)
            #expect(Self.code(llm.errors) == ["llm_unavailable", "llm_unavailable"])
            let summarized = try await Self.run(client, #"mutation($text: String!) { summarizeDocument(title: "Solar", text: $text) { id summary originalText fileType } }"#,
                                                variables: ["text": text], session: ada)
            let summary = try #require(summarized.data["summarizeDocument"] as? [String: Any], "\(summarized.errors)")
            #expect((summary["summary"] as? String)?.isEmpty == false)
            #expect(summary["originalText"] as? String == text)
            #expect(try await Self.run(client, "{ documentCount }", session: ada).data["documentCount"] as? Int == 1, "stored for the caller")
        }
    }

    @Test func deepOrHugeQueriesAreRefusedBeforeTheyRun() async throws {
        try await TestApp().test { client in
            let ada = try await client.register("ada@example.com")
            // Six levels, the deepest the schema has: answered; fragments are followed when measuring.
            let deep = "{ me { documents { analysis(kind: \"summary\") { items { citations { ...C } } } } } } fragment C on Citation { quote }"
            #expect(try await Self.run(client, deep, session: ada).status == .ok)
            let shape = try GraphQLLimits.shape(of: try Self.parseQuery(deep), operationName: nil).shape
            #expect(shape.depth == 6)
            #expect(shape.fields == 6)
            #expect(shape.rootFields == ["me"])
            #expect(throws: GraphQLLimits.Problem.tooDeep(6)) { try GraphQLLimits(maxDepth: 5).check(shape) }

            // Deeper than the limit (10): refused before validation or any resolver runs.
            let overDeep = try await Self.run(client, String(repeating: "{ me ", count: 11) + String(repeating: "}", count: 11), session: ada)
            #expect(overDeep.status == .badRequest)
            #expect(Self.code(overDeep.errors) == ["query_too_deep"])
            let wide = "{ " + (0..<600).map { "a\($0): documentCount" }.joined(separator: " ") + " }"
            let complex = try await Self.run(client, wide, session: ada)
            #expect(complex.status == .badRequest)
            #expect(Self.code(complex.errors) == ["query_too_complex"])
            let syntax = try await Self.run(client, "{ me { ", session: ada)
            #expect(syntax.status == .badRequest)
            #expect(Self.code(syntax.errors) == ["graphql_parse_failed"])
            let unknown = try await Self.run(client, "{ me { password } }", session: ada)
            #expect(unknown.status == .badRequest, "validation: no such field")
            #expect(Self.code(unknown.errors) == ["graphql_validation_failed"])
        }
    }

    static func parseQuery(_ source: String) throws -> GraphQL.Document { try GraphQL.parse(source: source) }

    @Test func theExplorerWorksOfflineAndShowsTheSchema() async throws {
        try await TestApp().test { client in
            try await client.execute(uri: "/graphql", method: .get) { response in
                #expect(response.status == .ok)
                let page = String(buffer: response.body)
                #expect(page.contains("<script type=\"module\" src=\"/static/graphql.js\"></script>"))
                #expect(!page.contains("<script>"), "no inline script")
                #expect(!page.contains("https://"), "nothing from elsewhere")
                #expect(page.contains("type Query"))
                #expect(response.headers[HTTPField.Name("Content-Security-Policy")!]?.contains("script-src 'self'") == true)
            }
            try await client.execute(uri: "/static/graphql.js", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains("fetch(\"/graphql\""))
            }
            let sdl = try await client.execute(uri: "/graphql/schema", method: .get) { String(buffer: $0.body) }
            for operation in ["me: User", "documents(", "sendMessage(", "generateKeyIdeas(", "getSocialMedia(", "changePassword("] {
                #expect(sdl.contains(operation), "\(operation)")
            }
        }
    }
}

/// The loader: a list of documents asking for their summaries is one batch call.
@Suite("GraphQL loader")
struct GraphQLLoaderTests {
    /// Answers analyses from a table and counts the calls (the loader's only use of a backend).
    final class CountingBackend: AIBackend, @unchecked Sendable {
        let lock = NSLock()
        var batches: [[String]] = []
        var singles = 0

        func outcome(_ id: String) -> AnalysisOutcome {
            AnalysisOutcome(result: AnalysisResult(kind: .summary, engine: "test", engineVersion: "1", documentId: id, items: [], summary: "summary of \(id)",
                                                   parameters: ""), cached: true, createdAt: .now)
        }

        func analyses(documentIds: [String], ownerId: String, kind: AnalysisKind, parameters: AnalysisParameters) async throws -> [String: AnalysisOutcome] {
            lock.withLock { batches.append(documentIds) }
            return Dictionary(uniqueKeysWithValues: documentIds.filter { !$0.hasPrefix("other") }.map { ($0, outcome($0)) })
        }

        func analysis(documentId: String, ownerId: String, kind: AnalysisKind, parameters: AnalysisParameters, refresh: Bool) async throws -> AnalysisOutcome {
            lock.withLock { singles += 1 }
            return outcome(documentId)
        }

        struct NotUsed: Error {}
        func capabilities() async throws -> AICapabilities { throw NotUsed() }
        func wakeIngestion() async throws { throw NotUsed() }
        func documentDeleted(documentId: String, ownerId: String) async throws { throw NotUsed() }
        func indexStatus(documentId: String, ownerId: String) async throws -> IndexStatus { throw NotUsed() }
        func analysis(text: String, kind: AnalysisKind, parameters: AnalysisParameters, ownerId: String) async throws -> AnalysisResult { throw NotUsed() }
        func search(ownerId: String, _ request: SearchRequest) async throws -> [ChunkHit] { throw NotUsed() }
        func answer(question: String, ownerId: String, documentIds: [String]?) async throws -> ChatService.Answer { throw NotUsed() }
        func answerStream(question: String, ownerId: String, documentIds: [String]?) async throws -> AsyncThrowingStream<ChatService.Event, any Error> { throw NotUsed() }
        func answer(question: String, inlineText: String) async throws -> ChatService.Answer { throw NotUsed() }
        func graphExtractionEstimate(ownerId: String, documentIds: [String]?) async throws -> LLMGraphEstimate { throw NotUsed() }
        func startGraphExtraction(ownerId: String, _ request: LLMGraphStartRequest) async throws -> LLMGraphJob { throw NotUsed() }
        func graphExtraction(ownerId: String) async throws -> LLMGraphJob { throw NotUsed() }
        func cancelGraphExtraction(ownerId: String) async throws -> LLMGraphJob { throw NotUsed() }
    }

    @Test func aListsSummariesAreOneBatch() async throws {
        let backend = CountingBackend()
        let store = try SQLiteStore(path: NSTemporaryDirectory() + "loader-\(UUID().uuidString).sqlite")
        let loader = GraphQLLoader(backend: backend, documents: store)
        let ids = (0..<20).map { "doc\($0)" }
        await loader.listed(ids)
        let summaries = try await withThrowingTaskGroup(of: String?.self) { group in
            for id in ids { group.addTask { try await loader.analysis(documentId: id, owner: "ada", kind: .summary, parameters: .init())?.result.summary } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(Set(summaries.compactMap { $0 }) == Set(ids.map { "summary of \($0)" }))
        #expect(backend.batches.count == 1, "one batch for the twenty documents, not twenty calls")
        #expect(backend.batches.first.map(Set.init) == Set(ids))
        #expect(backend.singles == 0)
        // Another kind is another batch; a document outside the list is loaded on its own.
        _ = try await loader.analysis(documentId: "doc3", owner: "ada", kind: .summary, parameters: .init(sentences: 2))
        #expect(try await loader.analysis(documentId: "other", owner: "ada", kind: .summary, parameters: .init()) == nil)
        #expect(backend.batches.count == 3)
        #expect(backend.batches.last == ["other"])
    }
}
