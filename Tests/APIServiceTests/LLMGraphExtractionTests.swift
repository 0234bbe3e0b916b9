@testable import APIService
import Configuration
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// Reading a library with a language model for the knowledge graph, against a local server that
/// speaks OpenAI's chat-completions protocol (the response shape OpenAI documents, usage included):
/// the estimate before the start, the model's names checked against the text and merged into the
/// graph, usage counted, the monthly budget and a run's cap, stop and resume, owners apart.
@Suite("Knowledge graph: reading with a language model")
struct LLMGraphExtractionTests {
    static let notes = """
        Notes from the workshop

        In 1843 Ada Lovelace published notes on the Analytical Engine designed by Charles Babbage. Lovelace described how \
        the engine could compute Bernoulli numbers. The notes were printed in London.
        """

    /// Counts the graph calls the provider answered.
    final class Calls: @unchecked Sendable {
        private let lock = NSLock()
        private var count = 0
        var graph: Int { lock.withLock { count } }
        func add() { lock.withLock { count += 1 } }
    }

    /// The provider: graph prompts get entities (one the passages never name, a mention no passage
    /// writes) and relations; other prompts (the upload's summary and key ideas) get an analysis.
    /// A passage containing "SLOWLY" is answered after 1.5 s.
    static func provider(_ calls: Calls) -> some ApplicationProtocol {
        let router = Router()
        router.post("v1/chat/completions") { request, _ -> Response in
            let body = String(buffer: try await request.body.collect(upTo: 1 << 22))
            let content: String
            let usage: (Int, Int)
            if body.contains("You build a knowledge graph") {
                calls.add()
                if body.contains("SLOWLY") { try await Task.sleep(for: .milliseconds(1_500)) }
                content = """
                    {"entities": [
                      {"name": "Ada Lovelace", "type": "person", "mentions": ["Lovelace", "Countess of Lovelace"]},
                      {"name": "Analytical Engine", "type": "concept", "mentions": []},
                      {"name": "Charles Babbage", "type": "person", "mentions": ["Babbage"]},
                      {"name": "Bernoulli numbers", "type": "concept", "mentions": []},
                      {"name": "Isaac Newton", "type": "person", "mentions": ["Newton"]}],
                     "relations": [
                      {"source": "Ada Lovelace", "target": "Analytical Engine", "label": "wrote notes on"},
                      {"source": "Isaac Newton", "target": "Ada Lovelace", "label": "inspired"}]}
                    """
                usage = (300, 80)
            } else {
                content = #"{"items": [{"text": "Ada Lovelace published notes.", "sources": [1]}]}"#
                usage = (120, 30)
            }
            let reply: [String: Any] = [
                "id": "chatcmpl-1", "object": "chat.completion", "created": 1_733_000_000, "model": "local-model",
                "choices": [["index": 0, "message": ["role": "assistant", "content": content], "finish_reason": "stop"]],
                "usage": ["prompt_tokens": usage.0, "completion_tokens": usage.1, "total_tokens": usage.0 + usage.1],
            ]
            return Response(status: .ok, headers: [.contentType: "application/json"],
                            body: .init(byteBuffer: ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: reply))))
        }
        return Application(router: router)
    }

    static func app(port: Int, budget: String? = nil) throws -> TestApp {
        var overrides: [AbsoluteConfigKey: ConfigValue] = [
            "openai.base.url": .init(.string("http://127.0.0.1:\(port)/v1"), isSecret: false),
            "docuthinker.openai.model": .init(.string("local-model"), isSecret: false),
            "docuthinker.llm.prices": .init(.string("local-model=1/2"), isSecret: false),
        ]
        if let budget { overrides["docuthinker.llm.monthly.budget.usd"] = .init(.string(budget), isSecret: false) }
        return try TestApp(overrides: overrides)
    }

    /// Polls the caller's run until it is no longer running.
    static func finished(_ client: any TestClientProtocol, _ session: Session) async throws -> [String: Any] {
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            let job = try await client.execute(uri: "/v1/graph/llm-extraction", method: .get, headers: session.auth) { try JSON.object($0) }
            if job["state"] as? String != "running" { return job }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("the model's reading did not end within 60 s")
        return [:]
    }

    @Test func estimateThenReadMergeAndAccount() async throws {
        let calls = Calls()
        try await Self.provider(calls).test(.live) { llm in
            try await Self.app(port: try #require(llm.port)).test { client in
                let ada = try await client.register("ada@example.com")
                let bob = try await client.register("bob@example.com")
                let id = try #require(try JSON.object(try await client.upload(Data(Self.notes.utf8), filename: "notes.txt", session: ada))["id"] as? String)
                let text = Array(Self.notes.unicodeScalars)
                func quote(_ span: [String: Any]) -> String {
                    String(String.UnicodeScalarView(text[(span["start"] as! Int)..<(span["end"] as! Int)]))
                }
                try await client.execute(uri: "/v1/graph/llm-extraction", method: .get, headers: ada.auth) { response in
                    let object = try JSON.object(response)
                    #expect(object["state"] as? String == "idle")
                }

                // The estimate first: tokens, dollars at the configured price, the month's budget.
                let estimate = try await client.execute(uri: "/v1/graph/llm-extraction/estimate", method: .get, headers: ada.auth) { response in
                    #expect(response.status == .ok, "\(String(buffer: response.body))")
                    return try JSON.object(response)
                }
                #expect(estimate["provider"] as? String == "openai" && estimate["model"] as? String == "local-model")
                #expect(estimate["documents"] as? Int == 1 && estimate["chunks"] as? Int == 1 && estimate["documentsAlreadyRead"] as? Int == 0)
                let input = try #require(estimate["inputTokens"] as? Int), output = try #require(estimate["outputTokens"] as? Int)
                #expect(input > 250 && output > 40, "instructions and passage in, an answer out: \(input) / \(output)")
                #expect(abs((estimate["estimatedCostUSD"] as? Double ?? 0) - Double(input + 2 * output) / 1e6) < 2e-6)
                #expect(estimate["priceKnown"] as? Bool == true && estimate["fitsBudget"] as? Bool == true)
                let budget = try #require(estimate["budget"] as? [String: Any])
                #expect(budget["monthlyUSD"] as? Double == 5)
                #expect(abs((budget["spentUSD"] as? Double ?? 0) - 2 * (120 + 2 * 30) / 1e6) < 1e-9, "the upload's summary and key ideas")
                #expect(calls.graph == 0, "estimating calls no model")

                // Another user cannot estimate, start or see Ada's.
                try await client.execute(uri: "/v1/graph/llm-extraction/estimate?documentIds=\(id)", method: .get, headers: bob.auth) { response in
                    #expect(response.status == .notFound)
                }
                try await client.execute(uri: "/v1/graph/llm-extraction", method: .post, headers: bob.auth.merging(JSON.headers),
                                         body: JSON.body(["documentIds": [id]])) { response in
                    #expect(response.status == .notFound)
                }
                try await client.execute(uri: "/v1/graph/llm-extraction", method: .post, headers: ada.auth.merging(JSON.headers),
                                         body: JSON.body(["maxCostUSD": -1])) { response in
                    #expect(response.status == .unprocessableContent && JSON.errorCode(response) == "validation_failed")
                }

                try await client.execute(uri: "/v1/graph/llm-extraction", method: .post, headers: ada.auth) { response in
                    #expect(response.status == .accepted, "\(String(buffer: response.body))")
                    let job = try JSON.object(response)
                    #expect(job["chunksTotal"] as? Int == 1 && job["documentsTotal"] as? Int == 1)
                }
                let job = try await Self.finished(client, ada)
                #expect(job["state"] as? String == "succeeded", "\(job)")
                #expect(job["chunksDone"] as? Int == 1 && job["documentsDone"] as? Int == 1)
                #expect(job["inputTokens"] as? Int == 300 && job["outputTokens"] as? Int == 80, "the provider's counts")
                #expect(abs((job["costUSD"] as? Double ?? 0) - (300 + 2 * 80) / 1e6) < 1e-9)
                #expect(job["droppedEntities"] as? Int == 1, "Isaac Newton is not in the text")
                #expect(job["droppedMentions"] as? Int == 3, "Countess of Lovelace, Isaac Newton, Newton")
                #expect(job["droppedRelations"] as? Int == 1)
                try await client.execute(uri: "/v1/graph/llm-extraction", method: .get, headers: bob.auth) { response in
                    let object = try JSON.object(response)
                    #expect(object["state"] as? String == "idle", "Bob sees no run of Ada's")
                }

                // The model's names joined the document's graph, every mention quoting the text.
                let graph = try await client.execute(uri: "/v1/documents/\(id)/graph", method: .get, headers: ada.auth) { try JSON.object($0) }
                let nodes = try #require(graph["nodes"] as? [[String: Any]])
                let byName = Dictionary(nodes.map { ($0["name"] as! String, $0) }, uniquingKeysWith: { a, _ in a })
                #expect(byName["Isaac Newton"] == nil && byName["Newton"] == nil)
                let lovelace = try #require(byName["Ada Lovelace"], "\(byName.keys.sorted())")
                #expect(lovelace["type"] as? String == "person")
                let lovelaceQuotes = (lovelace["mentions"] as? [[String: Any]] ?? []).map(quote)
                #expect(Set(lovelaceQuotes) == ["Ada Lovelace", "Lovelace"], "\(lovelaceQuotes)")
                #expect(Set(lovelaceQuotes).count == lovelaceQuotes.count || lovelaceQuotes.count == 2, "one mention per place")
                let bernoulli = try #require(byName["Bernoulli numbers"], "the model's concept: \(byName.keys.sorted())")
                #expect((bernoulli["mentions"] as? [[String: Any]] ?? []).map(quote) == ["Bernoulli numbers"])
                for node in nodes {
                    for mention in node["mentions"] as? [[String: Any]] ?? [] {
                        #expect((node["aliases"] as? [String] ?? []).contains(quote(mention).split(whereSeparator: \.isWhitespace).joined(separator: " ")),
                                "\(node["name"] ?? "") mention quotes one of its aliases")
                    }
                }
                let edges = try #require(graph["edges"] as? [[String: Any]])
                let engineId = try #require(byName["Analytical Engine"]?["id"] as? String)
                #expect(edges.contains { $0["source"] as? String == lovelace["id"] as? String && $0["target"] as? String == engineId
                    && $0["label"] as? String == "wrote notes on" })

                // Read once: a second start reads nothing and calls no model.
                try await client.execute(uri: "/v1/graph/llm-extraction/estimate", method: .get, headers: ada.auth) { response in
                    let again = try JSON.object(response)
                    #expect(again["chunks"] as? Int == 0 && again["documentsAlreadyRead"] as? Int == 1)
                }
                try await client.execute(uri: "/v1/graph/llm-extraction", method: .post, headers: ada.auth.merging(JSON.headers),
                                         body: JSON.body([:])) { response in
                    #expect(response.status == .accepted)
                    let object = try JSON.object(response)
                    #expect(object["state"] as? String == "succeeded")
                }
                #expect(calls.graph == 1)
                try await client.execute(uri: "/v1/me/usage", method: .get, headers: ada.auth) { response in
                    let usage = try JSON.object(response)
                    #expect(usage["requests"] as? Int == 3, "summary, key ideas, one passage")
                    #expect(usage["inputTokens"] as? Int == 2 * 120 + 300)
                }
                // Deleting the document takes what the model found with it.
                try await client.execute(uri: "/v1/documents/\(id)", method: .delete, headers: ada.auth) { _ in }
                try await client.execute(uri: "/v1/graph/entities?q=bernoulli", method: .get, headers: ada.auth) { response in
                    let object = try JSON.object(response)
                    #expect((object["entities"] as? [Any])?.isEmpty == true)
                }
            }
        }
    }

    @Test func theBudgetAndARunsCap() async throws {
        let calls = Calls()
        try await Self.provider(calls).test(.live) { llm in
            // 5 × 10⁻⁴ USD a month: the upload's two analyses (3.6 × 10⁻⁴) leave less than one passage costs.
            try await Self.app(port: try #require(llm.port), budget: "0.0005").test { client in
                let ada = try await client.register("ada@example.com")
                _ = try await client.upload(Data(Self.notes.utf8), filename: "notes.txt", session: ada)
                try await client.execute(uri: "/v1/graph/llm-extraction/estimate", method: .get, headers: ada.auth) { response in
                    let estimate = try JSON.object(response)
                    #expect(estimate["fitsBudget"] as? Bool == false)
                    #expect(abs(((estimate["budget"] as? [String: Any])?["remainingUSD"] as? Double ?? 0) - 0.00014) < 1e-9)
                }
                try await client.execute(uri: "/v1/graph/llm-extraction", method: .post, headers: ada.auth) { response in
                    #expect(response.status == .unprocessableContent)
                    #expect(JSON.errorCode(response) == "budget_exceeded")
                    #expect(String(buffer: response.body).contains("maxCostUSD"), "it says how to go ahead anyway")
                }
                // With a cap of their own, a run goes as far as the budget allows: here not one passage.
                try await client.execute(uri: "/v1/graph/llm-extraction", method: .post, headers: ada.auth.merging(JSON.headers),
                                         body: JSON.body(["maxCostUSD": 1])) { response in
                    #expect(response.status == .accepted)
                }
                let job = try await Self.finished(client, ada)
                #expect(job["state"] as? String == "budget_reached", "\(job)")
                #expect(job["chunksDone"] as? Int == 0 && abs((job["capUSD"] as? Double ?? 0) - 0.00014) < 1e-9)
                #expect(calls.graph == 0, "no call past the cap")
            }
        }
    }

    @Test func stopAndResume() async throws {
        let calls = Calls()
        let paragraph = "The committee met SLOWLY in Geneva with Ada Lovelace and Charles Babbage to review the engine designs and the printed notes. "
        let long = (0..<60).map { _ in paragraph }.joined(separator: "\n\n")
        try await Self.provider(calls).test(.live) { llm in
            try await Self.app(port: try #require(llm.port)).test { client in
                let ada = try await client.register("ada@example.com")
                _ = try await client.upload(Data(long.utf8), filename: "long.txt", session: ada)
                let total = try await client.execute(uri: "/v1/graph/llm-extraction", method: .post, headers: ada.auth) { response in
                    #expect(response.status == .accepted)
                    return try #require(try JSON.object(response)["chunksTotal"] as? Int)
                }
                #expect(total > 8, "several batches of four: \(total)")
                try await client.execute(uri: "/v1/graph/llm-extraction", method: .post, headers: ada.auth) { response in
                    #expect(response.status == .conflict && JSON.errorCode(response) == "extraction_running")
                }
                // Stop once the first batch is in.
                let deadline = ContinuousClock.now + .seconds(30)
                while ContinuousClock.now < deadline {
                    let job = try await client.execute(uri: "/v1/graph/llm-extraction", method: .get, headers: ada.auth) { try JSON.object($0) }
                    if (job["chunksDone"] as? Int ?? 0) > 0 { break }
                    try await Task.sleep(for: .milliseconds(50))
                }
                let stopped = try await client.execute(uri: "/v1/graph/llm-extraction", method: .delete, headers: ada.auth) { try JSON.object($0) }
                #expect(stopped["state"] as? String == "cancelled", "\(stopped)")
                let done = try #require(stopped["chunksDone"] as? Int)
                #expect(done > 0 && done < total)
                // What was read is kept: the next estimate covers only the rest, and the graph already has the names.
                try await client.execute(uri: "/v1/graph/llm-extraction/estimate", method: .get, headers: ada.auth) { response in
                    let object = try JSON.object(response)
                    #expect(object["chunks"] as? Int == total - done)
                }
                try await client.execute(uri: "/v1/graph/entities?q=analytical", method: .get, headers: ada.auth) { response in
                    let object = try JSON.object(response)
                    #expect((object["entities"] as? [Any])?.isEmpty == true, "the model's names must be in a passage")
                }
                try await client.execute(uri: "/v1/graph/entities?q=lovelace", method: .get, headers: ada.auth) { response in
                    let found = try JSON.object(response)["entities"] as? [[String: Any]] ?? []
                    #expect(found.first?["type"] as? String == "person")
                }
            }
        }
    }

    /// The deployment's shape: only the `ai` process has the model; the `api` forwards the
    /// estimate, the start and the progress, and the AI side's refusals reach the user unchanged.
    @Test func acrossTheAPIAndAIServices() async throws {
        let calls = Calls()
        try await Self.provider(calls).test(.live) { llm in
            let stack = try TwoProcessStack()
            stack.aiEnvironment = ["OPENAI_BASE_URL": "http://127.0.0.1:\(try #require(llm.port))/v1", "DOCUTHINKER_OPENAI_MODEL": "local-model",
                                   "DOCUTHINKER_LLM_PRICES": "local-model=1/2"]
            defer { stack.stop() }
            try await stack.start()
            let api = stack.apiClient
            let ada = try await api.signUp("ada@example.com"), bob = try await api.signUp("bob@example.com")
            let id = try #require(try await api.upload(Data(Self.notes.utf8), filename: "notes.txt", token: ada.token).object["id"] as? String)
            try await api.waitForGraph(id, token: ada.token)
            let estimate = try await api.send(.get, "/v1/graph/llm-extraction/estimate", token: ada.token)
            let estimated = try estimate.object["chunks"] as? Int
            #expect(estimate.status == .ok && estimated == 1, "\(String(buffer: estimate.body))")
            #expect(try await api.send(.get, "/v1/graph/llm-extraction/estimate?documentIds=\(id)", token: bob.token).status == .notFound)
            let started = try await api.send(.post, "/v1/graph/llm-extraction", token: ada.token, json: ["maxCostUSD": 0.5])
            #expect(started.status == .accepted, "\(String(buffer: started.body))")
            #expect(try await api.send(.post, "/v1/graph/llm-extraction", token: ada.token, json: ["maxCostUSD": "lots"]).status == .unprocessableContent)
            var state = "running"
            for _ in 0..<600 where state == "running" {
                state = try await api.send(.get, "/v1/graph/llm-extraction", token: ada.token).object["state"] as? String ?? "?"
                if state == "running" { try await Task.sleep(for: .milliseconds(50)) }
            }
            #expect(state == "succeeded")
            #expect(calls.graph == 1)
            let nodes = try await api.send(.get, "/v1/documents/\(id)/graph", token: ada.token).object["nodes"] as? [[String: Any]] ?? []
            #expect(nodes.contains { $0["name"] as? String == "Bernoulli numbers" }, "the model's names, read through the api")
            #expect(try await api.send(.get, "/v1/graph/llm-extraction", token: bob.token).object["state"] as? String == "idle")
        }
    }

    @Test func withoutAModelItSaysWhatToConfigure() async throws {
        try await TestApp().test { client in
            let ada = try await client.register("ada@example.com")
            try await client.execute(uri: "/v1/graph/llm-extraction/estimate", method: .get, headers: ada.auth) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(JSON.errorCode(response) == "llm_unavailable")
                #expect(String(buffer: response.body).contains("OPENAI_API_KEY"))
            }
            try await client.execute(uri: "/v1/graph/llm-extraction", method: .get, headers: ada.auth) { response in
                let object = try JSON.object(response)
                #expect(object["state"] as? String == "idle")
            }
            try await client.execute(uri: "/v1/graph/llm-extraction", method: .get) { response in
                #expect(response.status == .unauthorized)
            }
        }
    }
}
