import Analysis
import DocuThinkerCore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LLM
import NIOCore
import Testing
import TextProcessing

/// The LLM engine against a local OpenAI-compatible server whose answers are chosen by the test.
@Suite("LLM analysis engine")
struct LLMEngineTests {
    actor Script {
        var answers: [String]
        var prompts: [String] = []
        init(_ answers: [String]) { self.answers = answers }
        func next(prompt: String) -> String {
            prompts.append(prompt)
            return answers.isEmpty ? "{}" : answers.removeFirst()
        }
    }

    /// An OpenAI-compatible server answering with the scripted message contents in turn.
    func server(_ script: Script) -> some ApplicationProtocol {
        let router = Router()
        router.post("v1/chat/completions") { request, _ -> Response in
            let body = String(buffer: try await request.body.collect(upTo: 1 << 22))
            let content = await script.next(prompt: body)
            let reply: [String: Any] = [
                "id": "chatcmpl-1", "object": "chat.completion", "model": "local-test",
                "choices": [["index": 0, "message": ["role": "assistant", "content": content], "finish_reason": "stop"]],
                "usage": ["prompt_tokens": 100, "completion_tokens": 20, "total_tokens": 120],
            ]
            return Response(status: .ok, headers: [.contentType: "application/json"],
                            body: .init(byteBuffer: ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: reply))))
        }
        return Application(router: router)
    }

    func engine(port: Int) -> LLMAnalysisEngine {
        LLMAnalysisEngine(router: LLMRouter(providers: [OpenAICompatibleProvider(baseURL: "http://127.0.0.1:\(port)/v1", apiKey: nil, model: "local-test")]))
    }

    @Test func itemsAreMappedToSourceSpansAndInventedSourcesDropped() async throws {
        let script = Script([#"{"items": [{"text": "Lead fell after the filters were replaced.", "sources": [2, 3]}, {"text": "Costs rose.", "sources": [99]}]}"#])
        try await server(script).test(.live) { client in
            let document = Texts.document()
            let result = try await engine(port: try #require(client.port)).summary(of: document, sentences: 2)
            #expect(result.engine == "llm" && result.items.count == 2)
            #expect(result.items[0].citations.map(\.quote) == [document.sentences[1].text, document.sentences[2].text])
            #expect(Texts.checkCitations(AnalysisResult(kind: .summary, engine: "llm", engineVersion: "1", documentId: document.id,
                                                        items: [result.items[0]], parameters: ""), in: document))
            #expect(result.items[1].citations.isEmpty)
            #expect(result.notes.contains { $0.contains("1 cited source number(s) did not exist") })
            #expect(result.usage == AnalysisUsage(provider: "openai", model: "local-test", inputTokens: 100, outputTokens: 20))
            let prompt = await script.prompts.first ?? ""
            #expect(prompt.contains("[S1] \(document.sentences[0].text)"), "sources are numbered in the prompt")
        }
    }

    @Test func malformedJSONIsRepairedOnce() async throws {
        let script = Script(["Sure! Here is the summary: items...", #"```json\n{"items": [{"text": "Bonjour.", "sources": [1]}]}\n```"#])
        try await server(script).test(.live) { client in
            let result = try await engine(port: try #require(client.port)).summaryInLanguage(of: Texts.document(), language: "French")
            #expect(result.summary == "Bonjour.")
            #expect(result.usage?.inputTokens == 200, "both calls counted")
            #expect(await script.prompts.count == 2)
            #expect(await script.prompts.last?.contains("not a valid JSON object") == true)
        }
    }

    @Test func sentimentAsJSONAndFallbackWhenNoProviderAnswers() async throws {
        let script = Script([#"{"score": 0.4, "label": "positive", "description": "Cautiously hopeful.", "items": [{"text": "Lead levels fell.", "sources": [3]}]}"#])
        try await server(script).test(.live) { client in
            let result = try await engine(port: try #require(client.port)).sentiment(of: Texts.document())
            #expect(result.sentiment?.score == 0.4 && result.sentiment?.label == "positive")
        }
        // Nothing listens here: summaries fall back to the offline engine, translation cannot.
        let dead = LLMAnalysisEngine(router: LLMRouter(providers: [OpenAICompatibleProvider(baseURL: "http://127.0.0.1:9/v1", apiKey: nil, model: "m")], retries: 0))
        let summary = try await dead.summary(of: Texts.document(), sentences: 3)
        #expect(summary.engine == "offline" && summary.notes.contains { $0.contains("No LLM provider answered") })
        await #expect(throws: AnalysisError.self) { try await dead.rewrite(Texts.document(), style: "formal") }
    }

    @Test func longDocumentsAreMappedThenReduced() async throws {
        let map = #"{"items": [{"text": "Part point A.", "sources": [1, 2]}, {"text": "Part point B.", "sources": [3]}]}"#
        let reduce = #"{"items": [{"text": "Overall point.", "sources": [1, 4]}, {"text": "Invented.", "sources": [42]}]}"#
        let script = Script([map, map, map, reduce])
        try await server(script).test(.live) { client in
            let document = Texts.document()
            let engine = LLMAnalysisEngine(
                router: LLMRouter(providers: [OpenAICompatibleProvider(baseURL: "http://127.0.0.1:\(try #require(client.port))/v1", apiKey: nil, model: "m")]),
                maxSources: 5, maxMapCalls: 3)
            let result = try await engine.summary(of: document, sentences: 3)
            #expect(await script.prompts.count == 4, "3 map calls over 15 salient sentences, then 1 reduce")
            #expect(result.items.first?.text == "Overall point.")
            // Reduce sources 1 and 4 are map items (A of section 1, B of section 2): their citations are united.
            #expect(result.items.first?.citations.count == 3)
            #expect(Texts.checkCitations(AnalysisResult(kind: .summary, engine: "llm", engineVersion: "1", documentId: document.id,
                                                        items: [result.items[0]], parameters: ""), in: document))
            #expect(result.notes.contains { $0.contains("Long document") })
            #expect(result.notes.contains { $0.contains("did not exist") })
            #expect(result.usage?.inputTokens == 400)
        }
    }
}
