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

/// What a person changes about their own account: profile preferences, password, resets.
public protocol AccountRepository: Sendable {
    /// Saves the theme and social links; returns the updated user, or nil when it does not exist.
    func updateProfile(userId: String, theme: String, socialLinks: [String: String]) async throws -> UserRecord?
    /// Replaces the password hash and revokes every refresh token of the user (all sessions end).
    func updatePassword(userId: String, passwordHash: String, at date: Date) async throws
    func savePasswordReset(_ reset: PasswordResetRecord) async throws
    /// Marks the unused, unexpired reset with this hash used and returns its user id; nil when
    /// the token is unknown, used or expired. Atomic: a token works once.
    func consumePasswordReset(tokenHash: String, at date: Date) async throws -> String?
}
