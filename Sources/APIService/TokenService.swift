import Crypto
public import Foundation
import JWTKit

/// Issues and verifies short-lived HS256 access tokens and opaque refresh tokens.
public struct TokenService: Sendable {
    private let keys: JWTKeyCollection
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
    public func verifyAccessToken(_ token: String) async -> String? {
        guard let claims = try? await keys.verify(token, as: AccessClaims.self) else { return nil }
        return claims.sub.value
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
        SHA256.hash(data: Data(refreshToken.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}

extension Duration {
    /// The duration in seconds as a `TimeInterval`.
    var seconds: TimeInterval {
        let parts = components
        return TimeInterval(parts.seconds) + TimeInterval(parts.attoseconds) / 1e18
    }
}
