import DocuThinkerCore
import AWSSupport
import AsyncHTTPClient
import Analysis
import Configuration
import Foundation
import LLM

/// Which LLM providers are configured, read from the seed's variable names. Keys are never logged.
///   `DOCUTHINKER_LLM_PROVIDERS` order (default `openai,anthropic,gemini,bedrock`, configured ones only);
///   `OPENAI_API_KEY` + `OPENAI_BASE_URL` (an OpenAI-compatible base URL alone enables a local server),
///   `DOCUTHINKER_OPENAI_MODEL` (gpt-4o-mini); `ANTHROPIC_API_KEY`, `DOCUTHINKER_CLAUDE_MODEL`
///   (claude-3-5-sonnet-20241022); `GOOGLE_API_KEY`, `GOOGLE_AI_API_KEY1…n`, `DOCUTHINKER_GEMINI_MODEL`
///   (gemini-1.5-pro); `DOCUTHINKER_BEDROCK_MODEL` + `AWS_REGION` enables Bedrock (task role or env keys);
///   `DOCUTHINKER_LLM_PRICES` "model=input/output USD per million tokens,…" for cost estimates;
///   `DOCUTHINKER_LLM_MONTHLY_BUDGET_USD` (5): what each user's model requests may cost per calendar
///   month before a reading of their library for the knowledge graph is refused or stopped (`none`: no cap);
///   `DOCUTHINKER_LLM_DEADLINE_SECONDS` (90): the longest any request waits on the models, retries
///   and fallbacks included; `DOCUTHINKER_LLM_FIRST_TOKEN_SECONDS` (30): the longest a streamed
///   answer waits for its first text before the next provider (or the offline engine) writes it.
public struct LLMConfiguration: Sendable {
    public var order: [String]
    public var openAIKey: String?
    public var openAIBaseURL: String?
    public var openAIModel: String
    public var anthropicKey: String?
    public var claudeModel: String
    public var geminiKeys: [String]
    public var geminiModel: String
    public var bedrockModel: String?
    public var awsRegion: String
    public var prices: [String: (input: Double, output: Double)]
    /// Each user's monthly cap in USD (nil: none).
    public var monthlyBudgetUSD: Double?
    public var deadline: Duration
    public var firstTokenDeadline: Duration
    /// Provider variables whose value is a placeholder (`CHANGE-ME`, `<your key>`…), taken as unset:
    /// a deployment guide's placeholder must not become a provider that answers 401 to everything.
    public var placeholderVariables: [String] = []

