import DocuThinkerCore
import Foundation
import GRDB
import Storage

/// The schema's versions, applied in order by `SQLiteStore.migrate()` (under its lock).
extension SQLiteStore {
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
        migrator.registerMigration("v9-sentence-roles") { db in
            // A second upload of the same file is found by its checksum (the owner's documents).
            // Each sentence's role in the document's structure (body, heading, contents, notice…);
            // NULL for sentences stored before: readers label those documents from text and blocks.
            try db.execute(sql: """
                ALTER TABLE sentences ADD COLUMN role TEXT;
                CREATE INDEX documents_owner_sha256 ON documents(ownerId, sha256);
                """)
        }
        migrator.registerMigration("v10-outbox") { db in
            // Mail the product sent (password-reset links): the default mailer's delivery.
            try db.execute(sql: """
                CREATE TABLE outbox (
                    id TEXT PRIMARY KEY NOT NULL,
                    recipient TEXT NOT NULL,
                    subject TEXT NOT NULL,
                    body TEXT NOT NULL,
                    createdAt DATETIME NOT NULL
                );
                CREATE INDEX outbox_recipient ON outbox(recipient COLLATE NOCASE, createdAt);
                """)
        }
        migrator.registerMigration("v11-passkeys") { db in
            // WebAuthn credentials and the challenges of their ceremonies (one use, five minutes).
            try db.execute(sql: """
                CREATE TABLE passkeys (
                    id TEXT PRIMARY KEY NOT NULL,
                    userId TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                    name TEXT NOT NULL,
                    publicKey BLOB NOT NULL,
                    signCount INTEGER NOT NULL,
                    transports TEXT NOT NULL,
                    deviceType TEXT NOT NULL,
                    backedUp INTEGER NOT NULL,
                    createdAt DATETIME NOT NULL,
                    lastUsedAt DATETIME
                );
                CREATE INDEX passkeys_user ON passkeys(userId, createdAt);
                CREATE TABLE webauthn_challenges (
                    id TEXT PRIMARY KEY NOT NULL,
                    purpose TEXT NOT NULL,
                    userId TEXT,
                    challenge BLOB NOT NULL,
                    expiresAt DATETIME NOT NULL
                );
                """)
        }
        migrator.registerMigration("v12-graph") { db in
            // The knowledge graph as each document's contributions (deleted with the document).
            try db.execute(sql: """
                CREATE TABLE graph_entities (
                    documentId TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
                    ownerId TEXT NOT NULL,
                    key TEXT NOT NULL,
                    name TEXT NOT NULL,
                    type TEXT NOT NULL,
                    aliases TEXT NOT NULL,
                    mentions TEXT NOT NULL,
                    mentionCount INTEGER NOT NULL,
                    PRIMARY KEY (documentId, key)
                );
                CREATE INDEX graph_entities_owner_key ON graph_entities(ownerId, key);
                CREATE TABLE graph_relations (
                    documentId TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
                    ownerId TEXT NOT NULL,
                    source TEXT NOT NULL,
                    target TEXT NOT NULL,
                    label TEXT NOT NULL,
                    weight INTEGER NOT NULL,
                    mentions TEXT NOT NULL,
                    PRIMARY KEY (documentId, source, target, label)
                );
                CREATE INDEX graph_relations_owner_source ON graph_relations(ownerId, source);
                CREATE INDEX graph_relations_owner_target ON graph_relations(ownerId, target);
                """)
        }
        migrator.registerMigration("v13-graph-builds") { db in
            // Which extraction version built each document's graph (older ones are rebuilt).
            try db.execute(sql: """
                CREATE TABLE graph_builds (
                    documentId TEXT PRIMARY KEY NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
                    ownerId TEXT NOT NULL,
                    version INTEGER NOT NULL,
                    builtAt DATETIME NOT NULL
                );
                """)
        }
        migrator.registerMigration("v14-sessions") { db in
            // Access tokens carry the generation they were issued in; refresh tokens their sign-in.
            try db.execute(sql: """
                ALTER TABLE users ADD COLUMN sessionGeneration INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE refresh_tokens ADD COLUMN familyId TEXT;
                CREATE INDEX refresh_tokens_family ON refresh_tokens(familyId);
                """)
        }
        migrator.registerMigration("v15-ocr-quality") { db in
            // The OCR part of the quality report (pages read by OCR and their confidence), as JSON.
            try db.execute(sql: "ALTER TABLE documents ADD COLUMN qualityOCR TEXT")
        }
        return migrator
    }
}
