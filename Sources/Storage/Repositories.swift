public import Foundation

/// Accounts. Implementations: `SQLiteStore` (embedded); PostgreSQL later, same contract.
public protocol UserRepository: Sendable {
    /// Inserts a user; throws `StorageError.conflict` when the email is taken (case-insensitively).
    func createUser(_ user: UserRecord) async throws
    func user(id: String) async throws -> UserRecord?
    func user(email: String) async throws -> UserRecord?
}

/// Refresh tokens (hashed) with revocation.
public protocol RefreshTokenRepository: Sendable {
    func saveRefreshToken(_ token: RefreshTokenRecord) async throws
    func refreshToken(hash: String) async throws -> RefreshTokenRecord?
    /// Marks the token revoked; returns false when it was unknown or already revoked.
    func revokeRefreshToken(id: String, at date: Date) async throws -> Bool
    /// Revokes every token of a sign-in (`RefreshTokenRecord.family`); returns how many were still live.
    @discardableResult
    func revokeRefreshFamily(_ family: String, at date: Date) async throws -> Int
}

/// Documents and everything extracted from them, always addressed with their owner.
public protocol DocumentRepository: Sendable {
    /// Stores a document with its text, pages, blocks and chunks atomically.
    func insertDocument(_ document: DocumentRecord, content: DocumentContent, chunks: [ChunkRecord]) async throws
    /// The caller's document, or nil (also when it belongs to someone else).
    func document(id: String, ownerId: String) async throws -> DocumentRecord?
    /// The caller's most recent document whose original file has this SHA-256 (hex), or nil:
    /// how a second upload of the same file is recognised.
    func document(ownerId: String, sha256: String) async throws -> DocumentRecord?
    /// Whether a document with this id exists (any owner).
    func documentExists(id: String) async throws -> Bool
    /// The caller's documents, newest first.
    func documents(ownerId: String, limit: Int, offset: Int) async throws -> Page<DocumentRecord>
    /// The ids and titles of the caller's `limit` most recent documents, newest first (what chat
    /// reads to see whether a question names documents, without loading whole records).
    func documentTitles(ownerId: String, limit: Int) async throws -> [(id: String, title: String)]
    func content(documentId: String, ownerId: String) async throws -> DocumentContent?
    func chunks(documentId: String, ownerId: String) async throws -> [ChunkRecord]
    /// Renames; returns the updated document or nil when it is not the caller's.
    func renameDocument(id: String, ownerId: String, title: String, at date: Date) async throws -> DocumentRecord?
    /// Stores a document that is still to be processed together with its ingestion job (atomically).
    /// `explicitTitle`: the uploader named the title (else extraction may replace it with the file's own).
    func insertPendingDocument(_ document: DocumentRecord, explicitTitle: Bool, job: JobRecord) async throws
    /// Writes the extract stage's results (replacing any earlier attempt's, so the stage can be
    /// re-run after a crash without duplicates); false when the document no longer exists.
    func storeExtraction(documentId: String, fields: ExtractedFields, content: DocumentContent, sentences: [SentenceRecord],
                         chunks: [ChunkRecord], at date: Date) async throws -> Bool
    /// Sets `processing`, `ready` or `failed` (with the error's code and message).
    func setDocumentStatus(id: String, _ status: DocumentStatus, error: (code: String, message: String)?, at date: Date) async throws
    /// The document's sentences in order (stored at import).
    func sentences(documentId: String, ownerId: String) async throws -> [SentenceRecord]
    /// Deletes the document and everything derived from it; returns what was deleted.
    func deleteDocument(id: String, ownerId: String) async throws -> DocumentRecord?
    /// Deletes all of the owner's documents; returns them.
    func deleteAllDocuments(ownerId: String) async throws -> [DocumentRecord]
    /// What the owner's library holds now (for quotas), in one read.
    func libraryUsage(ownerId: String) async throws -> LibraryUsage
}

