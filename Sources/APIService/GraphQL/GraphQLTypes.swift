import AIService
import Analysis
import DocuThinkerCore
import Foundation
import Graphiti
import ServerSupport
import Storage

// The GraphQL object types: field names follow the REST DTOs (and the original's GraphQL names,
// kept beside them: `socialMedia`, `joinedDate`, `fileType`, `originalText`…). Dates are ISO 8601
// strings, offsets code points as everywhere.

/// ISO 8601 with milliseconds, as the REST API writes dates.
func isoDate(_ date: Date) -> String { FastJSON.timestamp(date) }

struct GUser: Sendable {
    let record: UserRecord
    var id: String { record.id }
    var email: String { record.email }
    var createdAt: String { isoDate(record.createdAt) }
    var theme: String { record.theme }
    var socialMedia: GSocialMedia { GSocialMedia(record.socialLinks) }
    var daysSinceJoined: Int { max(0, Int(Date.now.timeIntervalSince(record.createdAt) / 86_400)) }

    func documentCount(context: GraphQLContext, arguments: NoArguments) async throws -> Int {
        try await context.services.documents.documents(ownerId: record.id, limit: 1, offset: 0).total
    }

    func documents(context: GraphQLContext, arguments: PageArguments) async throws -> [GDocument] {
        try await GraphQLResolver.documents(context: context, owner: record.id, arguments: arguments)
    }
}

struct GSocialMedia: Sendable {
    let github: String, linkedin: String, facebook: String, instagram: String, twitter: String

    init(_ links: [String: String]) {
        github = links["github"] ?? ""
        linkedin = links["linkedin"] ?? ""
        facebook = links["facebook"] ?? ""
        instagram = links["instagram"] ?? ""
        twitter = links["twitter"] ?? ""
    }
}

struct GPage: Sendable {
    let number: Int, start: Int, end: Int
}

struct GCitation: Sendable {
    let documentId: String, page: Int, start: Int, end: Int, quote: String

    init(_ citation: Citation) {
        documentId = citation.documentId
        page = citation.page
        start = citation.start
        end = citation.end
        quote = citation.quote
    }
}

struct GAnalysisItem: Sendable {
    let text: String
    let citations: [GCitation]
    let score: Double?
    let detail: String?
}

struct GSentiment: Sendable {
    let score: Double, label: String, description: String
    var sentimentScore: Double { score }
}

struct GAnalysis: Sendable {
    let kind: String, engine: String, engineVersion: String
    let summary: String?
    let items: [GAnalysisItem]
    let sentiment: GSentiment?
    let notes: [String]
    let cached: Bool
    let createdAt: String

    init(_ result: AnalysisResult, cached: Bool, createdAt: Date) {
        kind = result.kind.rawValue
        engine = result.engine
        engineVersion = result.engineVersion
        summary = result.summary
        items = result.items.map { GAnalysisItem(text: $0.text, citations: $0.citations.map(GCitation.init), score: $0.score, detail: $0.detail) }
        sentiment = result.sentiment.map { GSentiment(score: $0.score, label: $0.label, description: $0.description) }
        notes = result.notes
        self.cached = cached
        self.createdAt = isoDate(createdAt)
    }
}

struct GChunk: Sendable {
    let index: Int, page: Int, start: Int, end: Int, text: String
}

struct GDocument: Sendable {
    let record: DocumentRecord
    var id: String { record.id }
    var title: String { record.title }
    var filename: String? { record.filename }
    var status: String { record.status.rawValue }
    var error: String? { record.error }
    var errorMessage: String? { record.errorMessage }
    var format: String { record.format.rawValue }
    var fileType: String { record.format.mimeType }
    var filePath: String { "/v1/documents/\(record.id)/file" }
    var fileUrl: String { filePath }
    var pageCount: Int { record.pageCount }
    var sizeBytes: Int { record.sizeBytes }
    var characters: Int { record.characters }
    var createdAt: String { isoDate(record.createdAt) }
    var updatedAt: String { isoDate(record.updatedAt) }
    var originalHtml: String { "" }

    /// The extracted text; null while the document is processing.
    func text(context: GraphQLContext, arguments: NoArguments) async throws -> String? {
        try await context.loader.content(documentId: record.id, owner: record.ownerId)?.text
    }

    /// The knowledge graph; null while the document is processing (or failed).
    func graph(context: GraphQLContext, arguments: NoArguments) async throws -> GraphReader.DocumentGraphBody? {
        guard record.status == .ready else { return nil }
        return try await context.services.graph.documentGraph(id: record.id, ownerId: record.ownerId)
    }

    func pages(context: GraphQLContext, arguments: NoArguments) async throws -> [GPage] {
        try await context.loader.content(documentId: record.id, owner: record.ownerId)?.pages
            .map { GPage(number: $0.number, start: $0.start, end: $0.end) } ?? []
    }

    /// The summary made at ingestion, `""` until the document is ready (batched across a list).
    func summary(context: GraphQLContext, arguments: NoArguments) async throws -> String {
        guard record.status == .ready else { return "" }
        return try await context.loader.analysis(documentId: record.id, owner: record.ownerId, kind: .summary, parameters: .init())?
            .result.summary ?? ""
    }

    /// An analysis of this document (cached per kind and parameters; batched across a list).
    func analysis(context: GraphQLContext, arguments: AnalysisArguments) async throws -> GAnalysis? {
        let kind = try arguments.analysisKind()
        guard let outcome = try await context.loader.analysis(documentId: record.id, owner: record.ownerId, kind: kind,
                                                              parameters: try arguments.parameters()) else {
            // Not ready or failed: the REST route's error says which.
            _ = try await context.services.backend.analysis(documentId: record.id, ownerId: record.ownerId, kind: kind,
                                                            parameters: try arguments.parameters())
            return nil
        }
        return GAnalysis(outcome.result, cached: outcome.cached, createdAt: outcome.createdAt)
    }

    func chunks(context: GraphQLContext, arguments: NoArguments) async throws -> [GChunk] {
        try await context.services.documents.chunks(documentId: record.id, ownerId: record.ownerId)
            .map { GChunk(index: $0.ordinal, page: $0.page, start: $0.start, end: $0.end, text: $0.text) }
    }
}

struct GSearchResult: Sendable {
    let documentId: String, chunkId: String, score: Double, text: String, page: Int, start: Int, end: Int
}

struct GTitleMatch: Sendable {
    let docId: String, title: String, snippet: String
}

struct GMessage: Sendable {
    let id: String?, role: String, content: String, found: Bool?, citations: [GCitation], createdAt: String
}

struct GChat: Sendable {
    let record: ChatRecord
    var id: String { record.id }
    var title: String { record.title }
    var documentIds: [String] { record.documentIds }
    var createdAt: String { isoDate(record.createdAt) }
    var updatedAt: String { isoDate(record.updatedAt) }

    func messages(context: GraphQLContext, arguments: NoArguments) async throws -> [GMessage] {
        try await context.services.chats.chats.messages(chatId: record.id).map {
            GMessage(id: $0.id.map(String.init), role: $0.role.rawValue, content: $0.content, found: $0.found,
                     citations: $0.citations.map(GCitation.init), createdAt: isoDate($0.createdAt))
        }
    }
}

struct GChatAnswer: Sendable {
    let answer: String, found: Bool, citations: [GCitation], chatId: String
}

struct GAuthResult: Sendable {
    let userId: String, accessToken: String, refreshToken: String, expiresIn: Int
    var customToken: String { accessToken }
}

struct GDocumentSummary: Sendable {
    let id: String, summary: String, originalText: String, originalHtml: String, fileType: String, fileUrl: String
}
