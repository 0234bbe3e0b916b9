import Foundation
import Logging
import PostgresNIO
public import Storage

/// The schema's versions, applied in order by `migrate()`. A PostgreSQL session advisory lock
/// serialises every process that migrates at once (several `ai` tasks starting together); each
/// migration runs in its own transaction with its row in `schema_migrations`.
extension PostgresStore: SchemaMigrating {
    /// A migration: its name and the statements it runs (one statement each).
    struct Migration {
        var name: String
        var statements: [String]
    }

    /// The advisory lock key (any constant: the same in every process of the product).
    static let migrationLock: Int64 = 0x646F_6375_7468_6B72

    public func migrate() async throws {
        try await mapErrors {
            try await client.withConnection { connection in
                try await requireVectorExtension(connection)
                try await connection.execute("SELECT pg_advisory_lock(\(Self.migrationLock))", logger: logger)
                do {
                    try await connection.execute("""
                        CREATE TABLE IF NOT EXISTS schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())
                        """, logger: logger)
                    let applied = Set(try await connection.rows("SELECT name FROM schema_migrations", logger: logger).map { try $0.get(0, as: String.self) })
                    for migration in Self.migrations where !applied.contains(migration.name) {
                        try await connection.execute("BEGIN", logger: logger)
                        do {
                            for statement in migration.statements {
                                try await connection.execute(PostgresQuery(unsafeSQL: statement), logger: logger)
                            }
                            try await connection.execute("INSERT INTO schema_migrations (name) VALUES (\(migration.name))", logger: logger)
                            try await connection.execute("COMMIT", logger: logger)
                        } catch {
                            try? await connection.execute("ROLLBACK", logger: logger)
                            throw error
                        }
                        logger.info("applied migration", metadata: ["migration": .string(migration.name)])
                    }
                } catch {
                    try? await connection.execute("SELECT pg_advisory_unlock(\(Self.migrationLock))", logger: logger)
                    throw error
                }
                try await connection.execute("SELECT pg_advisory_unlock(\(Self.migrationLock))", logger: logger)
            }
        }
    }

    public func appliedMigrations() async throws -> [String] {
        let known = Self.migrations.map(\.name)
        let applied = Set(try await rows("SELECT name FROM schema_migrations").map { try $0.get(0, as: String.self) })
        return known.filter(applied.contains)
    }

    /// The names of every migration this build knows, in order.
    public static var knownMigrations: [String] { migrations.map(\.name) }

    /// pgvector must be installed in the database; creating it needs a privileged role, so a
    /// server without it stops the start with the statement an administrator has to run.
    private func requireVectorExtension(_ connection: PostgresConnection) async throws {
        let installed = try await connection.rows("SELECT 1 FROM pg_extension WHERE extname = 'vector'", logger: logger)
        guard installed.isEmpty else { return }
        do {
            try await connection.execute("CREATE EXTENSION IF NOT EXISTS vector", logger: logger)
        } catch let error as PSQLError {
            let reason = error.serverInfo?[.message] ?? "\(error.code)"
            throw StorageError(.unavailable, """
                The PostgreSQL database at \(location) has no pgvector extension and DocuThinker could not create it (\(reason)). \
                Run `CREATE EXTENSION vector;` in that database as its administrator (RDS for PostgreSQL 15.2+ and Aurora ship pgvector), \
                or install pgvector on the server.
                """)
        }
    }

