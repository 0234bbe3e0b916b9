import DocuThinkerCore
import Crypto
public import Foundation
import JWTKit
import WebAuthn

/// Issues and verifies short-lived HS256 access tokens and opaque refresh tokens.
public struct TokenService: Sendable {
    private let keys: JWTKeyCollection
    private let verified = VerifiedTokens()
    public let accessLifetime: Duration
    public let refreshLifetime: Duration
    /// Seals and opens the links that confirm a sign-up's email.
    let signups: SignupSeal

    /// The claims of an access token.
    struct AccessClaims: JWTPayload {
        var sub: SubjectClaim
        var exp: ExpirationClaim
        var iat: IssuedAtClaim
        var typ: String
        /// The user's session generation when issued (a password change or reset advances it).
        var gen: Int?
        /// The sign-in (refresh-token family) it belongs to: signing out or a replayed refresh token ends it.
        var sid: String?
        /// This token's id (signing out denies it until it expires).
        var jti: String?

        func verify(using algorithm: some JWTAlgorithm) async throws {
            try exp.verifyNotExpired()
            guard typ == "access" else { throw JWTError.claimVerificationFailure(failedClaim: nil, reason: "not an access token") }
        }
    }

    /// The key id (`kid`) tokens signed with the current secret carry.
    let signingKey: JWKIdentifier

    /// Signs with `secret` (HS256, its `kid` in the header) and also verifies tokens signed with
    /// `previousSecrets` (by their `kid`), so rotating the secret signs nobody out. Tokens without
    /// a `kid` (issued before keys had ids) are checked against the current secret.
    public init(secret: String, previousSecrets: [String] = [], accessLifetime: Duration, refreshLifetime: Duration) async {
        keys = JWTKeyCollection()
        signingKey = Self.keyIdentifier(secret)
        // The first key added is also the default: the one a token without `kid` is checked with.
        await keys.add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256, kid: signingKey)
        for previous in previousSecrets where previous != secret {
            await keys.add(hmac: HMACKey(from: previous), digestAlgorithm: .sha256, kid: Self.keyIdentifier(previous))
        }
        self.accessLifetime = accessLifetime
        self.refreshLifetime = refreshLifetime
        signups = SignupSeal(secret: secret, previousSecrets: previousSecrets)
    }

    /// A secret's key id: `k` and the first 12 hex digits of its SHA-256 (names the key, reveals nothing usable).
    static func keyIdentifier(_ secret: String) -> JWKIdentifier {
        JWKIdentifier(string: "k" + SHA256.hash(data: Data(secret.utf8)).hexString.prefix(12))
    }

    /// What a verified access token says.
    public struct AccessToken: Sendable, Hashable {
        public var userId: String
        public var generation: Int
        public var session: String?
        public var id: String?
        public var expires: Date
    }

    /// A signed access token for `userId` that expires `accessLifetime` after `now`, issued in the
    /// user's session `generation` for the sign-in `session`.
    public func issueAccessToken(userId: String, generation: Int = 0, session: String? = nil, now: Date = .now) async throws -> String {
        let claims = AccessClaims(
            sub: .init(value: userId), exp: .init(value: now.addingTimeInterval(accessLifetime.seconds)),
            iat: .init(value: now), typ: "access", gen: generation, sid: session, jti: UUID().uuidString.lowercased())
        return try await keys.sign(claims, kid: signingKey)
    }

    /// The user id of a valid, unexpired access token, or nil.
    public func verifyAccessToken(_ token: String, now: Date = .now) async -> String? {
        await accessToken(token, now: now)?.userId
    }

    /// A valid, unexpired access token's claims, or nil. Only HS256 with this service's key is
    /// accepted (`alg: none` and other algorithms are refused by the key collection).
    /// A token verified once is remembered (by its exact text, so by its signature) until it
    /// expires: every later request with it skips the JSON decoding, HMAC and actor hop.
    public func accessToken(_ token: String, now: Date = .now) async -> AccessToken? {
        if let known = verified.token(for: token, now: now) { return known }
        guard let claims = try? await keys.verify(token, as: AccessClaims.self), claims.exp.value > now else { return nil }
        let verifiedToken = AccessToken(userId: claims.sub.value, generation: claims.gen ?? 0, session: claims.sid, id: claims.jti,
                                        expires: claims.exp.value)
        verified.remember(token, verifiedToken)
        return verifiedToken
    }

    /// The claims of a direct-upload token (`POST /document-upload-url`).
    struct UploadClaims: JWTPayload {
        var sub: SubjectClaim
        var exp: ExpirationClaim
        var path: String
        var typ: String

        func verify(using algorithm: some JWTAlgorithm) async throws {
            try exp.verifyNotExpired()
            guard typ == "upload" else { throw JWTError.claimVerificationFailure(failedClaim: nil, reason: "not an upload token") }
        }
    }

    /// A signed token that lets its holder upload files for `userId` (named `path`) until it
    /// expires, 15 minutes by default; an access token cannot be used as one, nor the other way round.
    public func issueUploadToken(userId: String, path: String, lifetime: Duration = .seconds(900), now: Date = .now) async throws -> String {
        try await keys.sign(UploadClaims(sub: .init(value: userId), exp: .init(value: now.addingTimeInterval(lifetime.seconds)),
                                         path: path, typ: "upload"), kid: signingKey)
    }

    /// The user and path of a valid, unexpired upload token, or nil.
    public func verifyUploadToken(_ token: String, now: Date = .now) async -> (userId: String, path: String)? {
        guard let claims = try? await keys.verify(token, as: UploadClaims.self), claims.exp.value > now else { return nil }
        return (claims.sub.value, claims.path)
    }

    /// A new random refresh token (256 bits, base64url) and the hash under which it is stored.
    public static func makeRefreshToken() -> (token: String, hash: String) {
        let bytes = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }
        let token = Base64URL.encode(bytes)
        return (token, hash(refreshToken: token))
    }

    /// SHA-256 hex of a refresh token.
    public static func hash(refreshToken: String) -> String {
        SHA256.hash(data: Data(refreshToken.utf8)).hexString
    }
}

/// Access tokens already verified, with their claims (at most 10,000; cleared when full).
final class VerifiedTokens: @unchecked Sendable {
    // @unchecked: the dictionary is only touched under `lock`.
    private var entries: [String: TokenService.AccessToken] = [:]
    private let lock = NSLock()

    func token(for token: String, now: Date) -> TokenService.AccessToken? {
        lock.lock()
        defer { lock.unlock() }
        guard let entry = entries[token] else { return nil }
        guard entry.expires > now else {
            entries[token] = nil
            return nil
        }
        return entry
    }

    func remember(_ token: String, _ verified: TokenService.AccessToken) {
        lock.lock()
        defer { lock.unlock() }
        if entries.count >= 10_000 { entries.removeAll(keepingCapacity: true) }
        entries[token] = verified
    }
}
