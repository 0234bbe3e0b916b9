import AWSSupport
import Foundation
import HummingbirdTesting
import LLM
import NIOCore
import Testing
import WireFormats

@Suite("LLM provider contracts against a local server replaying documented bodies")
struct ProviderContractTests {
    let request = LLMRequest(system: "Be brief.", messages: [.init(role: .user, content: "Say hello")], maxTokens: 50)

    private func withServer(_ body: @Sendable (String, Calls) async throws -> Void) async throws {
        let calls = Calls()
        try await fakeProviderServer(calls: calls).test(.live) { client in
            try await body("http://127.0.0.1:\(try #require(client.port))", calls)
        }
    }

    private func code(_ work: () async throws -> Void) async -> LLMError.Code? {
        do { try await work(); return nil } catch let error as LLMError { return error.code } catch { return nil }
    }

    @Test func openAICompatible() async throws {
        try await withServer { base, calls in
            let ok = OpenAICompatibleProvider(baseURL: base + "/v1", apiKey: "sk-test", model: "gpt-4o-mini")
            let response = try await ok.complete(request)
            #expect(response.text == "This is a test!")
            #expect(response.usage == LLMUsage(inputTokens: 13, outputTokens: 7))
            #expect(await calls.lastHeaders["authorization"] == "Bearer sk-test")
            let sent = await calls.lastBody["openai:gpt-4o-mini"] ?? ""
            #expect(sent.contains("\"role\":\"system\"") && sent.contains("Be brief."))
            var json = request
            json.json = true
            _ = try await ok.complete(json)
            #expect((await calls.lastBody["openai:gpt-4o-mini"] ?? "").contains("json_object"))
            let streamed = try await collect(OpenAICompatibleProvider(baseURL: base + "/v1", apiKey: nil, model: "stream").stream(request))
            #expect(streamed.text == "Hello world")
            #expect(streamed.usage == LLMUsage(inputTokens: 9, outputTokens: 2), "from the closing usage chunk")
            #expect((await calls.lastBody["openai:stream"] ?? "").contains("include_usage"))
            for (model, expected) in [("401", LLMError.Code.unauthorized), ("quota", .quotaExceeded), ("429", .rateLimited),
                                      ("500", .server), ("malformed", .malformed)] {
                let provider = OpenAICompatibleProvider(baseURL: base + "/v1", apiKey: "k", model: model)
                #expect(await code { _ = try await provider.complete(request) } == expected, "\(model)")
            }
            let slow = OpenAICompatibleProvider(baseURL: base + "/v1", apiKey: "k", model: "slow", timeout: .seconds(1))
            #expect(await code { _ = try await slow.complete(request) } == .timeout)
        }
    }

    @Test func anthropicMessages() async throws {
        try await withServer { base, calls in
            let provider = AnthropicProvider(baseURL: base, apiKey: "sk-ant", model: "claude-3-5-sonnet-20241022")
            let response = try await provider.complete(request)
            #expect(response.text == "Hello!" && response.usage == LLMUsage(inputTokens: 12, outputTokens: 6))
            #expect(await calls.lastHeaders["x-api-key"] == "sk-ant")
            #expect(await calls.lastHeaders["anthropic-version"] == "2023-06-01")
            #expect((await calls.lastBody["anthropic:claude-3-5-sonnet-20241022"] ?? "").contains("\"system\":\"Be brief.\""))
            let streamed = try await collect(AnthropicProvider(baseURL: base, apiKey: "k", model: "stream").stream(request))
            #expect(streamed.text == "Hello there")
            #expect(streamed.usage == LLMUsage(inputTokens: 25, outputTokens: 15), "input from message_start, output from message_delta")
            #expect(await code { _ = try await AnthropicProvider(baseURL: base, apiKey: "k", model: "401").complete(request) } == .unauthorized)
            #expect(await code { _ = try await AnthropicProvider(baseURL: base, apiKey: "k", model: "529").complete(request) } == .server)
        }
    }

