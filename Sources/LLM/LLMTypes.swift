import Foundation

/// One turn of a conversation sent to a model.
public struct LLMMessage: Codable, Hashable, Sendable {
    public enum Role: String, Codable, Sendable { case user, assistant }
    public var role: Role
    public var content: String

    public init(role: Role, content: String) {
        self.role = role
        self.content = content
    }
}

/// A chat-completion request, provider-neutral.
public struct LLMRequest: Hashable, Sendable {
    public var system: String?
    public var messages: [LLMMessage]
    public var maxTokens: Int
    public var temperature: Double
    /// Ask for a JSON object as the whole answer.
    public var json: Bool

    public init(system: String? = nil, messages: [LLMMessage], maxTokens: Int = 1_024, temperature: Double = 0.2, json: Bool = false) {
        self.system = system
        self.messages = messages
        self.maxTokens = maxTokens
        self.temperature = temperature
        self.json = json
    }
}

/// Tokens used by one call.
public struct LLMUsage: Codable, Hashable, Sendable {
    public var inputTokens: Int
    public var outputTokens: Int

    public init(inputTokens: Int, outputTokens: Int) {
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
    }

    /// Takes the counts a later stream event reports: providers send running totals (Anthropic's
    /// `message_delta`, Gemini's `usageMetadata` on every chunk) or one final figure (OpenAI,
    /// Bedrock), and a zero means "not reported here".
    public mutating func update(with later: LLMUsage) {
        if later.inputTokens > 0 { inputTokens = later.inputTokens }
        if later.outputTokens > 0 { outputTokens = later.outputTokens }
    }
}

/// A piece of a provider's streamed answer: text as it arrives, or the tokens used so far.
public enum LLMDelta: Sendable, Hashable {
    case text(String)
    case usage(LLMUsage)
}

/// A completed answer.
public struct LLMResponse: Hashable, Sendable {
    public var text: String
    public var usage: LLMUsage
    public var provider: String
    public var model: String
}

/// A typed provider failure; the router decides from `code` whether to retry or fall back.
public struct LLMError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// Bad or missing key (401/403): never retried with the same key.
        case unauthorized
        /// Too many requests (429); `retryAfter` when the provider said.
        case rateLimited = "rate_limited"
        /// The key's quota is used up (429 with a quota body, RESOURCE_EXHAUSTED).
        case quotaExceeded = "quota_exceeded"
        /// 5xx or overloaded: retried with backoff.
        case server
        case timeout
        /// The body was not what the provider documents.
        case malformed
        /// No configured provider could answer.
        case unavailable = "llm_unavailable"
        case badRequest = "bad_request"
    }

    public var code: Code
    public var message: String
    public var retryAfter: Double?

    public init(_ code: Code, _ message: String, retryAfter: Double? = nil) {
        self.code = code
        self.message = message
        self.retryAfter = retryAfter
    }

    public var description: String { "\(code.rawValue): \(message)" }

    /// The failure in words for a user: what went wrong, not how to configure the product.
    public var cause: String {
        switch code {
        case .unauthorized: "key rejected"
        case .rateLimited: "rate limited"
        case .quotaExceeded: "quota exhausted"
        case .server: "provider error (\(message))"
        case .timeout: "timed out"
        case .malformed: "unreadable answer"
        case .unavailable: message
        case .badRequest: "request refused (\(message))"
        }
    }

    /// Worth another attempt at the same provider.
    var isTransient: Bool { code == .server || code == .timeout || code == .rateLimited }
}

/// A chat model behind an HTTP API.
public protocol LLMProvider: Sendable {
    /// `openai`, `anthropic`, `gemini`, `bedrock`.
    var name: String { get }
    var model: String { get }
    func complete(_ request: LLMRequest) async throws -> LLMResponse
    /// Text deltas as they arrive, and the token counts the provider reports along the way.
    func stream(_ request: LLMRequest) -> AsyncThrowingStream<LLMDelta, any Error>
}
