@testable import APIService
import Configuration
import LLM
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// The API with an OpenAI-compatible provider configured (a local server speaking the protocol).
@Suite("Analyses with an LLM provider")
struct LLMRouteTests {
    /// Answers every chat completion with a French summary citing sources 1 and 2.
    func provider() -> some ApplicationProtocol {
        let router = Router()
        router.post("v1/chat/completions") { request, _ -> Response in
            let body = String(buffer: try await request.body.collect(upTo: 1 << 22))
            if body.contains("\"stream\":true") {
                // Chat answers are streamed: plain prose citing [S1] and an invented [S99].
                var chunks = ["He measured", " 3.14 litres of water", " [S1] [S99]", "."].map { token in
                    "data: {\"choices\": [{\"index\": 0, \"delta\": {\"content\": \"\(token)\"}}]}\n\n"
                }
                // Asked for usage (`stream_options.include_usage`), the server closes with it.
                if body.contains("\"include_usage\":true") {
                    chunks.append("data: {\"choices\": [], \"usage\": {\"prompt_tokens\": 200, \"completion_tokens\": 40, \"total_tokens\": 240}}\n\n")
                }
                return Response(status: .ok, headers: [.contentType: "text/event-stream"],
                                body: .init(byteBuffer: ByteBuffer(string: chunks.joined() + "data: [DONE]\n\n")))
            }
            let content = #"{"items": [{"text": "Le Dr Smith a mesuré 3,14 litres d'eau.", "sources": [1, 2]}], "score": 0.1, "label": "neutral", "description": "Neutre."}"#
            let reply: [String: Any] = [
                "id": "chatcmpl-1", "object": "chat.completion", "model": "local-model",
                "choices": [["index": 0, "message": ["role": "assistant", "content": content], "finish_reason": "stop"]],
                "usage": ["prompt_tokens": 120, "completion_tokens": 30, "total_tokens": 150],
            ]
            return Response(status: .ok, headers: [.contentType: "application/json"],
                            body: .init(byteBuffer: ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: reply))))
        }
        return Application(router: router)
    }

    @Test func translationWorksCitesAndIsAccounted() async throws {
        try await provider().test(.live) { llm in
            let port = try #require(llm.port)
            let app = try TestApp(overrides: [
                "openai.base.url": .init(.string("http://127.0.0.1:\(port)/v1"), isSecret: false),
                "docuthinker.openai.model": .init(.string("local-model"), isSecret: false),
                "docuthinker.llm.prices": .init(.string("local-model=1/2"), isSecret: false),
            ])
            try await app.test { client in
                try await client.execute(uri: "/health/ready", method: .get) { response in
                    let object = try JSON.object(response)
                    #expect(object["llmProviders"] as? [String] == ["openai"])
                }
                let session = try await client.register("ada@example.com")
                let id = try #require(try JSON.object(try await client.uploadFixture("sample.pdf", session: session))["id"] as? String)
                let text: [Unicode.Scalar] = try await client.execute(uri: "/v1/documents/\(id)/text", method: .get, headers: session.auth) { response in
                    Array(try #require(try JSON.object(response)["text"] as? String).unicodeScalars)
                }
                try await client.execute(uri: "/v1/documents/\(id)/analyses/summary-in-language?language=French", method: .get, headers: session.auth) { response in
                    #expect(response.status == .ok, "\(String(buffer: response.body))")
                    let object = try JSON.object(response)
                    #expect(object["engine"] as? String == "llm")
                    #expect((object["summary"] as? String)?.contains("3,14 litres") == true)
                    let citations = (object["items"] as? [[String: Any]])?.first?["citations"] as? [[String: Any]] ?? []
                    #expect(citations.count == 2)
                    for citation in citations {
                        let start = try #require(citation["start"] as? Int), end = try #require(citation["end"] as? Int)
                        var view = String.UnicodeScalarView()
                        view.append(contentsOf: text[start..<end])
                        #expect(String(view) == citation["quote"] as? String)
                    }
                }
                // With a model configured, a missing style is the caller's mistake.
                try await client.execute(uri: "/content-rewriting", method: .post, headers: session.auth.merging(JSON.headers),
                                         body: JSON.body(["documentText": "The meeting is at noon."])) { response in
                    #expect(response.status == .badRequest)
                    #expect(JSON.errorCode(response) == "validation_failed")
                }
                try await client.execute(uri: "/content-rewriting", method: .post, headers: session.auth.merging(JSON.headers),
                                         body: JSON.body(["documentText": "The meeting is at noon. Bring the report.", "style": "formal"])) { response in
                    #expect(response.status == .ok)
                    let object = try JSON.object(response)
                    #expect(object["rewrittenContent"] is String)
                }
                let chat: String = try await client.execute(uri: "/v1/chats", method: .post, headers: session.auth) { response in
                    try #require(try JSON.object(response)["id"] as? String)
                }
                try await client.execute(uri: "/v1/chats/\(chat)/messages", method: .post, headers: session.auth.merging(JSON.headers),
                                         body: JSON.body(["content": "How much water did Dr. Smith measure?"])) { response in
                    let object = try JSON.object(response)
                    #expect(object["answer"] as? String == "He measured 3.14 litres of water.")
                    #expect(object["engine"] as? String == "llm")
                    #expect(object["found"] as? Bool == true)
                    let citations = object["citations"] as? [[String: Any]] ?? []
                    #expect(citations.count == 1, "the invented source 99 is dropped")
                    for citation in citations {
                        let start = try #require(citation["start"] as? Int), end = try #require(citation["end"] as? Int)
                        var view = String.UnicodeScalarView()
                        view.append(contentsOf: text[start..<end])
                        #expect(String(view) == citation["quote"] as? String)
                    }
                }
                try await client.execute(uri: "/v1/me/usage", method: .get, headers: session.auth) { response in
                    let object = try JSON.object(response)
                    // Upload-time summary and key ideas + translation + rewrite + one chat answer: 5 model
                    // calls; the four completions report 120/30 tokens, the streamed chat 200/40 in its last chunk.
                    #expect(object["requests"] as? Int == 5)
                    let input = try #require(object["inputTokens"] as? Int), output = try #require(object["outputTokens"] as? Int)
                    #expect(input == 4 * 120 + 200 && output == 4 * 30 + 40, "the provider's counts, not estimates: \(input) / \(output)")
                    #expect(abs((object["estimatedCostUSD"] as? Double ?? 0) - Double(input * 1 + output * 2) / 1e6) < 1e-9)
                    #expect(!String(buffer: response.body).contains("127.0.0.1"))
                }
            }
        }
    }
}