/// The key of a stored analysis result: it is recomputed only when one of these changes.
public struct AnalysisKey: Hashable, Sendable {
    public var documentId: String
    public var kind: String
    public var parameters: String
    public var engine: String
    public var engineVersion: String

    public init(documentId: String, kind: String, parameters: String, engine: String, engineVersion: String) {
        self.documentId = documentId
        self.kind = kind
        self.parameters = parameters
        self.engine = engine
        self.engineVersion = engineVersion
    }
}

/// The documents and the kind, parameters and engine of a batch read of analyses.
public struct AnalysisBatchKey: Hashable, Sendable {
    public var documentIds: [String]
    public var kind: String
    public var parameters: String
    public var engine: String
    public var engineVersion: String

    public init(documentIds: [String], kind: String, parameters: String, engine: String, engineVersion: String) {
        self.documentIds = documentIds
        self.kind = kind
        self.parameters = parameters
        self.engine = engine
        self.engineVersion = engineVersion
    }
}

/// Cached analysis results, deleted with their document. The engine chooses how to hold a result
/// (SQLite keeps its JSON, a server engine may use a JSON column type); callers see their own type.
public protocol AnalysisRepository: Sendable {
    /// The stored result and when it was made, or nil. A stored value that no longer decodes as
    /// `Result` (its shape changed between versions) counts as absent, so it is computed again.
    func analysis<Result: Decodable>(_ key: AnalysisKey, as type: Result.Type) async throws -> (result: Result, createdAt: Date)?
    /// The stored results of one kind, parameters and engine for many documents of `ownerId`, in
    /// one query (a list of documents with their summaries is not one query per document); by
    /// document id, absent where nothing is stored or the document is not the owner's.
    func analyses<Result: Decodable>(_ key: AnalysisBatchKey, ownerId: String, as type: Result.Type) async throws
        -> [String: (result: Result, createdAt: Date)]
    /// Stores (or replaces) a result.
    func saveAnalysis<Result: Encodable & Sendable>(_ key: AnalysisKey, result: Result, at date: Date) async throws
    /// How many results are stored for a document (all kinds).
    func analysisCount(documentId: String) async throws -> Int
}

/// A store whose reachability `/health/ready` can check.
public protocol ReadinessCheck: Sendable {
    func ping() async throws
}

/// Everything the API needs from its database.
public typealias AppStore = UserRepository & RefreshTokenRepository & AccountRepository & DocumentRepository & AnalysisRepository & SearchRepository
    & ChatRepository & UsageRepository & APIKeyRepository & JobRepository & OutboxRepository & PasskeyRepository & GraphStore & ReadinessCheck

/// A typed storage failure.
public struct StorageError: Error, Hashable, Sendable {
    public enum Code: String, Sendable {
        case conflict, notFound = "not_found", unavailable
        /// A value the store cannot hold as given (e.g. a vector of the wrong length).
        case invalid
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }
}

/// The keyword index of chunks. Indexing is an explicit step of ingestion (chunks are stored
/// unindexed); removing a document removes its entries.
public protocol KeywordIndex: Sendable {
    /// Adds the document's not yet indexed chunks to the index (idempotent).
    func indexKeywords(documentId: String) async throws
    /// BM25 keyword search (FTS5 or tsvector) over the owner's chunks; best first.
    func keywordSearch(ownerId: String, query: String, documentIds: [String]?, limit: Int) async throws -> [ChunkHit]
}

/// The keyword index of chunks, reading chunks back by id, and indexing progress, scoped to an
/// owner. Vectors are behind `VectorIndex`.
public protocol SearchRepository: KeywordIndex {
    /// How many chunks the document has.
    func chunkCount(documentId: String) async throws -> Int
    /// How many chunks the owner's documents have (only `documentIds` when given).
    func chunkCount(ownerId: String, documentIds: [String]?) async throws -> Int
    /// The owner's chunks by id (others' ids are skipped).
    func chunks(ids: [Int64], ownerId: String) async throws -> [ChunkHit]
    func setIndexStatus(documentId: String, _ status: IndexStatus) async throws
    func indexStatus(documentId: String) async throws -> IndexStatus?
}

