import Analysis
import Foundation
import ServerSupport

// Arguments of the GraphQL fields (Graphiti decodes them from the query's arguments).

struct PageArguments: Codable, Sendable {
    var limit: Int?
    var offset: Int?
}

struct IDArguments: Codable, Sendable {
    var id: String
}

/// `entities(q, limit)`: the knowledge graph's entity search.
struct EntitiesArguments: Codable, Sendable {
    var q: String?
    var limit: Int?
}

/// The original's `(userId)` argument: absent or the caller's.
struct UserArguments: Codable, Sendable {
    var userId: String?
    var id: String?
}

struct LegacyDocumentArguments: Codable, Sendable {
    var userId: String?
    var docId: String?
    var id: String?
}

struct LegacySearchArguments: Codable, Sendable {
    var userId: String?
    var searchTerm: String
}

struct SearchArguments: Codable, Sendable {
    var q: String
    var mode: String?
    var limit: Int?
    var documentIds: [String]?
}

/// An analysis: `kind` (summary, key-ideas, … — `keyIdeas` is accepted too) and its parameters.
struct AnalysisArguments: Codable, Sendable {
    var kind: String
    var length: String?
    var sentences: Int?
    var count: Int?
    var language: String?
    var style: String?
    var instruction: String?
    var summary: String?

    func analysisKind() throws -> AnalysisKind {
        if let kind = AnalysisKind(rawValue: kind) ?? AnalysisKind.allCases.first(where: { Self.camel($0.rawValue) == kind }) {
            return kind
        }
        throw APIError.validation("Unknown analysis '\(kind)'. Known: \(AnalysisKind.allCases.map(\.rawValue).joined(separator: ", ")).",
                                  field: "kind")
    }

    func parameters() throws -> AnalysisParameters {
        var parameters = AnalysisParameters(language: language, style: style)
        if let length {
            guard let value = SummaryLength(rawValue: length) else {
                throw APIError.validation("'length' must be short, medium or long.", field: "length")
            }
            parameters.length = value
        }
        if let sentences, !(1...50).contains(sentences) { throw APIError.validation("'sentences' must be in 1...50.", field: "sentences") }
        if let count, !(1...30).contains(count) { throw APIError.validation("'count' must be in 1...30.", field: "count") }
        parameters.sentences = sentences
        parameters.count = count
        parameters.instruction = instruction
        parameters.summary = summary
        return parameters
    }

    /// `key-ideas` → `keyIdeas`.
    static func camel(_ name: String) -> String {
        let parts = name.split(separator: "-")
        return parts.enumerated().map { $0.offset == 0 ? String($0.element) : $0.element.capitalized }.joined()
    }
}

struct AnalyzeArguments: Codable, Sendable {
    var documentId: String
    var kind: String
    var parameters: AnalysisParametersInput?
    var refresh: Bool?
}

/// The `parameters` input of `analyze`.
struct AnalysisParametersInput: Codable, Sendable {
    var length: String?
    var sentences: Int?
    var count: Int?
    var language: String?
    var style: String?
    var instruction: String?
    var summary: String?
}

struct RenameArguments: Codable, Sendable {
    var id: String?
    var docId: String?
    var userId: String?
    var title: String?
    var newTitle: String?
}

struct CreateChatArguments: Codable, Sendable {
    var documentIds: [String]?
    var title: String?
}

struct SendMessageArguments: Codable, Sendable {
    var chatId: String
    var content: String
}

struct ThemeArguments: Codable, Sendable {
    var userId: String?
    var theme: String
}

struct SocialMediaArguments: Codable, Sendable {
    var userId: String?
    var github: String?, linkedin: String?, facebook: String?, instagram: String?, twitter: String?
}

struct EmailArguments: Codable, Sendable {
    var userId: String?
    var newEmail: String
    var password: String
}

struct PasswordArguments: Codable, Sendable {
    var currentPassword: String
    var newPassword: String
}

struct CredentialsArguments: Codable, Sendable {
    var email: String
    var password: String
}

struct LegacyChatArguments: Codable, Sendable {
    var message: String
    var originalText: String?
    var documentId: String?
    var sessionId: String?
}

struct SummarizeArguments: Codable, Sendable {
    var userId: String?
    var title: String
    var text: String
    var html: String?
}
