public import DocuThinkerCore
public import Foundation

/// A chunk found by a search, with its place in its document.
public struct ChunkHit: Codable, Hashable, Sendable {
    public var chunkId: Int64
    public var documentId: String
    public var ordinal: Int
    public var page: Int
    public var start: Int
    public var end: Int
    public var text: String
    /// Mode-specific score (BM25 relevance, cosine, or fused).
    public var score: Double

    public init(chunkId: Int64, documentId: String, ordinal: Int, page: Int, start: Int, end: Int, text: String, score: Double) {
        self.chunkId = chunkId
        self.documentId = documentId
        self.ordinal = ordinal
        self.page = page
        self.start = start
        self.end = end
        self.text = text
        self.score = score
    }
}

/// Where the embedding of a document's chunks stands.
public enum IndexState: String, Codable, Sendable {
    case pending, indexing, ready, failed
    /// No embedding model is loaded: keyword search only.
    case unavailable
}

/// Progress of embedding a document's chunks.
public struct IndexStatus: Codable, Hashable, Sendable {
    public var status: IndexState
    public var indexed: Int
    public var total: Int
    public var model: String
    public var error: String?
    public var updatedAt: Date

    public init(status: IndexState, indexed: Int, total: Int, model: String, error: String? = nil, updatedAt: Date) {
        self.status = status
        self.indexed = indexed
        self.total = total
        self.model = model
        self.error = error
        self.updatedAt = updatedAt
    }
}

/// A conversation over a set of the owner's documents (empty: the whole library).
public struct ChatRecord: Codable, Hashable, Sendable {
    public var id: String
    public var ownerId: String
    public var title: String
    public var documentIds: [String]
    public var createdAt: Date
    public var updatedAt: Date

    public init(id: String, ownerId: String, title: String, documentIds: [String], createdAt: Date, updatedAt: Date) {
        self.id = id
        self.ownerId = ownerId
        self.title = title
        self.documentIds = documentIds
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// Who wrote a chat message.
public enum ChatRole: String, Codable, Hashable, Sendable {
    case user, assistant
}

/// One turn of a chat with the citations its answer carries.
public struct ChatMessageRecord: Codable, Hashable, Sendable {
    public var id: Int64?
    public var chatId: String
    public var role: ChatRole
    public var content: String
    public var found: Bool?
    public var citations: [Citation]
    public var createdAt: Date

    public init(id: Int64? = nil, chatId: String, role: ChatRole, content: String, found: Bool?, citations: [Citation] = [], createdAt: Date) {
        self.id = id
        self.chatId = chatId
        self.role = role
        self.content = content
        self.found = found
        self.citations = citations
        self.createdAt = createdAt
    }
}