    static let migrations: [Migration] = [
        Migration(name: "v1-schema", statements: [
            """
            CREATE TABLE users (
                id text PRIMARY KEY,
                email text NOT NULL,
                password_hash text NOT NULL,
                created_at timestamptz NOT NULL,
                theme text NOT NULL DEFAULT 'system',
                social_links jsonb NOT NULL DEFAULT '{}'
            )
            """,
            "CREATE UNIQUE INDEX users_email ON users (lower(email))",
            """
            CREATE TABLE refresh_tokens (
                id text PRIMARY KEY,
                user_id text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                token_hash text NOT NULL UNIQUE,
                expires_at timestamptz NOT NULL,
                revoked_at timestamptz,
                created_at timestamptz NOT NULL
            )
            """,
            "CREATE INDEX refresh_tokens_user ON refresh_tokens (user_id)",
            """
            CREATE TABLE password_resets (
                id text PRIMARY KEY,
                user_id text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                token_hash text NOT NULL UNIQUE,
                expires_at timestamptz NOT NULL,
                used_at timestamptz,
                created_at timestamptz NOT NULL
            )
            """,
            "CREATE INDEX password_resets_user ON password_resets (user_id)",
            """
            CREATE TABLE api_keys (
                id text PRIMARY KEY,
                user_id text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                name text NOT NULL,
                prefix text NOT NULL,
                key_hash text NOT NULL UNIQUE,
                created_at timestamptz NOT NULL,
                last_used_at timestamptz,
                revoked_at timestamptz
            )
            """,
            "CREATE INDEX api_keys_user ON api_keys (user_id, created_at DESC)",
            """
            CREATE TABLE documents (
                id text PRIMARY KEY,
                seq bigint GENERATED ALWAYS AS IDENTITY,
                owner_id text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                title text NOT NULL,
                filename text,
                format text NOT NULL,
                status text NOT NULL,
                error text,
                error_message text,
                page_count bigint NOT NULL,
                size_bytes bigint NOT NULL,
                sha256 text NOT NULL,
                characters bigint NOT NULL,
                author text,
                object_key text NOT NULL,
                title_from_upload boolean NOT NULL DEFAULT true,
                quality_words bigint,
                quality_empty_pages bigint[] NOT NULL DEFAULT '{}',
                quality_likely_scanned boolean NOT NULL DEFAULT false,
                quality_language text NOT NULL DEFAULT 'und',
                quality_language_confidence double precision NOT NULL DEFAULT 0,
                quality_warnings text[] NOT NULL DEFAULT '{}',
                created_at timestamptz NOT NULL,
                updated_at timestamptz NOT NULL
            )
            """,
            "CREATE INDEX documents_owner_created ON documents (owner_id, created_at DESC, seq DESC)",
            "CREATE INDEX documents_owner_sha256 ON documents (owner_id, sha256)",
            "CREATE TABLE document_texts (document_id text PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE, text text NOT NULL)",
            """
            CREATE TABLE document_pages (
                document_id text NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
                number bigint NOT NULL, start_offset bigint NOT NULL, end_offset bigint NOT NULL,
                PRIMARY KEY (document_id, number)
            )
            """,
            """
            CREATE TABLE document_blocks (
                document_id text NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
                ordinal bigint NOT NULL, kind text NOT NULL, level bigint, page bigint NOT NULL,
                start_offset bigint NOT NULL, end_offset bigint NOT NULL,
                PRIMARY KEY (document_id, ordinal)
            )
            """,
            """
            CREATE TABLE sentences (
                document_id text NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
                ordinal bigint NOT NULL, page bigint NOT NULL, start_offset bigint NOT NULL, end_offset bigint NOT NULL, role text,
                PRIMARY KEY (document_id, ordinal)
            )
            """,
            """
            CREATE TABLE chunks (
                id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
                document_id text NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
                ordinal bigint NOT NULL, page bigint NOT NULL, page_end bigint NOT NULL,
                start_offset bigint NOT NULL, end_offset bigint NOT NULL, word_count bigint NOT NULL,
                text text NOT NULL,
                UNIQUE (document_id, ordinal)
            )
            """,
            // The keyword index: a chunk's row appears when the keyword-index stage runs (indexing
            // is an explicit step). A narrow table of its own, with the owner copied in: ranking
            // reads every matching row, and without the chunk text beside it that is a third of the pages.
            """
            CREATE TABLE chunk_terms (
                chunk_id bigint PRIMARY KEY REFERENCES chunks(id) ON DELETE CASCADE,
                owner_id text NOT NULL,
                document_id text NOT NULL,
                tsv tsvector NOT NULL
            )
            """,
            "CREATE INDEX chunk_terms_tsv ON chunk_terms USING gin (tsv)",
            // One row per chunk and embedding model; the owner and document are copied in so the
            // vector search filters without joins. HNSW indexes are made per model and dimension
            // by `PgVectorIndex` (the column itself has no fixed dimension).
            """
            CREATE TABLE chunk_vectors (
                chunk_id bigint NOT NULL REFERENCES chunks(id) ON DELETE CASCADE,
                model text NOT NULL,
                owner_id text NOT NULL,
                document_id text NOT NULL,
                embedding vector NOT NULL,
                PRIMARY KEY (chunk_id, model)
            )
            """,
            "CREATE INDEX chunk_vectors_owner ON chunk_vectors (model, owner_id, document_id)",
            "CREATE INDEX chunk_vectors_document ON chunk_vectors (document_id)",
            "CREATE TABLE vector_generations (owner_id text PRIMARY KEY, generation bigint NOT NULL)",
            """
            CREATE TABLE document_index (
                document_id text PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
                status text NOT NULL, indexed bigint NOT NULL, total bigint NOT NULL, model text NOT NULL, error text,
                updated_at timestamptz NOT NULL
            )
            """,
            """
            CREATE TABLE analyses (
                document_id text NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
                kind text NOT NULL, parameters text NOT NULL, engine text NOT NULL, engine_version text NOT NULL,
                result text NOT NULL,
                created_at timestamptz NOT NULL,
                PRIMARY KEY (document_id, kind, parameters, engine, engine_version)
            )
            """,
            """
            CREATE TABLE chats (
                id text PRIMARY KEY,
                seq bigint GENERATED ALWAYS AS IDENTITY,
                owner_id text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                title text NOT NULL,
                document_ids text[] NOT NULL,
                created_at timestamptz NOT NULL,
                updated_at timestamptz NOT NULL
            )
            """,
            "CREATE INDEX chats_owner ON chats (owner_id, updated_at DESC)",
            """
            CREATE TABLE chat_messages (
                id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
                chat_id text NOT NULL REFERENCES chats(id) ON DELETE CASCADE,
                role text NOT NULL, content text NOT NULL, found boolean, citations text NOT NULL,
                created_at timestamptz NOT NULL
            )
            """,
            "CREATE INDEX chat_messages_chat ON chat_messages (chat_id, id)",
            """
            CREATE TABLE llm_usage (
                user_id text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                day text NOT NULL, provider text NOT NULL, model text NOT NULL,
                requests bigint NOT NULL, input_tokens bigint NOT NULL, output_tokens bigint NOT NULL,
                PRIMARY KEY (user_id, day, provider, model)
            )
            """,
            """
            CREATE TABLE jobs (
                id text PRIMARY KEY,
                document_id text NOT NULL UNIQUE REFERENCES documents(id) ON DELETE CASCADE,
                owner_id text NOT NULL,
                state text NOT NULL, stage text NOT NULL,
                done bigint NOT NULL DEFAULT 0, total bigint NOT NULL DEFAULT 0, attempts bigint NOT NULL DEFAULT 0,
                lease_owner text, lease_expires_at timestamptz,
                error_code text, error_message text,
                served_at timestamptz,
                created_at timestamptz NOT NULL, updated_at timestamptz NOT NULL
            )
            """,
            "CREATE INDEX jobs_state ON jobs (state, created_at)",
            "CREATE INDEX jobs_owner_served ON jobs (owner_id, served_at)",
        ]),
        Migration(name: "v2-outbox", statements: [
            """
            CREATE TABLE outbox (
                id text PRIMARY KEY,
                seq bigint GENERATED ALWAYS AS IDENTITY,
                recipient text NOT NULL, subject text NOT NULL, body text NOT NULL,
                created_at timestamptz NOT NULL
            )
            """,
            "CREATE INDEX outbox_recipient ON outbox (lower(recipient), created_at)",
        ]),
        Migration(name: "v3-passkeys", statements: [
            """
            CREATE TABLE passkeys (
                id text PRIMARY KEY,
                user_id text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                name text NOT NULL, public_key bytea NOT NULL, sign_count bigint NOT NULL,
                transports text[] NOT NULL, device_type text NOT NULL, backed_up boolean NOT NULL,
                created_at timestamptz NOT NULL, last_used_at timestamptz
            )
            """,
            "CREATE INDEX passkeys_user ON passkeys (user_id, created_at)",
            """
            CREATE TABLE webauthn_challenges (
                id text PRIMARY KEY, purpose text NOT NULL, user_id text, challenge bytea NOT NULL, expires_at timestamptz NOT NULL
            )
            """,
        ]),
        Migration(name: "v4-graph", statements: [
            """
            CREATE TABLE graph_entities (
                document_id text NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
                owner_id text NOT NULL, key text NOT NULL, name text NOT NULL, type text NOT NULL,
                aliases jsonb NOT NULL, mentions jsonb NOT NULL, mention_count bigint NOT NULL,
                PRIMARY KEY (document_id, key)
            )
            """,
            "CREATE INDEX graph_entities_owner_key ON graph_entities (owner_id, key)",
            """
            CREATE TABLE graph_relations (
                document_id text NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
                owner_id text NOT NULL, source text NOT NULL, target text NOT NULL, label text NOT NULL,
                weight bigint NOT NULL, mentions jsonb NOT NULL,
                PRIMARY KEY (document_id, source, target, label)
            )
            """,
            "CREATE INDEX graph_relations_owner_source ON graph_relations (owner_id, source)",
            "CREATE INDEX graph_relations_owner_target ON graph_relations (owner_id, target)",
        ]),
        Migration(name: "v5-graph-builds", statements: [
            """
            CREATE TABLE graph_builds (
                document_id text PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
                owner_id text NOT NULL, version bigint NOT NULL, built_at timestamptz NOT NULL
            )
            """,
        ]),
        Migration(name: "v6-sessions", statements: [
            "ALTER TABLE users ADD COLUMN session_generation bigint NOT NULL DEFAULT 0",
            "ALTER TABLE refresh_tokens ADD COLUMN family_id text",
            "CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id)",
        ]),
        // The OCR part of the quality report (pages read by OCR and their confidence), as JSON.
        Migration(name: "v7-ocr-quality", statements: [
            "ALTER TABLE documents ADD COLUMN quality_ocr text",
        ]),
    ]
}

extension PostgresStore {
    /// Creates an empty database on this server (development and test tooling: one database per
    /// test run). The name is letters, digits and underscores only.
    public func createDatabase(named name: String) async throws {
        guard !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
            throw StorageError(.invalid, "A database name is letters, digits and underscores (got \(name)).")
        }
        try await execute("CREATE DATABASE \(unescaped: name)")
    }
}
