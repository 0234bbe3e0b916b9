import AsyncHTTPClient
import Foundation
import NIOCore

/// Anthropic Messages API: `POST /v1/messages` with `x-api-key` and `anthropic-version`;
/// the system prompt is a top-level field; streaming sends `content_block_delta` events.
public struct AnthropicProvider: LLMProvider {
    public let name = "anthropic"
    public let model: String
    let baseURL: String
    let apiKey: String
    let version: String
    let transport: HTTPTransport

    public init(baseURL: String = "https://api.anthropic.com", apiKey: String, model: String, version: String = "2023-06-01",
                client: HTTPClient = .llm, timeout: Duration = .seconds(60)) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.apiKey = apiKey
        self.model = model
        self.version = version
        transport = HTTPTransport(client: client, timeout: timeout)
    }

    var headers: [(String, String)] { [("x-api-key", apiKey), ("anthropic-version", version)] }

    func body(_ request: LLMRequest, stream: Bool) throws -> Data {
        var system = request.system ?? ""
        if request.json { system += (system.isEmpty ? "" : "\n\n") + "Answer with one JSON object and nothing else." }
        var object: [String: Any] = [
            "model": model, "max_tokens": request.maxTokens, "temperature": request.temperature,
            "messages": request.messages.map { ["role": $0.role.rawValue, "content": $0.content] },
        ]
        if !system.isEmpty { object["system"] = system }
        if stream { object["stream"] = true }
        return try JSONSerialization.data(withJSONObject: object)
    }

    public func complete(_ request: LLMRequest) async throws -> LLMResponse {
        let reply = try await transport.post(baseURL + "/v1/messages", headers: headers, json: try body(request, stream: false))
        if reply.status == 529 { throw LLMError(.server, "Anthropic is overloaded.") }
        guard reply.status < 300 else { throw ProviderErrors.map(status: reply.status, headers: reply.headers, body: reply.body) }
        guard let object = try? JSONSerialization.jsonObject(with: reply.body) as? [String: Any],
              let content = object["content"] as? [[String: Any]] else {
            throw LLMError(.malformed, "The Anthropic answer had no content blocks.")
        }
        let text = content.filter { $0["type"] as? String == "text" }.compactMap { $0["text"] as? String }.joined()
        let usage = object["usage"] as? [String: Any]
        return LLMResponse(text: text, usage: LLMUsage(inputTokens: usage?["input_tokens"] as? Int ?? 0,
                                                       outputTokens: usage?["output_tokens"] as? Int ?? 0),
                           provider: name, model: object["model"] as? String ?? model)
    }

    /// Messages events: text in `content_block_delta`, input tokens in `message_start`, the
    /// running output count in `message_delta`.
    public func stream(_ request: LLMRequest) -> AsyncThrowingStream<LLMDelta, any Error> {
        let events = transport.postEvents(baseURL + "/v1/messages", headers: headers, json: try body(request, stream: true))
        return Deltas.map(events) { event, data in
            guard let object = try? JSONSerialization.jsonObject(with: Data(data.utf8)) as? [String: Any] else {
                throw LLMError(.malformed, "A streamed event was not JSON.")
            }
            switch object["type"] as? String ?? event {
            case "content_block_delta":
                return ((object["delta"] as? [String: Any])?["text"] as? String).map { .text($0) } ?? .skip
            case "message_start":
                return .deltas(Self.usage((object["message"] as? [String: Any])?["usage"]).map { [.usage($0)] } ?? [])
            case "message_delta":
                return .deltas(Self.usage(object["usage"]).map { [.usage($0)] } ?? [])
            case "message_stop": return .done
            case "error":
                let type = (object["error"] as? [String: Any])?["type"] as? String ?? "error"
                throw type == "overloaded_error" ? LLMError(.server, "Anthropic is overloaded.") : LLMError(.server, "Anthropic stream error: \(type).")
            default: return .skip
            }
        }
    }

    /// Anthropic's `usage` object (`input_tokens`, `output_tokens`), when present.
    private static func usage(_ value: Any?) -> LLMUsage? {
        guard let usage = value as? [String: Any] else { return nil }
        return LLMUsage(inputTokens: usage["input_tokens"] as? Int ?? 0, outputTokens: usage["output_tokens"] as? Int ?? 0)
    }
}
