import DocuThinkerCore
public import Foundation
public import Storage
public import GRDB

/// The embedded store: one SQLite database in WAL mode (GRDB `DatabasePool`). Opening never
/// migrates: `migrate()` does, under a lock, before a server starts (see `StoreFactory`).
public final class SQLiteStore: Sendable {
    /// The underlying pool; readers run concurrently with one writer. Only this target uses it.
    let pool: DatabasePool
    /// The database file.
    public let path: String

    /// Opens (creating if needed) the database at `path`. Several processes may open the same
    /// file at once (`api` and `ai`): the busy timeout is set before any pragma, and switching
    /// to WAL is retried while another process holds the lock.
    public init(path: String) throws {
        self.path = path
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        var attempt = 0
        while true {
            do {
                pool = try DatabasePool(path: path, configuration: configuration)
                return
            } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_LOCKED {
                attempt += 1
                guard attempt < 50 else { throw error }
                usleep(UInt32(20_000 + attempt * 10_000))
            }
        }
    }

    /// Applies pending migrations. Safe to call from every process at once: an exclusive lock on
    /// a file beside the database serialises them, and each migration is applied once.
    public func migrate() throws {
        let lockPath = path + ".migrate-lock"
        let descriptor = open(lockPath, O_CREAT | O_RDWR | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw StorageError(.unavailable, "Cannot open \(lockPath) (errno \(errno)).") }
        defer { close(descriptor) }
        while flock(descriptor, LOCK_EX) != 0 {
            guard errno == EINTR else { throw StorageError(.unavailable, "Cannot lock \(lockPath) (errno \(errno)).") }
        }
        defer { flock(descriptor, LOCK_UN) }
        do {
            try Self.migrator.migrate(pool)
        } catch let error as DatabaseError {
            throw StorageError(.unavailable, "The database \(path) could not be migrated: \(error.message ?? "\(error)") (\(error.resultCode)).")
        }
    }

    /// The names of the migrations applied so far.
    public func appliedMigrations() throws -> [String] {
        try pool.read { db in try Self.migrator.appliedMigrations(db) }
    }

