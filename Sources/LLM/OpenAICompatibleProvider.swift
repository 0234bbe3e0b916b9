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

    public func stream(_ request: LLMRequest) -> AsyncThrowingStream<String, any Error> {
        let events = transport.postEvents(baseURL + "/chat/completions", headers: headers, json: try body(request, stream: true))
        return Deltas.map(events) { _, data in
            if data == "[DONE]" { return .done }
            guard let object = try? JSONSerialization.jsonObject(with: Data(data.utf8)) as? [String: Any] else {
                throw LLMError(.malformed, "A streamed chunk was not JSON.")
            }
            let delta = ((object["choices"] as? [[String: Any]])?.first?["delta"] as? [String: Any])?["content"] as? String
            return delta.map { .text($0) } ?? .skip
        }
    }
}

/// Turns provider events into text deltas.
enum Deltas {
    enum Step { case text(String), skip, done }

    static func map(_ events: AsyncThrowingStream<(event: String?, data: String), any Error>,
                    _ transform: @escaping @Sendable (String?, String) throws -> Step) -> AsyncThrowingStream<String, any Error> {
        AsyncThrowingStream { continuation in
            let task = Task {
                do {
                    loop: for try await event in events {
                        switch try transform(event.event, event.data) {
                        case .text(let text): continuation.yield(text)
                        case .skip: continue
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
