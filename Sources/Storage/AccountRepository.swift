public import Foundation

/// A one-time password-reset token, stored only as the SHA-256 of its value.
public struct PasswordResetRecord: Codable, Hashable, Sendable {
    public var id: String
    public var userId: String
    public var tokenHash: String
    public var expiresAt: Date
    public var usedAt: Date?
    public var createdAt: Date

    public init(id: String, userId: String, tokenHash: String, expiresAt: Date, usedAt: Date? = nil, createdAt: Date) {
        self.id = id
        self.userId = userId
        self.tokenHash = tokenHash
        self.expiresAt = expiresAt
        self.usedAt = usedAt
        self.createdAt = createdAt
    }
}

/// A message the product sends a person (a password-reset link), kept in the outbox table: the
/// default mailer's delivery, and the record of what was sent whatever the mailer.
public struct MailRecord: Codable, Hashable, Sendable {
    public var id: String
    public var recipient: String
    public var subject: String
    public var body: String
    public var createdAt: Date

    public init(id: String, recipient: String, subject: String, body: String, createdAt: Date) {
        self.id = id
        self.recipient = recipient
        self.subject = subject
        self.body = body
        self.createdAt = createdAt
    }
}

/// The outbox: mail the product sent, newest first per recipient.
public protocol OutboxRepository: Sendable {
    func enqueueMail(_ mail: MailRecord) async throws
    /// The most recent messages to this address (case-insensitive), newest first.
    func mails(recipient: String, limit: Int) async throws -> [MailRecord]
}

/// What a person changes about their own account: profile preferences, password, resets.
public protocol AccountRepository: Sendable {
    /// Saves the theme and social links; returns the updated user, or nil when it does not exist.
    func updateProfile(userId: String, theme: String, socialLinks: [String: String]) async throws -> UserRecord?
    /// Replaces the password hash and ends every way into the account, in one transaction: every
    /// refresh token and API key of the user is revoked and the session generation advances (so
    /// access tokens issued before stop working).
    func updatePassword(userId: String, passwordHash: String, at date: Date) async throws
    /// The user's session generation (advanced by `updatePassword`); nil when the user is gone.
    func sessionGeneration(userId: String) async throws -> Int?
    /// Changes the sign-in email; returns the updated user, or nil when it does not exist. Throws
    /// `StorageError(.conflict)` when another account has this email (compared ignoring case).
    func updateEmail(userId: String, email: String) async throws -> UserRecord?
    func savePasswordReset(_ reset: PasswordResetRecord) async throws
    /// Marks the unused, unexpired reset with this hash used and returns its user id; nil when
    /// the token is unknown, used or expired. Atomic: a token works once.
    func consumePasswordReset(tokenHash: String, at date: Date) async throws -> String?
}
