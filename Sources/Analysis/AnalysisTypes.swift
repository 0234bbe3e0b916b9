public import DocuThinkerCore
import Foundation

/// The analyses DocuThinker offers; raw values are the URL path segments.
public enum AnalysisKind: String, Codable, Sendable, CaseIterable {
    case summary
    case bulletSummary = "bullet-summary"
    case keyIdeas = "key-ideas"
    case discussionPoints = "discussion-points"
    case recommendations
    case refineSummary = "refine-summary"
    case sentiment
    case analytics
    case summaryInLanguage = "summary-in-language"
    case rewrite

    /// Why this kind cannot run without a language model (nil: the offline engine writes it).
    public var needsLLMBecause: String? {
        switch self {
        case .summaryInLanguage: "Summaries in another language need an LLM provider; none is configured."
        case .rewrite: "Rewriting in a style or tone needs an LLM provider; none is configured."
        default: nil
        }
    }
}

/// Summary sizes; `sentences` overrides the preset.
public enum SummaryLength: String, Codable, Sendable {
    case short, medium, long

    var sentences: Int {
        switch self {
        case .short: 3
        case .medium: 6
        case .long: 10
        }
    }
}

/// Parameters of an analysis; only those that apply to the kind are read.
public struct AnalysisParameters: Codable, Hashable, Sendable {
    public var length: SummaryLength?
    /// Sentence budget for summaries (1...50).
    public var sentences: Int?
    /// Number of items for key ideas, discussion points and recommendations (1...30).
    public var count: Int?
    /// Target language of `summary-in-language`.
    public var language: String?
    /// Style or tone of `rewrite`.
    public var style: String?
    /// The summary to refine (`refine-summary`); when absent the document's summary is refined.
    public var summary: String?
    /// Refinement instruction: "shorter", "longer", "focus on <term>".
    public var instruction: String?

    public init(length: SummaryLength? = nil, sentences: Int? = nil, count: Int? = nil, language: String? = nil,
                style: String? = nil, summary: String? = nil, instruction: String? = nil) {
        self.length = length
        self.sentences = sentences
        self.count = count
        self.language = language
        self.style = style
        self.summary = summary
        self.instruction = instruction
    }

    /// A stable string identifying the parameters that matter for `kind` (the cache key).
    public func cacheKey(for kind: AnalysisKind) -> String {
        var parts: [String] = []
        switch kind {
        case .summary, .bulletSummary: parts = ["sentences=\(summaryBudget(default: .medium))"]
        case .keyIdeas, .discussionPoints, .recommendations: parts = ["count=\(count ?? 0)"]
        case .refineSummary: parts = ["summary=\(summary ?? "")", "instruction=\(instruction ?? "")"]
        case .summaryInLanguage: parts = ["language=\(language ?? "")"]
        case .rewrite: parts = ["style=\(style ?? "")"]
        case .sentiment, .analytics: parts = []
        }
        return parts.joined(separator: "&")
    }

    /// The sentence budget of a summary, clamped to 1...50.
    public func summaryBudget(default preset: SummaryLength) -> Int {
        min(50, max(1, sentences ?? (length ?? preset).sentences))
    }
}

/// One point of an analysis with the sources that back it.
public struct AnalysisItem: Codable, Hashable, Sendable {
    public var text: String
    public var citations: [Citation]
    /// Relative importance (higher is more important).
    public var score: Double?
    /// The key phrase of a key idea.
    public var phrase: String?
    /// A supporting sentence, or the source sentence a question was made from.
    public var detail: String?
    /// A label such as the sentiment of a section.
    public var label: String?

    public init(text: String, citations: [Citation], score: Double? = nil, phrase: String? = nil,
                detail: String? = nil, label: String? = nil) {
        self.text = text
        self.citations = citations
        self.score = score
        self.phrase = phrase
        self.detail = detail
        self.label = label
    }
}

/// The overall sentiment of a document and its parts.
public struct SentimentReport: Codable, Hashable, Sendable {
    /// -1 (very negative) ... 1 (very positive).
    public var score: Double
    /// `positive`, `negative`, `neutral` or `mixed`.
    public var label: String
    /// One line for people.
    public var description: String
    /// Shares of positive, negative and neutral sentences.
    public var positiveShare: Double
    public var negativeShare: Double
    public var neutralShare: Double
}

/// A keyword and how often it occurs.
public struct KeywordCount: Codable, Hashable, Sendable {
    public var keyword: String
    public var count: Int
}

/// Counts and readability figures of a text.
public struct TextAnalytics: Codable, Hashable, Sendable {
    public var characters: Int
    public var words: Int
    public var sentences: Int
    public var paragraphs: Int
    public var syllables: Int
    /// Minutes at 238 words per minute.
    public var readingTimeMinutes: Double
    public var averageSentenceLength: Double
    public var fleschReadingEase: Double
    public var fleschKincaidGrade: Double
    /// Distinct words / words (type-token ratio).
    public var lexicalDiversity: Double
    public var topKeywords: [KeywordCount]
    /// Body sentences and their words: what sentence length and readability describe
    /// (`words` and `sentences` count the whole document, as its header does).
    public var bodySentences: Int
    public var bodyWords: Int
}

/// Model usage behind a result (LLM engines only).
public struct AnalysisUsage: Codable, Hashable, Sendable {
    public var provider: String
    public var model: String
    public var inputTokens: Int
    public var outputTokens: Int

    public init(provider: String, model: String, inputTokens: Int, outputTokens: Int) {
        self.provider = provider
        self.model = model
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
    }
}

/// The result of one analysis (Contract details: `kind`, `engine`, `items`; `summary` for summaries).
public struct AnalysisResult: Codable, Hashable, Sendable {
    public var kind: AnalysisKind
    /// The engine that produced it, e.g. `offline`.
    public var engine: String
    public var engineVersion: String
    public var documentId: String?
    public var items: [AnalysisItem]
    /// The joined summary text (summary, bullet summary, refine summary).
    public var summary: String?
    public var sentiment: SentimentReport?
    public var analytics: TextAnalytics?
    /// What the result depends on, e.g. `sentences=6`.
    public var parameters: String
    /// Remarks for the reader, e.g. why a list is empty.
    public var notes: [String]
    /// Provider, model and tokens when a language model wrote the result.
    public var usage: AnalysisUsage?

    public init(kind: AnalysisKind, engine: String, engineVersion: String, documentId: String?, items: [AnalysisItem],
                summary: String? = nil, sentiment: SentimentReport? = nil, analytics: TextAnalytics? = nil,
                parameters: String, notes: [String] = []) {
        self.kind = kind
        self.engine = engine
        self.engineVersion = engineVersion
        self.documentId = documentId
        self.items = items
        self.summary = summary
        self.sentiment = sentiment
        self.analytics = analytics
        self.parameters = parameters
        self.notes = notes
    }
}

/// A typed analysis failure.
public struct AnalysisError: Error, Hashable, Sendable {
    public enum Code: String, Sendable {
        /// The operation needs a configured LLM provider (translation, rewriting).
        case llmUnavailable = "llm_unavailable"
        /// Parameters are missing or out of range.
        case invalidParameters = "invalid_parameters"
        /// The document has no text to analyse.
        case noText = "no_text"
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }
}