    public init(reader: ConfigReader, environment: [String: String] = ProcessInfo.processInfo.environment) {
        order = reader.string(forKey: "docuthinker.llm.providers", default: "openai,anthropic,gemini,bedrock")
            .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        var placeholders: [String] = []
        /// The value, or nil when empty or a placeholder (noted for the start-up warning).
        func value(_ raw: String?, _ variable: String) -> String? {
            guard let raw, !raw.isEmpty else { return nil }
            if Self.isPlaceholder(raw) {
                placeholders.append(variable)
                return nil
            }
            return raw
        }
        openAIKey = value(reader.string(forKey: "openai.api.key", isSecret: true), "OPENAI_API_KEY")
        openAIBaseURL = reader.string(forKey: "openai.base.url").flatMap { $0.isEmpty ? nil : $0 }
        openAIModel = reader.string(forKey: "docuthinker.openai.model", default: "gpt-4o-mini")
        anthropicKey = value(reader.string(forKey: "anthropic.api.key", isSecret: true), "ANTHROPIC_API_KEY")
        claudeModel = reader.string(forKey: "docuthinker.claude.model", default: "claude-3-5-sonnet-20241022")
        var keys = [value(reader.string(forKey: "google.api.key", isSecret: true), "GOOGLE_API_KEY")].compactMap { $0 }
        // Numbered keys GOOGLE_AI_API_KEY1…n (read from the environment: their count is open-ended).
        for n in 1...32 { if let key = value(environment["GOOGLE_AI_API_KEY\(n)"], "GOOGLE_AI_API_KEY\(n)") { keys.append(key) } }
        geminiKeys = keys
        geminiModel = reader.string(forKey: "docuthinker.gemini.model", default: "gemini-1.5-pro")
        bedrockModel = value(reader.string(forKey: "docuthinker.bedrock.model"), "DOCUTHINKER_BEDROCK_MODEL")
        awsRegion = reader.string(forKey: "aws.region", default: "us-east-1")
        var prices: [String: (Double, Double)] = [
            "gpt-4o-mini": (0.15, 0.60), "claude-3-5-sonnet-20241022": (3, 15), "claude-3-haiku-20240307": (0.25, 1.25),
            "gemini-1.5-pro": (1.25, 5), "gemini-1.5-flash": (0.075, 0.30),
        ]
        for entry in reader.string(forKey: "docuthinker.llm.prices", default: "").split(separator: ",") {
            let parts = entry.split(separator: "=")
            let costs = parts.count == 2 ? parts[1].split(separator: "/").compactMap { Double($0) } : []
            if costs.count == 2 { prices[String(parts[0])] = (costs[0], costs[1]) }
        }
        self.prices = prices
        let budget = reader.string(forKey: "docuthinker.llm.monthly.budget.usd", default: "5").trimmingCharacters(in: .whitespaces).lowercased()
        monthlyBudgetUSD = ["none", "unlimited", "off"].contains(budget) ? nil : max(0, Double(budget) ?? 5)
        deadline = .milliseconds(max(100, Int(reader.double(forKey: "docuthinker.llm.deadline.seconds", default: 90) * 1000)))
        firstTokenDeadline = .milliseconds(max(100, Int(reader.double(forKey: "docuthinker.llm.first.token.seconds", default: 30) * 1000)))
        placeholderVariables = placeholders
    }

    /// Whether a configured value is a placeholder rather than a key: `CHANGE-ME`, `changeme`,
    /// `REPLACE_ME`, `TODO`, `xxx…`, `your-api-key`, `<…>`, `${…}`.
    static func isPlaceholder(_ value: String) -> Bool {
        let normalised = value.trimmingCharacters(in: .whitespaces).lowercased()
        let bare = normalised.filter { $0.isLetter || $0.isNumber }
        if ["changeme", "replaceme", "todo", "tbd", "placeholder", "none", "null", "secret", "yourapikey", "yourkey", "apikey"].contains(bare) {
            return true
        }
        if !bare.isEmpty, bare.allSatisfy({ $0 == "x" }) { return true }
        return (normalised.hasPrefix("<") && normalised.hasSuffix(">")) || (normalised.hasPrefix("${") && normalised.hasSuffix("}"))
    }

    /// The router over the configured providers with the configured deadlines (nil: none configured).
    public func router(client: HTTPClient = .llm) -> LLMRouter? {
        let providers = providers(client: client)
        return providers.isEmpty ? nil : LLMRouter(providers: providers, deadline: deadline, firstTokenDeadline: firstTokenDeadline)
    }

    /// The configured providers, in order.
    public func providers(client: HTTPClient = .llm) -> [any LLMProvider] {
        order.compactMap { name -> (any LLMProvider)? in
            switch name {
            case "openai" where openAIKey != nil || openAIBaseURL != nil:
                OpenAICompatibleProvider(baseURL: openAIBaseURL ?? "https://api.openai.com/v1", apiKey: openAIKey, model: openAIModel, client: client)
            case "anthropic" where anthropicKey != nil:
                AnthropicProvider(apiKey: anthropicKey!, model: claudeModel, client: client)
            case "gemini" where !geminiKeys.isEmpty:
                GeminiProvider(keys: geminiKeys, model: geminiModel, client: client)
            case "bedrock" where bedrockModel != nil:
                BedrockProvider(region: awsRegion, model: bedrockModel!, credentials: AWSCredentialsProvider(client: client), client: client)
            default: nil
            }
        }
    }

    /// Estimated USD cost of some tokens on `model` (0 when the price is unknown).
    public func cost(model: String, input: Int, output: Int) -> Double {
        guard let price = prices[model] ?? prices.first(where: { model.hasPrefix($0.key) })?.value else { return 0 }
        return (Double(input) * price.input + Double(output) * price.output) / 1_000_000
    }
}
