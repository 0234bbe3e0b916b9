public import Foundation
public import GRDB

/// The embedded store: one SQLite database in WAL mode (GRDB `DatabasePool`), migrated on open.
public final class SQLiteStore: Sendable {
    /// The underlying pool; readers run concurrently with one writer.
    public let pool: DatabasePool

    /// Opens (creating if needed) the database at `path` and applies pending migrations.
    public init(path: String) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(5)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        pool = try DatabasePool(path: path, configuration: configuration)
        try Self.migrator.migrate(pool)
    }

    /// The names of the migrations applied so far.
    public func appliedMigrations() throws -> [String] {
        try pool.read { db in try Self.migrator.appliedMigrations(db) }
    }

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

    /// Reads the columns by name directly: GRDB's Codable path cost a tenth of a library-list request.
    public init(row: Row) throws {
        self.init(
            id: row["id"], ownerId: row["ownerId"], title: row["title"], filename: row["filename"], format: row["format"],
            status: DocumentStatus(rawValue: row["status"]) ?? .failed, error: row["error"], pageCount: row["pageCount"],
            sizeBytes: row["sizeBytes"], sha256: row["sha256"], characters: row["characters"], author: row["author"],
            qualityJSON: row["qualityJSON"], objectKey: row["objectKey"], createdAt: row["createdAt"], updatedAt: row["updatedAt"])
    }
}