/// Deployment guides create provider secrets as `CHANGE-ME`; those must not become providers.
@Suite("LLM configuration placeholders")
struct LLMPlaceholderTests {
    @Test func placeholderKeysAreUnsetAndNamed() {
        let values: [AbsoluteConfigKey: ConfigValue] = [
            "openai.api.key": .init(.string("CHANGE-ME"), isSecret: true),
            "anthropic.api.key": .init(.string("<your Anthropic key>"), isSecret: true),
            "google.api.key": .init(.string("AIzaSyRealLookingKey0123456789"), isSecret: true),
            "docuthinker.bedrock.model": .init(.string(""), isSecret: false),
        ]
        let llm = LLMConfiguration(reader: ConfigReader(provider: InMemoryProvider(values: values)),
                                   environment: ["GOOGLE_AI_API_KEY1": "xxxxxxxx", "GOOGLE_AI_API_KEY2": "AIzaSySecondRealKey"])
        #expect(llm.openAIKey == nil && llm.anthropicKey == nil && llm.bedrockModel == nil)
        #expect(llm.geminiKeys == ["AIzaSyRealLookingKey0123456789", "AIzaSySecondRealKey"])
        #expect(llm.placeholderVariables == ["OPENAI_API_KEY", "ANTHROPIC_API_KEY", "GOOGLE_AI_API_KEY1"])
        #expect(llm.providers().map(\.name) == ["gemini"], "only the real key makes a provider")
        for placeholder in ["changeme", "Replace_Me", "TODO", "${OPENAI_API_KEY}", "your-api-key"] {
            #expect(LLMConfiguration.isPlaceholder(placeholder), "\(placeholder)")
        }
        for key in ["sk-proj-abc123", "sk-ant-api03-xyz", "AKIAEXAMPLE"] { #expect(!LLMConfiguration.isPlaceholder(key), "\(key)") }
    }
}