    /// SQLite's journal mode (`wal` once opened).
    public func journalMode() throws -> String {
        try pool.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "" }
    }

    /// The names of every migration this build knows, in order.
    public static var knownMigrations: [String] { migrator.migrations }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-users-documents") { db in
            try db.execute(sql: """
                CREATE TABLE users (
                    id TEXT PRIMARY KEY NOT NULL,
                    email TEXT NOT NULL UNIQUE COLLATE NOCASE,
                    passwordHash TEXT NOT NULL,
                    createdAt DATETIME NOT NULL
                );
                CREATE TABLE refresh_tokens (
                    id TEXT PRIMARY KEY NOT NULL,
                    userId TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                    tokenHash TEXT NOT NULL UNIQUE,
                    expiresAt DATETIME NOT NULL,
                    revokedAt DATETIME,
                    createdAt DATETIME NOT NULL
                );
                CREATE INDEX refresh_tokens_user ON refresh_tokens(userId);
                CREATE TABLE documents (
                    id TEXT PRIMARY KEY NOT NULL,
                    ownerId TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                    title TEXT NOT NULL,
                    filename TEXT,
                    format TEXT NOT NULL,
                    status TEXT NOT NULL,
                    error TEXT,
                    pageCount INTEGER NOT NULL,
                    sizeBytes INTEGER NOT NULL,
                    sha256 TEXT NOT NULL,
                    characters INTEGER NOT NULL,
                    author TEXT,
                    qualityJSON TEXT NOT NULL,
                    objectKey TEXT NOT NULL,
                    createdAt DATETIME NOT NULL,
                    updatedAt DATETIME NOT NULL
                );
                CREATE INDEX documents_owner_created ON documents(ownerId, createdAt DESC);
                CREATE TABLE document_texts (
                    documentId TEXT PRIMARY KEY NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
                    text TEXT NOT NULL
                );
                CREATE TABLE document_pages (
                    documentId TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
                    number INTEGER NOT NULL,
                    startOffset INTEGER NOT NULL,
                    endOffset INTEGER NOT NULL,
                    PRIMARY KEY (documentId, number)
                ) WITHOUT ROWID;
                CREATE TABLE document_blocks (
                    documentId TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
                    ordinal INTEGER NOT NULL,
                    kind TEXT NOT NULL,
                    level INTEGER,
                    page INTEGER NOT NULL,
                    startOffset INTEGER NOT NULL,
                    endOffset INTEGER NOT NULL,
                    PRIMARY KEY (documentId, ordinal)
                ) WITHOUT ROWID;
                CREATE TABLE chunks (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    documentId TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
                    ordinal INTEGER NOT NULL,
                    page INTEGER NOT NULL,
                    pageEnd INTEGER NOT NULL,
                    startOffset INTEGER NOT NULL,
                    endOffset INTEGER NOT NULL,
                    wordCount INTEGER NOT NULL,
                    text TEXT NOT NULL,
                    UNIQUE (documentId, ordinal)
                );
                """)
        }
        migrator.registerMigration("v2-analyses") { db in
            try db.execute(sql: """
                CREATE TABLE analyses (
                    documentId TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
                    kind TEXT NOT NULL,
                    parameters TEXT NOT NULL,
                    engine TEXT NOT NULL,
                    engineVersion TEXT NOT NULL,
                    result TEXT NOT NULL,
                    createdAt DATETIME NOT NULL,
                    PRIMARY KEY (documentId, kind, parameters, engine, engineVersion)
                ) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("v3-search") { db in
            try db.execute(sql: """
                CREATE VIRTUAL TABLE chunks_fts USING fts5(
                    text, content='chunks', content_rowid='id', tokenize='porter unicode61 remove_diacritics 2'
                );
                INSERT INTO chunks_fts (rowid, text) SELECT id, text FROM chunks;
                CREATE TRIGGER chunks_fts_insert AFTER INSERT ON chunks BEGIN
                    INSERT INTO chunks_fts (rowid, text) VALUES (new.id, new.text);
                END;
                CREATE TRIGGER chunks_fts_delete AFTER DELETE ON chunks BEGIN
                    INSERT INTO chunks_fts (chunks_fts, rowid, text) VALUES ('delete', old.id, old.text);
                END;
                CREATE TABLE chunk_vectors (
                    chunkId INTEGER PRIMARY KEY REFERENCES chunks(id) ON DELETE CASCADE,
                    model TEXT NOT NULL,
                    vector BLOB NOT NULL
                );
                CREATE TABLE document_index (
                    documentId TEXT PRIMARY KEY NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
                    status TEXT NOT NULL,
                    indexed INTEGER NOT NULL,
                    total INTEGER NOT NULL,
                    model TEXT NOT NULL,
                    error TEXT,
                    updatedAt DATETIME NOT NULL
                ) WITHOUT ROWID;
                CREATE TABLE chats (
                    id TEXT PRIMARY KEY NOT NULL,
                    ownerId TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                    title TEXT NOT NULL,
                    documentIds TEXT NOT NULL,
                    createdAt DATETIME NOT NULL,
                    updatedAt DATETIME NOT NULL
                );
                CREATE INDEX chats_owner ON chats(ownerId, updatedAt DESC);
                CREATE TABLE chat_messages (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    chatId TEXT NOT NULL REFERENCES chats(id) ON DELETE CASCADE,
                    role TEXT NOT NULL,
                    content TEXT NOT NULL,
                    found INTEGER,
                    citations TEXT NOT NULL,
                    createdAt DATETIME NOT NULL
                );
                CREATE INDEX chat_messages_chat ON chat_messages(chatId, id);
                """)
        }
        migrator.registerMigration("v4-llm-usage") { db in
            try db.execute(sql: """
                CREATE TABLE llm_usage (
                    userId TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                    day TEXT NOT NULL,
                    provider TEXT NOT NULL,
                    model TEXT NOT NULL,
                    requests INTEGER NOT NULL,
                    inputTokens INTEGER NOT NULL,
                    outputTokens INTEGER NOT NULL,
                    PRIMARY KEY (userId, day, provider, model)
                ) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("v5-api-keys-vector-generations") { db in
            try db.execute(sql: """
                CREATE TABLE api_keys (
                    id TEXT PRIMARY KEY NOT NULL,
                    userId TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                    name TEXT NOT NULL,
                    prefix TEXT NOT NULL,
                    keyHash TEXT NOT NULL UNIQUE,
                    createdAt DATETIME NOT NULL,
                    lastUsedAt DATETIME,
                    revokedAt DATETIME
                );
                CREATE INDEX api_keys_user ON api_keys(userId, createdAt DESC);
                CREATE TABLE vector_generations (
                    ownerId TEXT PRIMARY KEY NOT NULL,
                    generation INTEGER NOT NULL
                ) WITHOUT ROWID;
                CREATE TRIGGER chunk_vectors_generation AFTER INSERT ON chunk_vectors BEGIN
                    INSERT INTO vector_generations (ownerId, generation)
                    SELECT d.ownerId, 1 FROM chunks c JOIN documents d ON d.id = c.documentId WHERE c.id = new.chunkId
                    ON CONFLICT (ownerId) DO UPDATE SET generation = generation + 1;
                END;
                CREATE TRIGGER documents_vector_generation AFTER DELETE ON documents BEGIN
                    INSERT INTO vector_generations (ownerId, generation) VALUES (old.ownerId, 1)
                    ON CONFLICT (ownerId) DO UPDATE SET generation = generation + 1;
                END;
                """)
        }
        migrator.registerMigration("v6-profiles-password-resets") { db in
            try db.execute(sql: """
                ALTER TABLE users ADD COLUMN theme TEXT NOT NULL DEFAULT 'system';
                ALTER TABLE users ADD COLUMN socialLinks TEXT NOT NULL DEFAULT '{}';
                CREATE TABLE password_resets (
                    id TEXT PRIMARY KEY NOT NULL,
                    userId TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                    tokenHash TEXT NOT NULL UNIQUE,
                    expiresAt DATETIME NOT NULL,
                    usedAt DATETIME,
                    createdAt DATETIME NOT NULL
                );
                CREATE INDEX password_resets_user ON password_resets(userId);
                """)
        }
        migrator.registerMigration("v7-jobs-sentences-keyword-step") { db in
            // Ingestion becomes persisted jobs; keyword indexing an explicit step (chunks are
            // inserted unindexed, the pipeline indexes them); sentences are stored at import.
            try db.execute(sql: """
                ALTER TABLE documents ADD COLUMN errorMessage TEXT;
                ALTER TABLE documents ADD COLUMN titleFromUpload INTEGER NOT NULL DEFAULT 1;
                ALTER TABLE chunks ADD COLUMN keywordIndexed INTEGER NOT NULL DEFAULT 1;
                DROP TRIGGER chunks_fts_insert;
                DROP TRIGGER chunks_fts_delete;
                CREATE TRIGGER chunks_fts_delete AFTER DELETE ON chunks WHEN old.keywordIndexed = 1 BEGIN
                    INSERT INTO chunks_fts (chunks_fts, rowid, text) VALUES ('delete', old.id, old.text);
                END;
                CREATE TABLE sentences (
                    documentId TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
                    ordinal INTEGER NOT NULL,
                    page INTEGER NOT NULL,
                    startOffset INTEGER NOT NULL,
                    endOffset INTEGER NOT NULL,
                    PRIMARY KEY (documentId, ordinal)
                ) WITHOUT ROWID;
                CREATE TABLE jobs (
                    id TEXT PRIMARY KEY NOT NULL,
                    documentId TEXT NOT NULL UNIQUE REFERENCES documents(id) ON DELETE CASCADE,
                    ownerId TEXT NOT NULL,
                    state TEXT NOT NULL,
                    stage TEXT NOT NULL,
                    done INTEGER NOT NULL DEFAULT 0,
                    total INTEGER NOT NULL DEFAULT 0,
                    attempts INTEGER NOT NULL DEFAULT 0,
                    leaseOwner TEXT,
                    leaseExpiresAt DATETIME,
                    errorCode TEXT,
                    errorMessage TEXT,
                    servedAt DATETIME,
                    createdAt DATETIME NOT NULL,
                    updatedAt DATETIME NOT NULL
                );
                CREATE INDEX jobs_state ON jobs(state, createdAt);
                CREATE INDEX jobs_owner_served ON jobs(ownerId, servedAt);
                INSERT INTO jobs (id, documentId, ownerId, state, stage, createdAt, updatedAt)
                SELECT lower(hex(randomblob(16))), d.id, d.ownerId, 'queued', 'embeddings', d.createdAt, d.createdAt
                FROM documents d LEFT JOIN document_index i ON i.documentId = d.id
                WHERE i.documentId IS NULL OR i.status != 'ready';
                """)
        }
        migrator.registerMigration("v8-typed-quality") { db in
            // The quality report moves from a JSON string into columns, so listing documents
            // reads it without decoding JSON; its characters and page count are the document's own.
            try db.execute(sql: """
                ALTER TABLE documents ADD COLUMN qualityWords INTEGER;
                ALTER TABLE documents ADD COLUMN qualityEmptyPages TEXT NOT NULL DEFAULT '';
                ALTER TABLE documents ADD COLUMN qualityLikelyScanned INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE documents ADD COLUMN qualityLanguage TEXT NOT NULL DEFAULT 'und';
                ALTER TABLE documents ADD COLUMN qualityLanguageConfidence REAL NOT NULL DEFAULT 0;
                ALTER TABLE documents ADD COLUMN qualityWarnings TEXT NOT NULL DEFAULT '[]';
                UPDATE documents SET
                    qualityWords = json_extract(qualityJSON, '$.words'),
                    qualityEmptyPages = COALESCE((SELECT group_concat(value, ',') FROM json_each(documents.qualityJSON, '$.emptyPages')), ''),
                    qualityLikelyScanned = COALESCE(json_extract(qualityJSON, '$.likelyScanned'), 0),
                    qualityLanguage = COALESCE(json_extract(qualityJSON, '$.language'), 'und'),
                    qualityLanguageConfidence = COALESCE(json_extract(qualityJSON, '$.languageConfidence'), 0),
                    qualityWarnings = COALESCE(json_extract(qualityJSON, '$.warnings'), '[]')
                WHERE json_valid(qualityJSON) AND json_type(qualityJSON, '$.words') = 'integer';
                ALTER TABLE documents DROP COLUMN qualityJSON;
                """)
        }
        return migrator
    }
}

