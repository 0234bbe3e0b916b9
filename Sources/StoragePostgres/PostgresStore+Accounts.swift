import DocuThinkerCore
public import Foundation
import PostgresNIO
public import Storage

extension PostgresStore: UserRepository, RefreshTokenRepository, AccountRepository, OutboxRepository, ReadinessCheck {
    static let userColumns = "id, email, password_hash, created_at, theme, social_links::text"

    static func user(_ row: PostgresRandomAccessRow) throws -> UserRecord {
        UserRecord(id: try row.get(0), email: try row.get(1), passwordHash: try row.get(2), createdAt: try row.get(3),
                   theme: try row.get(4), socialLinks: StoredJSON.value([String: String].self, from: try row.get(5)) ?? [:])
    }

    public func createUser(_ user: UserRecord) async throws {
        let links = try StoredJSON.text(user.socialLinks)
        do {
            try await execute("""
                INSERT INTO users (id, email, password_hash, created_at, theme, social_links)
                VALUES (\(user.id), \(user.email), \(user.passwordHash), \(user.createdAt), \(user.theme), \(links)::jsonb)
                """)
        } catch let error as StorageError where error.code == .conflict {
            throw StorageError(.conflict, "An account with this email already exists.")
        }
    }

    public func user(id: String) async throws -> UserRecord? {
        try await rows("SELECT \(unescaped: Self.userColumns) FROM users WHERE id = \(id)").first.map(Self.user)
    }

    public func user(email: String) async throws -> UserRecord? {
        try await rows("SELECT \(unescaped: Self.userColumns) FROM users WHERE lower(email) = lower(\(email))").first.map(Self.user)
    }

    public func saveRefreshToken(_ token: RefreshTokenRecord) async throws {
        try await execute("""
            INSERT INTO refresh_tokens (id, user_id, token_hash, expires_at, revoked_at, created_at, family_id)
            VALUES (\(token.id), \(token.userId), \(token.tokenHash), \(token.expiresAt), \(token.revokedAt), \(token.createdAt),
                    \(token.familyId))
            """)
    }

    public func refreshToken(hash: String) async throws -> RefreshTokenRecord? {
        try await rows("""
            SELECT id, user_id, token_hash, expires_at, revoked_at, created_at, family_id FROM refresh_tokens WHERE token_hash = \(hash)
            """).first.map {
            RefreshTokenRecord(id: try $0.get(0), userId: try $0.get(1), tokenHash: try $0.get(2), expiresAt: try $0.get(3),
                               revokedAt: try $0.get(4), createdAt: try $0.get(5), familyId: try $0.get(6))
        }
    }

    public func revokeRefreshFamily(_ family: String, at date: Date) async throws -> Int {
        try await rows("""
            UPDATE refresh_tokens SET revoked_at = \(date)
            WHERE (family_id = \(family) OR (family_id IS NULL AND id = \(family))) AND revoked_at IS NULL RETURNING id
            """).count
    }

    public func sessionGeneration(userId: String) async throws -> Int? {
        try await rows("SELECT session_generation FROM users WHERE id = \(userId)").first.map { try $0.get(0, as: Int.self) }
    }

    public func revokeRefreshToken(id: String, at date: Date) async throws -> Bool {
        try await !rows("UPDATE refresh_tokens SET revoked_at = \(date) WHERE id = \(id) AND revoked_at IS NULL RETURNING id").isEmpty
    }

    public func updateProfile(userId: String, theme: String, socialLinks: [String: String]) async throws -> UserRecord? {
        let links = try StoredJSON.text(socialLinks)
        return try await rows("""
            UPDATE users SET theme = \(theme), social_links = \(links)::jsonb WHERE id = \(userId) RETURNING \(unescaped: Self.userColumns)
            """).first.map(Self.user)
    }

    public func updatePassword(userId: String, passwordHash: String, at date: Date) async throws {
        try await transaction { connection in
            try await connection.execute(
                "UPDATE users SET password_hash = \(passwordHash), session_generation = session_generation + 1 WHERE id = \(userId)",
                logger: logger)
            try await connection.execute(
                "UPDATE refresh_tokens SET revoked_at = \(date) WHERE user_id = \(userId) AND revoked_at IS NULL", logger: logger)
            try await connection.execute(
                "UPDATE api_keys SET revoked_at = \(date) WHERE user_id = \(userId) AND revoked_at IS NULL", logger: logger)
        }
    }

    public func updateEmail(userId: String, email: String) async throws -> UserRecord? {
        do {
            return try await rows("""
                UPDATE users SET email = \(email) WHERE id = \(userId) RETURNING \(unescaped: Self.userColumns)
                """).first.map(Self.user)
        } catch let error as StorageError where error.code == .conflict {
            throw StorageError(.conflict, "An account with this email already exists.")
        }
    }

    public func enqueueMail(_ mail: MailRecord) async throws {
        try await execute("""
            INSERT INTO outbox (id, recipient, subject, body, created_at)
            VALUES (\(mail.id), \(mail.recipient), \(mail.subject), \(mail.body), \(mail.createdAt))
            """)
    }

