public import Foundation

/// What reading a library with a language model would cost, shown before the user starts it.
public struct LLMGraphEstimate: Codable, Sendable, Hashable {
    /// The provider and model asked first (a fallback provider may answer some passages).
    public var provider: String
    public var model: String
    /// Documents with passages still to read, and those already read by the model (skipped).
    public var documents: Int
    public var documentsAlreadyRead: Int
    public var chunks: Int
    public var inputTokens: Int
    public var outputTokens: Int
    public var estimatedCostUSD: Double
    /// False when no price is configured for the model (`DOCUTHINKER_LLM_PRICES`): the cost then
    /// shows as 0 and the budget cannot bound it.
    public var priceKnown: Bool
    public var budget: LLMBudget
    /// Whether the estimate fits the remaining budget (always true without a budget).
    public var fitsBudget: Bool
}

/// A user's monthly language-model budget (`DOCUTHINKER_LLM_MONTHLY_BUDGET_USD`): everything the
/// user's requests cost this calendar month (UTC) counts against it.
public struct LLMBudget: Codable, Sendable, Hashable {
    /// `2026-12`.
    public var month: String
    /// nil: no cap.
    public var monthlyUSD: Double?
    public var spentUSD: Double
    public var remainingUSD: Double?
}

/// A user's model reading of their library for the knowledge graph: one at a time per user.
public struct LLMGraphJob: Codable, Sendable, Hashable {
    /// `idle` (none yet), `running`, `succeeded`, `failed`, `cancelled`, `budget_reached` (stopped
    /// before the next passage would pass the cap) or `interrupted` (the process running it stopped;
    /// starting again continues where it was).
    public var state: String
    public var id: String?
    public var provider: String?
    public var model: String?
    public var documentsDone: Int = 0
    public var documentsTotal: Int = 0
    public var chunksDone: Int = 0
    public var chunksTotal: Int = 0
    public var inputTokens: Int = 0
    public var outputTokens: Int = 0
    public var costUSD: Double = 0
    public var estimatedCostUSD: Double = 0
    /// The most this run may spend: the lower of the caller's `maxCostUSD` and the budget left.
    public var capUSD: Double?
    /// Entities and relations the model proposed that the text did not bear out.
    public var droppedMentions: Int = 0
    public var droppedEntities: Int = 0
    public var droppedRelations: Int = 0
    /// Passages whose answer was not the JSON asked for (read again by the next run).
    public var failedChunks: Int = 0
    /// Documents that could not be finished, with why.
    public var documentErrors: [DocumentError] = []
    public var error: String?
    public var startedAt: Date?
    public var updatedAt: Date?
    public var finishedAt: Date?

    public struct DocumentError: Codable, Sendable, Hashable {
        public var documentId: String
        public var message: String
    }

    public static let idle = LLMGraphJob(state: "idle")

    public var isRunning: Bool { state == "running" }
}

/// `POST /v1/graph/llm-extraction`: which documents (all the caller's when nil) and the most to spend.
public struct LLMGraphStartRequest: Codable, Sendable {
    public var documentIds: [String]?
    public var maxCostUSD: Double?

    public init(documentIds: [String]?, maxCostUSD: Double?) {
        self.documentIds = documentIds
        self.maxCostUSD = maxCostUSD
    }
}