extension UserRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "users"
}

extension RefreshTokenRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "refresh_tokens"
}

extension APIKeyRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "api_keys"
}

extension DocumentRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "documents"

    /// The columns every fetch of a document selects, in the order `init(row:)` reads them.
    static let columnNames = [
        "id", "ownerId", "title", "filename", "format", "status", "error", "pageCount", "sizeBytes", "sha256", "characters",
        "author", "objectKey", "createdAt", "updatedAt", "errorMessage", "qualityWords", "qualityEmptyPages",
        "qualityLikelyScanned", "qualityLanguage", "qualityLanguageConfidence", "qualityWarnings",
    ]
    /// `SELECT \(DocumentRecord.selection) FROM documents …`.
    static let selection = columnNames.joined(separator: ", ")

    /// Reads the columns by position (select them with `selection`): GRDB's Codable path cost a
    /// tenth of a library-list request, and a lookup by name scans the columns each time.
    public init(row: Row) throws {
        assert(row.columnNames.elementsEqual(Self.columnNames), "select DocumentRecord.selection")
        let pageCount: Int = row[7]
        let characters: Int = row[10]
        var quality: QualityReport?
        if let words: Int = row[16] {
            let emptyPages: String = row[17]
            let warnings: String = row[21]
            quality = QualityReport(
                characters: characters, words: words, pageCount: pageCount,
                emptyPages: emptyPages.isEmpty ? [] : emptyPages.split(separator: ",").compactMap { Int($0) },
                likelyScanned: row[18], language: row[19], languageConfidence: row[20],
                warnings: warnings == "[]" ? [] : (try? JSONDecoder().decode([String].self, from: Data(warnings.utf8))) ?? [])
        }
        self.init(
            id: row[0], ownerId: row[1], title: row[2], filename: row[3],
            format: DocumentFormat(rawValue: row[4]) ?? .text,
            status: DocumentStatus(rawValue: row[5]) ?? .failed, error: row[6], pageCount: pageCount,
            sizeBytes: row[8], sha256: row[9], characters: characters, author: row[11],
            quality: quality, objectKey: row[12], createdAt: row[13], updatedAt: row[14], errorMessage: row[15])
    }

    /// Writes the columns by name, the quality report in its own columns (see `init(row:)`).
    public func encode(to container: inout PersistenceContainer) throws {
        container["id"] = id
        container["ownerId"] = ownerId
        container["title"] = title
        container["filename"] = filename
        container["format"] = format.rawValue
        container["status"] = status.rawValue
        container["error"] = error
        container["pageCount"] = pageCount
        container["sizeBytes"] = sizeBytes
        container["sha256"] = sha256
        container["characters"] = characters
        container["author"] = author
        container["objectKey"] = objectKey
        container["createdAt"] = createdAt
        container["updatedAt"] = updatedAt
        container["errorMessage"] = errorMessage
        for (column, value) in Self.qualityColumns(quality) { container[column] = value }
    }

    /// The quality columns' values for a report (nil: not extracted yet).
    static func qualityColumns(_ quality: QualityReport?) -> [(String, (any DatabaseValueConvertible)?)] {
        guard let quality else { return [("qualityWords", nil)] }
        let warnings = quality.warnings.isEmpty ? "[]" : String(decoding: (try? JSONEncoder().encode(quality.warnings)) ?? Data("[]".utf8), as: UTF8.self)
        return [
            ("qualityWords", quality.words),
            ("qualityEmptyPages", quality.emptyPages.map(String.init).joined(separator: ",")),
            ("qualityLikelyScanned", quality.likelyScanned),
            ("qualityLanguage", quality.language),
            ("qualityLanguageConfidence", quality.languageConfidence),
            ("qualityWarnings", warnings),
        ]
    }
}

extension SQLiteStore: SchemaMigrating {}
