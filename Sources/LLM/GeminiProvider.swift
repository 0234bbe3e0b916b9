import AsyncHTTPClient
import Foundation
import NIOCore

/// Google Gemini `generateContent` / `streamGenerateContent` with several keys
/// (`GOOGLE_API_KEY`, `GOOGLE_AI_API_KEY1…n`): requests start at the next key in turn; a 429 or
/// exhausted quota cools that key down and moves on; a rejected key is benched for longer.
/// Available models are discovered (cached for 5 minutes) and a fallback model is used when the
/// configured one is not offered.
public struct GeminiProvider: LLMProvider {
    public let name = "gemini"
    public let model: String
    let fallbackModel: String
    let baseURL: String
    let keys: KeyRing
    let discovery: ModelDiscovery
    let transport: HTTPTransport

    public init(baseURL: String = "https://generativelanguage.googleapis.com", keys: [String], model: String,
                fallbackModel: String = "gemini-1.5-flash", cooldown: Duration = .seconds(60),
                client: HTTPClient = .llm, timeout: Duration = .seconds(60)) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.keys = KeyRing(keys: keys, cooldown: cooldown)
        self.model = model
        self.fallbackModel = fallbackModel
        discovery = ModelDiscovery(lifetime: .seconds(300))
        transport = HTTPTransport(client: client, timeout: timeout)
    }

    func body(_ request: LLMRequest) throws -> Data {
        var object: [String: Any] = [
            "contents": request.messages.map { ["role": $0.role == .assistant ? "model" : "user", "parts": [["text": $0.content]]] },
            "generationConfig": ["maxOutputTokens": request.maxTokens, "temperature": request.temperature]
                .merging(request.json ? ["responseMimeType": "application/json"] : [:]) { $1 },
        ]
        if let system = request.system { object["systemInstruction"] = ["parts": [["text": system]]] }
        return try JSONSerialization.data(withJSONObject: object)
    }

    /// The model to call: the configured one if the key's model list offers it, else the fallback.
    func resolvedModel(key: String) async -> String {
        if let models = await discovery.cached() { return models.contains(model) || models.isEmpty ? model : fallbackModel }
        guard let reply = try? await transport.get(baseURL + "/v1beta/models?key=\(key)"), reply.status < 300,
              let object = try? JSONSerialization.jsonObject(with: reply.body) as? [String: Any],
              let list = object["models"] as? [[String: Any]] else { return model }
        let names = Set(list.compactMap { ($0["name"] as? String)?.replacingOccurrences(of: "models/", with: "") })
        await discovery.store(names)
        return names.contains(model) || names.isEmpty ? model : fallbackModel
    }

    public func complete(_ request: LLMRequest) async throws -> LLMResponse {
        let payload = try body(request)
        var lastError = LLMError(.unavailable, "No Gemini key is available.")
        for key in await keys.order() {
            let chosen = await resolvedModel(key: key)
            let reply: HTTPTransport.Reply
            do {
                reply = try await transport.post(baseURL + "/v1beta/models/\(chosen):generateContent?key=\(key)", headers: [], json: payload)
            } catch let error as LLMError {
                throw error
            }
            if reply.status >= 300 {
                let error = ProviderErrors.map(status: reply.status, headers: reply.headers, body: reply.body)
                switch error.code {
                case .rateLimited, .quotaExceeded: await keys.coolDown(key); lastError = error; continue
                case .unauthorized: await keys.bench(key); lastError = error; continue
                default: throw error
                }
            }
            guard let object = try? JSONSerialization.jsonObject(with: reply.body) as? [String: Any],
                  let candidate = (object["candidates"] as? [[String: Any]])?.first,
                  let parts = (candidate["content"] as? [String: Any])?["parts"] as? [[String: Any]] else {
                throw LLMError(.malformed, "The Gemini answer had no candidates[0].content.parts.")
            }
            let usage = object["usageMetadata"] as? [String: Any]
            return LLMResponse(text: parts.compactMap { $0["text"] as? String }.joined(),
                               usage: LLMUsage(inputTokens: usage?["promptTokenCount"] as? Int ?? 0,
                                               outputTokens: usage?["candidatesTokenCount"] as? Int ?? 0),
                               provider: name, model: chosen)
        }
        throw lastError.code == .unauthorized || lastError.code == .quotaExceeded || lastError.code == .rateLimited
            ? lastError : LLMError(.unavailable, "No Gemini key is available (all cooling down).")
    }

    /// streamGenerateContent over SSE: every chunk has text parts and the running `usageMetadata`.
    public func stream(_ request: LLMRequest) -> AsyncThrowingStream<LLMDelta, any Error> {
        AsyncThrowingStream { continuation in
            let task = Task {
                do {
                    guard let key = await keys.order().first else { throw LLMError(.unavailable, "No Gemini key is available.") }
                    let chosen = await resolvedModel(key: key)
                    let events = transport.postEvents(baseURL + "/v1beta/models/\(chosen):streamGenerateContent?alt=sse&key=\(key)",
                                                      headers: [], json: try body(request))
                    for try await event in events {
                        guard let object = try? JSONSerialization.jsonObject(with: Data(event.data.utf8)) as? [String: Any] else {
                            throw LLMError(.malformed, "A streamed Gemini chunk was not JSON.")
                        }
                        let parts = ((object["candidates"] as? [[String: Any]])?.first?["content"] as? [String: Any])?["parts"] as? [[String: Any]] ?? []
                        for text in parts.compactMap({ $0["text"] as? String }) { continuation.yield(.text(text)) }
                        if let usage = object["usageMetadata"] as? [String: Any] {
                            continuation.yield(.usage(LLMUsage(inputTokens: usage["promptTokenCount"] as? Int ?? 0,
                                                               outputTokens: usage["candidatesTokenCount"] as? Int ?? 0)))
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

/// Gemini keys with round-robin start and per-key cooldowns.
actor KeyRing {
    private let keys: [String]
    private let cooldown: Duration
    private var next = 0
    private var blockedUntil: [String: ContinuousClock.Instant] = [:]

    init(keys: [String], cooldown: Duration) {
        self.keys = keys.filter { !$0.isEmpty }
        self.cooldown = cooldown
    }

    /// Usable keys, starting with the next one in turn.
    func order() -> [String] {
        guard !keys.isEmpty else { return [] }
        let start = next % keys.count
        next += 1
        let now = ContinuousClock.now
        return (0..<keys.count).map { keys[(start + $0) % keys.count] }.filter { (blockedUntil[$0] ?? now) <= now }
    }

    func coolDown(_ key: String) { blockedUntil[key] = .now + cooldown }
    func bench(_ key: String) { blockedUntil[key] = .now + cooldown * 60 }
}

/// The list of model names, cached for a while.
actor ModelDiscovery {
    private let lifetime: Duration
    private var models: Set<String>?
    private var fetched: ContinuousClock.Instant?

    init(lifetime: Duration) { self.lifetime = lifetime }

    func cached() -> Set<String>? {
        guard let fetched, ContinuousClock.now - fetched < lifetime else { return nil }
        return models
    }

    func store(_ names: Set<String>) {
        models = names
        fetched = .now
    }
}
