import DocuThinkerCore
import Crypto
public import Foundation
import JWTKit

/// Issues and verifies short-lived HS256 access tokens and opaque refresh tokens.
public struct TokenService: Sendable {
    private let keys: JWTKeyCollection
    private let verified = VerifiedTokens()
    public let accessLifetime: Duration
    public let refreshLifetime: Duration

    /// The claims of an access token.
    struct AccessClaims: JWTPayload {
        var sub: SubjectClaim
        var exp: ExpirationClaim
        var iat: IssuedAtClaim
        var typ: String

        func verify(using algorithm: some JWTAlgorithm) async throws {
            try exp.verifyNotExpired()
            guard typ == "access" else { throw JWTError.claimVerificationFailure(failedClaim: nil, reason: "not an access token") }
        }
    }

    public init(secret: String, accessLifetime: Duration, refreshLifetime: Duration) async {
        keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256)
        self.accessLifetime = accessLifetime
        self.refreshLifetime = refreshLifetime
    }

    /// A signed access token for `userId` that expires `accessLifetime` after `now`.
    public func issueAccessToken(userId: String, now: Date = .now) async throws -> String {
        let claims = AccessClaims(
            sub: .init(value: userId), exp: .init(value: now.addingTimeInterval(accessLifetime.seconds)),
            iat: .init(value: now), typ: "access")
        return try await keys.sign(claims)
    }

    /// The user id of a valid, unexpired access token, or nil.
    /// A token verified once is remembered (by its exact text, so by its signature) until it
    /// expires: every later request with it skips the JSON decoding, HMAC and actor hop.
    public func verifyAccessToken(_ token: String, now: Date = .now) async -> String? {
        if let known = verified.user(for: token, now: now) { return known }
        guard let claims = try? await keys.verify(token, as: AccessClaims.self), claims.exp.value > now else { return nil }
        verified.remember(token, user: claims.sub.value, expires: claims.exp.value)
        return claims.sub.value
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
                                         path: path, typ: "upload"))
    }

    /// The user and path of a valid, unexpired upload token, or nil.
    public func verifyUploadToken(_ token: String, now: Date = .now) async -> (userId: String, path: String)? {
        guard let claims = try? await keys.verify(token, as: UploadClaims.self), claims.exp.value > now else { return nil }
        return (claims.sub.value, claims.path)
    }

    /// A new random refresh token (256 bits, base64url) and the hash under which it is stored.
    public static func makeRefreshToken() -> (token: String, hash: String) {
        let bytes = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }
        let token = bytes.base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        return (token, hash(refreshToken: token))
    }

    /// SHA-256 hex of a refresh token.
    public static func hash(refreshToken: String) -> String {
        SHA256.hash(data: Data(refreshToken.utf8)).hexString
    }
}

/// Access tokens already verified, with their user and expiry (at most 10,000; cleared when full).
final class VerifiedTokens: @unchecked Sendable {
    // @unchecked: the dictionary is only touched under `lock`.
    private var entries: [String: (user: String, expires: Date)] = [:]
    private let lock = NSLock()

    func user(for token: String, now: Date) -> String? {
        lock.lock()
        defer { lock.unlock() }
        guard let entry = entries[token] else { return nil }
        guard entry.expires > now else {
            entries[token] = nil
            return nil
        }
        return entry.user
    }

    func remember(_ token: String, user: String, expires: Date) {
        lock.lock()
        defer { lock.unlock() }
        if entries.count >= 10_000 { entries.removeAll(keepingCapacity: true) }
        entries[token] = (user, expires)
    }
}