    public func mails(recipient: String, limit: Int) async throws -> [MailRecord] {
        try await rows("""
            SELECT id, recipient, subject, body, created_at FROM outbox WHERE lower(recipient) = lower(\(recipient))
            ORDER BY created_at DESC, seq DESC LIMIT \(limit)
            """).map {
            MailRecord(id: try $0.get(0), recipient: try $0.get(1), subject: try $0.get(2), body: try $0.get(3), createdAt: try $0.get(4))
        }
    }

    public func savePasswordReset(_ reset: PasswordResetRecord) async throws {
        try await execute("""
            INSERT INTO password_resets (id, user_id, token_hash, expires_at, used_at, created_at)
            VALUES (\(reset.id), \(reset.userId), \(reset.tokenHash), \(reset.expiresAt), \(reset.usedAt), \(reset.createdAt))
            """)
    }

    public func consumePasswordReset(tokenHash: String, at date: Date) async throws -> String? {
        // One statement: two requests with the same token cannot both see it unused.
        try await rows("""
            UPDATE password_resets SET used_at = \(date)
            WHERE token_hash = \(tokenHash) AND used_at IS NULL AND expires_at > \(date) RETURNING user_id
            """).first.map { try $0.get(0, as: String.self) }
    }

    /// `SELECT 1`, answered within `pingTimeout` or failed as unreachable: readiness checks must
    /// not wait out the pool's minute of retries when the database is down.
    public func ping() async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await self.execute("SELECT 1") }
            group.addTask {
                try await Task.sleep(for: Self.pingTimeout)
                throw StorageError(.unavailable, "PostgreSQL (\(self.location)) cannot be reached: no answer within \(Self.pingTimeout).")
            }
            defer { group.cancelAll() }
            try await group.next()
        }
    }

    static let pingTimeout = Duration.seconds(3)
}

extension PostgresStore: APIKeyRepository {
    static func apiKey(_ row: PostgresRandomAccessRow) throws -> APIKeyRecord {
        APIKeyRecord(id: try row.get(0), userId: try row.get(1), name: try row.get(2), prefix: try row.get(3), keyHash: try row.get(4),
                     createdAt: try row.get(5), lastUsedAt: try row.get(6), revokedAt: try row.get(7))
    }

    static let apiKeyColumns = "id, user_id, name, prefix, key_hash, created_at, last_used_at, revoked_at"

    public func createAPIKey(_ key: APIKeyRecord) async throws {
        try await execute("""
            INSERT INTO api_keys (id, user_id, name, prefix, key_hash, created_at, last_used_at, revoked_at)
            VALUES (\(key.id), \(key.userId), \(key.name), \(key.prefix), \(key.keyHash), \(key.createdAt), \(key.lastUsedAt), \(key.revokedAt))
            """)
    }

    public func apiKeys(userId: String) async throws -> [APIKeyRecord] {
        try await rows("SELECT \(unescaped: Self.apiKeyColumns) FROM api_keys WHERE user_id = \(userId) ORDER BY created_at DESC, id")
            .map(Self.apiKey)
    }

    public func revokeAPIKey(id: String, userId: String, at date: Date) async throws -> Bool {
        try await !rows("""
            UPDATE api_keys SET revoked_at = \(date) WHERE id = \(id) AND user_id = \(userId) AND revoked_at IS NULL RETURNING id
            """).isEmpty
    }

    public func activeAPIKey(hash: String) async throws -> APIKeyRecord? {
        try await rows("SELECT \(unescaped: Self.apiKeyColumns) FROM api_keys WHERE key_hash = \(hash) AND revoked_at IS NULL")
            .first.map(Self.apiKey)
    }

    public func touchAPIKey(id: String, at date: Date) async throws {
        try await execute("UPDATE api_keys SET last_used_at = \(date) WHERE id = \(id)")
    }
}

extension PostgresStore: UsageRepository {
    public func recordUsage(userId: String, _ usage: UsageRecord) async throws {
        try await execute("""
            INSERT INTO llm_usage (user_id, day, provider, model, requests, input_tokens, output_tokens)
            VALUES (\(userId), \(usage.day), \(usage.provider), \(usage.model), \(usage.requests), \(usage.inputTokens), \(usage.outputTokens))
            ON CONFLICT (user_id, day, provider, model) DO UPDATE SET
                requests = llm_usage.requests + excluded.requests, input_tokens = llm_usage.input_tokens + excluded.input_tokens,
                output_tokens = llm_usage.output_tokens + excluded.output_tokens
            """)
    }

    public func usage(userId: String) async throws -> [UsageRecord] {
        try await rows("""
            SELECT day, provider, model, requests, input_tokens, output_tokens FROM llm_usage WHERE user_id = \(userId)
            ORDER BY day, provider, model
            """).map {
            UsageRecord(day: try $0.get(0), provider: try $0.get(1), model: try $0.get(2), requests: try $0.get(3),
                        inputTokens: try $0.get(4), outputTokens: try $0.get(5))
        }
    }
}
