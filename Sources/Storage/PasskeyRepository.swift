public import Foundation

/// A passkey (WebAuthn credential) of a user. The public key is the P-256 point (`04||x||y`);
/// the counter is the authenticator's signature counter, which must grow at every sign-in.
public struct PasskeyRecord: Codable, Hashable, Sendable {
    /// The credential id, base64url.
    public var id: String
    public var userId: String
    public var name: String
    public var publicKey: Data
    public var signCount: Int64
    public var transports: [String]
    /// `singleDevice` or `multiDevice` (a passkey a password manager syncs).
    public var deviceType: String
    public var backedUp: Bool
    public var createdAt: Date
    public var lastUsedAt: Date?

    public init(id: String, userId: String, name: String, publicKey: Data, signCount: Int64, transports: [String], deviceType: String,
                backedUp: Bool, createdAt: Date, lastUsedAt: Date? = nil) {
        self.id = id
        self.userId = userId
        self.name = name
        self.publicKey = publicKey
        self.signCount = signCount
        self.transports = transports
        self.deviceType = deviceType
        self.backedUp = backedUp
        self.createdAt = createdAt
        self.lastUsedAt = lastUsedAt
    }
}

/// A WebAuthn challenge between its options and its verification: one use, five minutes.
public struct WebAuthnChallengeRecord: Codable, Hashable, Sendable {
    /// The flow id the client sends back.
    public var id: String
    /// `registration` or `authentication`.
    public var purpose: String
    /// The user registering (nil at sign-in).
    public var userId: String?
    public var challenge: Data
    public var expiresAt: Date

    public init(id: String, purpose: String, userId: String?, challenge: Data, expiresAt: Date) {
        self.id = id
        self.purpose = purpose
        self.userId = userId
        self.challenge = challenge
        self.expiresAt = expiresAt
    }
}

/// Passkeys and the challenges of their ceremonies.
public protocol PasskeyRepository: Sendable {
    /// Stores a new passkey; `StorageError(.conflict)` when the credential id is registered already.
    func savePasskey(_ passkey: PasskeyRecord) async throws
    func passkey(id: String) async throws -> PasskeyRecord?
    /// A user's passkeys, newest first.
    func passkeys(userId: String) async throws -> [PasskeyRecord]
    /// Renames the user's passkey; nil when it is not theirs.
    func renamePasskey(id: String, userId: String, name: String) async throws -> PasskeyRecord?
    /// Deletes the user's passkey; false when it is not theirs.
    func deletePasskey(id: String, userId: String) async throws -> Bool
    /// Records a sign-in: sets the counter and the time, only if the stored counter is still
    /// `expected` (two sign-ins with one counter value cannot both succeed). False otherwise.
    func recordPasskeyUse(id: String, expected: Int64, signCount: Int64, at date: Date) async throws -> Bool
    func saveChallenge(_ challenge: WebAuthnChallengeRecord) async throws
    /// Removes and returns the challenge (a flow is verified once), expired or not.
    func takeChallenge(id: String) async throws -> WebAuthnChallengeRecord?
}