    @Test func geminiRotatesKeysAndCoolsThemDown() async throws {
        try await withServer { base, calls in
            let provider = GeminiProvider(baseURL: base, keys: ["exhausted", "bad", "good"], model: "gemini-1.5-pro")
            for _ in 0..<3 {
                let response = try await provider.complete(request)
                #expect(response.text == "Hello from Gemini")
                #expect(response.usage == LLMUsage(inputTokens: 4, outputTokens: 3))
            }
            // The exhausted and rejected keys were each tried once, then cooled down / benched.
            #expect(await calls.count["gemini:exhausted"] == 1)
            #expect(await calls.count["gemini:bad"] == 1)
            #expect(await calls.count["gemini:good"] == 3)
            #expect(await calls.count["gemini:models"] == 1, "model list cached")
            let fallback = GeminiProvider(baseURL: base, keys: ["good"], model: "gemini-9-ultra", fallbackModel: "gemini-1.5-flash")
            #expect(try await fallback.complete(request).model == "gemini-1.5-flash")
            let none = GeminiProvider(baseURL: base, keys: ["exhausted"], model: "gemini-1.5-pro", cooldown: .seconds(60))
            #expect(await code { _ = try await none.complete(request) } == .quotaExceeded)
            #expect(await code { _ = try await none.complete(request) } == .unavailable, "the only key is cooling down")
            let streamed = try await collect(GeminiProvider(baseURL: base, keys: ["good"], model: "gemini-1.5-pro").stream(request))
            #expect(streamed.text == "Hello from GeminiHello from Gemini")
            #expect(streamed.usage == LLMUsage(inputTokens: 4, outputTokens: 3))
        }
    }

    /// The router ends a stream with the provider that wrote it and that provider's usage; a
    /// provider that failed before any text is passed over and its usage never counted.
    @Test func routerStreamsEndWithTheWritersUsage() async throws {
        try await withServer { base, _ in
            let broken = OpenAICompatibleProvider(baseURL: base + "/v1", apiKey: "k", model: "500")
            let streaming = AnthropicProvider(baseURL: base, apiKey: "k", model: "stream")
            var text = "", end: LLMStreamPart?
            for try await part in LLMRouter(providers: [broken, streaming], retries: 1).stream(request) {
                switch part {
                case .text(let delta): text += delta
                case .end: end = part
                }
            }
            #expect(text == "Hello there")
            #expect(end == .end(provider: "anthropic", model: "stream", usage: LLMUsage(inputTokens: 25, outputTokens: 15)))
        }
    }

    @Test func routerRetriesBreaksAndFallsBack() async throws {
        try await withServer { base, calls in
            // Transient 502s are retried on the same provider.
            let flaky = OpenAICompatibleProvider(baseURL: base + "/v1", apiKey: "k", model: "flaky")
            let retrying = LLMRouter(providers: [flaky], retries: 3, backoff: .milliseconds(10))
            let retried = try await retrying.complete(request).text
            #expect(retried == "This is a test!")
            #expect(await calls.count["openai:flaky"] == 3, "two 502s, then success")
            // A failing first provider falls back to the next; its breaker opens after 2 failures
            // and stays open (the half-open path is tested on the breaker itself, without timing).
            let broken = OpenAICompatibleProvider(baseURL: base + "/v1", apiKey: "k", model: "500")
            let backup = AnthropicProvider(baseURL: base, apiKey: "k", model: "claude")
            let router = LLMRouter(providers: [broken, backup], retries: 1, backoff: .milliseconds(5),
                                   failureThreshold: 2, openDuration: .seconds(600))
            for _ in 0..<3 {
                let answeredBy = try await router.complete(request).provider
                #expect(answeredBy == "anthropic")
            }
            #expect(await calls.count["openai:500"] == 4, "two calls (one retry) on each of the first two requests, none once open")
            #expect(await router.states()["openai"] == "open")
            // Unauthorized is not retried; with nobody left, the router says llm_unavailable.
            let unauthorized = LLMRouter(providers: [OpenAICompatibleProvider(baseURL: base + "/v1", apiKey: "k", model: "401")], retries: 3)
            #expect(await code { _ = try await unauthorized.complete(request) } == .unavailable)
            #expect(await calls.count["openai:401"] == 1)
        }
    }
}