/// Chats and their messages, scoped to the owner.
public protocol ChatRepository: Sendable {
    func createChat(_ chat: ChatRecord) async throws
    func chat(id: String, ownerId: String) async throws -> ChatRecord?
    func chats(ownerId: String, limit: Int, offset: Int) async throws -> Page<ChatRecord>
    func appendMessage(_ message: ChatMessageRecord, touching chatId: String, at date: Date) async throws
    func messages(chatId: String) async throws -> [ChatMessageRecord]
    func deleteChat(id: String, ownerId: String) async throws -> Bool
}

/// One row of LLM usage: a user's requests and tokens per day, provider and model.
public struct UsageRecord: Codable, Hashable, Sendable {
    public var day: String
    public var provider: String
    public var model: String
    public var requests: Int
    public var inputTokens: Int
    public var outputTokens: Int

    public init(day: String, provider: String, model: String, requests: Int, inputTokens: Int, outputTokens: Int) {
        self.day = day
        self.provider = provider
        self.model = model
        self.requests = requests
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
    }

    /// One request made now (the day is the UTC date).
    public static func request(provider: String, model: String, inputTokens: Int, outputTokens: Int, at date: Date = .now) -> UsageRecord {
        UsageRecord(day: String(date.formatted(.iso8601.year().month().day()).prefix(10)), provider: provider, model: model,
                    requests: 1, inputTokens: inputTokens, outputTokens: outputTokens)
    }
}

/// Per-user accounting of language-model use.
public protocol UsageRepository: Sendable {
    func recordUsage(userId: String, _ usage: UsageRecord) async throws
    func usage(userId: String) async throws -> [UsageRecord]
}

/// A personal API key for programmatic access (the key itself is never stored, only its SHA-256).
public struct APIKeyRecord: Codable, Hashable, Sendable {
    public var id: String
    public var userId: String
    public var name: String
    /// The first characters of the key (`dtk_ab12…`), shown in lists so users can tell keys apart.
    public var prefix: String
    public var keyHash: String
    public var createdAt: Date
    public var lastUsedAt: Date?
    public var revokedAt: Date?

    public init(id: String, userId: String, name: String, prefix: String, keyHash: String, createdAt: Date,
                lastUsedAt: Date? = nil, revokedAt: Date? = nil) {
        self.id = id
        self.userId = userId
        self.name = name
        self.prefix = prefix
        self.keyHash = keyHash
        self.createdAt = createdAt
        self.lastUsedAt = lastUsedAt
        self.revokedAt = revokedAt
    }
}

/// Users' API keys: created, listed and revoked by their owner; looked up by hash on each request.
public protocol APIKeyRepository: Sendable {
    func createAPIKey(_ key: APIKeyRecord) async throws
    /// The user's keys (revoked ones included), newest first.
    func apiKeys(userId: String) async throws -> [APIKeyRecord]
    /// Revokes one of the user's keys; false when it is unknown, someone else's or already revoked.
    func revokeAPIKey(id: String, userId: String, at date: Date) async throws -> Bool
    /// The active (not revoked) key with this hash, or nil.
    func activeAPIKey(hash: String) async throws -> APIKeyRecord?
    func touchAPIKey(id: String, at date: Date) async throws
}

/// A database engine's schema. Migrations run under the engine's lock (a lock file for SQLite,
/// an advisory lock for PostgreSQL), so every process may apply them at start.
public protocol SchemaMigrating: Sendable {
    /// Applies the pending migrations.
    func migrate() async throws
    /// The names of the migrations applied so far, in order.
    func appliedMigrations() async throws -> [String]
}

/// Everything the processes need from the database engine: the repositories, vector storage
/// for the embedded vector index, its schema, and whole-library export and import.
public typealias DatabaseStore = AppStore & VectorStorage & SchemaMigrating & LibraryTransferStore
