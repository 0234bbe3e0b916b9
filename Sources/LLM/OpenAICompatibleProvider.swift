import AsyncHTTPClient
import Foundation
import NIOCore

/// OpenAI Chat Completions and every server speaking it (Ollama, vLLM, llama.cpp, LM Studio):
/// `POST {baseURL}/chat/completions`, bearer key optional for local servers.
public struct OpenAICompatibleProvider: LLMProvider {
    public let name = "openai"
    public let model: String
    let baseURL: String
    let apiKey: String?
    let transport: HTTPTransport

    public init(baseURL: String = "https://api.openai.com/v1", apiKey: String?, model: String,
                client: HTTPClient = .llm, timeout: Duration = .seconds(60)) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.apiKey = apiKey
        self.model = model
        transport = HTTPTransport(client: client, timeout: timeout)
    }

    func body(_ request: LLMRequest, stream: Bool) throws -> Data {
        var messages: [[String: String]] = []
        if let system = request.system { messages.append(["role": "system", "content": system]) }
        messages += request.messages.map { ["role": $0.role.rawValue, "content": $0.content] }
        var object: [String: Any] = [
            "model": model, "messages": messages, "max_tokens": request.maxTokens, "temperature": request.temperature,
        ]
        if stream { object["stream"] = true; object["stream_options"] = ["include_usage": true] }
        if request.json { object["response_format"] = ["type": "json_object"] }
        return try JSONSerialization.data(withJSONObject: object)
    }

    var headers: [(String, String)] { apiKey.map { [("Authorization", "Bearer \($0)")] } ?? [] }

    public func complete(_ request: LLMRequest) async throws -> LLMResponse {
        let reply = try await transport.post(baseURL + "/chat/completions", headers: headers, json: try body(request, stream: false))
        guard reply.status < 300 else { throw ProviderErrors.map(status: reply.status, headers: reply.headers, body: reply.body) }
        guard let object = try? JSONSerialization.jsonObject(with: reply.body) as? [String: Any],
              let choice = (object["choices"] as? [[String: Any]])?.first,
              let message = choice["message"] as? [String: Any], let text = message["content"] as? String else {
            throw LLMError(.malformed, "The OpenAI-compatible answer had no choices[0].message.content.")
        }
        let usage = object["usage"] as? [String: Any]
        return LLMResponse(text: text, usage: LLMUsage(inputTokens: usage?["prompt_tokens"] as? Int ?? 0,
                                                       outputTokens: usage?["completion_tokens"] as? Int ?? 0),
                           provider: name, model: object["model"] as? String ?? model)
    }

    /// Chat-completions chunks; `stream_options.include_usage` makes the server end with a chunk
    /// that carries the usage (and no choices).
    public func stream(_ request: LLMRequest) -> AsyncThrowingStream<LLMDelta, any Error> {
        let events = transport.postEvents(baseURL + "/chat/completions", headers: headers, json: try body(request, stream: true))
        return Deltas.map(events) { _, data in
            if data == "[DONE]" { return .done }
            guard let object = try? JSONSerialization.jsonObject(with: Data(data.utf8)) as? [String: Any] else {
                throw LLMError(.malformed, "A streamed chunk was not JSON.")
            }
            var deltas: [LLMDelta] = []
            if let text = ((object["choices"] as? [[String: Any]])?.first?["delta"] as? [String: Any])?["content"] as? String {
                deltas.append(.text(text))
            }
            if let usage = object["usage"] as? [String: Any] {
                deltas.append(.usage(LLMUsage(inputTokens: usage["prompt_tokens"] as? Int ?? 0, outputTokens: usage["completion_tokens"] as? Int ?? 0)))
            }
            return .deltas(deltas)
        }
    }
}

/// Turns provider events into deltas.
enum Deltas {
    /// What one event holds: deltas (often none), or the end of the answer.
    enum Step {
        case deltas([LLMDelta]), done
        static let skip = Step.deltas([])
        static func text(_ text: String) -> Step { .deltas([.text(text)]) }
    }

    static func map(_ events: AsyncThrowingStream<(event: String?, data: String), any Error>,
                    _ transform: @escaping @Sendable (String?, String) throws -> Step) -> AsyncThrowingStream<LLMDelta, any Error> {
        AsyncThrowingStream { continuation in
            let task = Task {
                do {
                    loop: for try await event in events {
                        switch try transform(event.event, event.data) {
                        case .deltas(let deltas): for delta in deltas { continuation.yield(delta) }
                        case .done: break loop
                        }
                    }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }
}