@Suite("Bedrock Converse with SigV4 and task-role credentials")
struct BedrockTests {
    @Test func converseWithEnvironmentAndTaskRoleCredentials() async throws {
        let calls = Calls()
        try await fakeBedrockServer(calls: calls).test(.live) { client in
            let base = "http://127.0.0.1:\(try #require(client.port))"
            let request = LLMRequest(system: "Be brief.", messages: [.init(role: .user, content: "Hi")])
            let fromEnvironment = AWSCredentialsProvider(environment: ["AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret"])
            let provider = BedrockProvider(region: "us-east-1", model: "anthropic.claude-3-haiku", credentials: fromEnvironment, endpoint: base)
            let response = try await provider.complete(request)
            #expect(response.text == "Hello from Bedrock" && response.usage == LLMUsage(inputTokens: 9, outputTokens: 4))
            #expect(await calls.lastHeaders["authorization"]?.contains("Credential=AKIDEXAMPLE/") == true)
            // A generous timeout: under the parallel suite on 2 cores the local endpoint once took over 5 s to answer.
            let taskRole = AWSCredentialsProvider(environment: ["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/credentials/abc"], endpointBase: base,
                                                  timeout: .seconds(60))
            _ = try await BedrockProvider(region: "us-east-1", model: "m", credentials: taskRole, endpoint: base).complete(request)
            _ = try await BedrockProvider(region: "us-east-1", model: "m", credentials: taskRole, endpoint: base).complete(request)
            #expect(await calls.lastHeaders["authorization"]?.contains("Credential=ASIAEXAMPLE/") == true)
            #expect(await calls.lastHeaders["x-amz-security-token"] == "session-token")
            #expect(await calls.count["ecs-credentials"] == 1, "task-role credentials are cached until near expiry")
            await #expect(throws: AWSCredentialsError.self) {
                _ = try await AWSCredentialsProvider(environment: [:]).credentials()
            }
        }
    }
}

@Suite("AWS event-stream decoding and the breaker's recovery")
struct EventStreamAndBreakerTests {
    @Test func crc32KnownValue() {
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
    }

    @Test func decoderSplitsFramesAcrossChunksAndRejectsCorruption() throws {
        let frames = EventStreamFrames.delta("a") + EventStreamFrames.delta("b")
        var decoder = EventStreamDecoder()
        var messages: [EventStreamDecoder.Message] = []
        for byte in frames { messages += try decoder.feed(Data([byte])) }
        #expect(messages.count == 2)
        #expect(messages.allSatisfy { $0.headers[":event-type"] == "contentBlockDelta" })
        var corrupt = EventStreamFrames.delta("x")
        corrupt[corrupt.count - 10] ^= 0xFF
        var fresh = EventStreamDecoder()
        #expect(throws: EventStreamError.self) { _ = try fresh.feed(corrupt) }
    }

    @Test func bedrockConverseStream() async throws {
        try await fakeBedrockStreamServer().test(.live) { client in
            let provider = BedrockProvider(region: "us-east-1", model: "m",
                                           credentials: AWSCredentialsProvider(environment: ["AWS_ACCESS_KEY_ID": "A", "AWS_SECRET_ACCESS_KEY": "S"]),
                                           endpoint: "http://127.0.0.1:\(try #require(client.port))")
            let streamed = try await collect(provider.stream(LLMRequest(messages: [.init(role: .user, content: "Hi")])))
            #expect(streamed.text == "Hello from the stream")
            #expect(streamed.usage == LLMUsage(inputTokens: 11, outputTokens: 5), "from the metadata event")
        }
    }

    @Test func halfOpenSuccessClosesTheBreaker() async throws {
        let breaker = CircuitBreaker(threshold: 2, openDuration: .seconds(2))
        await breaker.recordFailure()
        #expect(await breaker.state == .closed)
        await breaker.recordFailure()
        #expect(await breaker.state == .open)
        #expect(await breaker.allowsRequest() == false)
        try await Task.sleep(for: .milliseconds(2_100))
        #expect(await breaker.allowsRequest() == true)
        #expect(await breaker.state == .halfOpen)
        #expect(await breaker.allowsRequest() == false, "only one trial while half-open")
        await breaker.recordSuccess()
        #expect(await breaker.state == .closed)
        #expect(await breaker.allowsRequest() == true)
    }
}

/// A provider stream's text joined and its usage as the router would keep it.
func collect(_ deltas: AsyncThrowingStream<LLMDelta, any Error>) async throws -> (text: String, usage: LLMUsage?) {
    var text = "", usage: LLMUsage?
    for try await delta in deltas {
        switch delta {
        case .text(let part): text += part
        case .usage(let reported): if usage == nil { usage = reported } else { usage?.update(with: reported) }
        }
    }
    return (text, usage)
}
