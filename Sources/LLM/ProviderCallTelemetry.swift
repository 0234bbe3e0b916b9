import DocuThinkerCore
import Tracing

/// Each call to an LLM provider as a client span and as metrics. The span follows the GenAI
/// semantic conventions: the provider, the model, the token limit and the tokens used. It never
/// carries the prompt or the answer. Provider HTTP clients send `traceparent` from this span.
enum ProviderCallTelemetry {
    /// Runs one completion of `provider` inside its span, and records its latency, outcome and tokens.
    static func complete(_ provider: any LLMProvider, _ request: LLMRequest) async throws -> LLMResponse {
        try await withSpan("chat \(provider.model)", ofKind: .client) { span in
            describe(span, provider: provider, request: request, streaming: false)
            let started = ContinuousClock.now
            do {
                let response = try await provider.complete(request)
                finish(span, provider: provider, outcome: nil, usage: response.usage, started: started)
                return response
            } catch {
                finish(span, provider: provider, outcome: (error as? LLMError)?.code.rawValue ?? "error", usage: nil, started: started)
                throw error
            }
        }
    }

    /// Runs `relay` (one provider's stream, passed on) inside its span; `result` reads its outcome
    /// (nil: finished) and the tokens reported.
    static func stream<Value: Sendable>(_ provider: any LLMProvider, _ request: LLMRequest,
                                        result: (Value) -> (outcome: String?, usage: LLMUsage?),
                                        _ relay: () async -> Value) async -> Value {
        await withSpan("chat \(provider.model)", ofKind: .client) { span in
            describe(span, provider: provider, request: request, streaming: true)
            let started = ContinuousClock.now
            let value = await relay()
            let (outcome, usage) = result(value)
            finish(span, provider: provider, outcome: outcome, usage: usage, started: started)
            return value
        }
    }

    private static func describe(_ span: any Span, provider: any LLMProvider, request: LLMRequest, streaming: Bool) {
        span.attributes["gen_ai.operation.name"] = "chat"
        span.attributes["gen_ai.system"] = provider.name
        span.attributes["gen_ai.request.model"] = provider.model
        span.attributes["gen_ai.request.max_tokens"] = request.maxTokens
        span.attributes["docuthinker.llm.streaming"] = streaming
    }

    /// `outcome`: nil when the call answered, else its error code.
    private static func finish(_ span: any Span, provider: any LLMProvider, outcome: String?, usage: LLMUsage?, started: ContinuousClock.Instant) {
        if let usage {
            span.attributes["gen_ai.usage.input_tokens"] = usage.inputTokens
            span.attributes["gen_ai.usage.output_tokens"] = usage.outputTokens
        }
        if let outcome {
            span.attributes["error.type"] = outcome
            // A client that went away is not a provider failure.
            if outcome != "cancelled" { span.setStatus(.init(code: .error)) }
        }
        ProductMetrics.providerCall(provider: provider.name, model: provider.model, outcome: outcome ?? "ok",
                                    duration: .now - started, usage: usage.map { ($0.inputTokens, $0.outputTokens) })
    }
}
