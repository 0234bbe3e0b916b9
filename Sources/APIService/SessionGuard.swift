import Foundation
import ServerSupport
import Storage

/// Ends sessions before their access tokens expire. An access token carries the user's session
/// generation (a password change or reset advances it: every token issued before is refused), its
/// sign-in (signing out, or a replayed refresh token, ends the sign-in) and its own id. Generations
/// live in the database and are read through the shared cache (Redis with `REDIS_URL`, else this
/// process's memory, where another process sees a change within `generationTTL`); ended sign-ins
/// and signed-out tokens are kept in the cache until their tokens would have expired anyway.
struct SessionGuard: Sendable {
    let accounts: any AccountRepository
    let cache: any Cache
    /// How long a generation read from the database is trusted without reading it again.
    var generationTTL: Duration = .seconds(10)

    static let ended = APIError.unauthorized(
        "This session has ended (the password was changed or reset, or you signed out). Sign in again.", code: "session_ended")

    /// Refuses a token whose session was ended, or whose account is gone.
    func check(_ token: TokenService.AccessToken) async throws {
        if let id = token.id, await cache.value(forKey: Self.tokenKey(id)) != nil { throw Self.ended }
        if let session = token.session, await cache.value(forKey: Self.sessionKey(session)) != nil { throw Self.ended }
        guard let current = try await generation(of: token.userId) else {
            throw APIError.unauthorized("The account no longer exists.", code: "invalid_token")
        }
        if token.generation < current { throw Self.ended }
    }

    /// The user's generation, from the cache when it was read lately (nil: no such user).
    func generation(of userId: String) async throws -> Int? {
        if let data = await cache.value(forKey: Self.generationKey(userId)), let value = Int(String(decoding: data, as: UTF8.self)) {
            return value
        }
        return try await currentGeneration(of: userId)
    }

    /// The user's generation read from the database (and shared through the cache): what new
    /// tokens are issued in, and what a password change makes every process see at once.
    @discardableResult
    func currentGeneration(of userId: String) async throws -> Int? {
        guard let value = try await accounts.sessionGeneration(userId: userId) else { return nil }
        await cache.set(Data(String(value).utf8), forKey: Self.generationKey(userId), ttl: generationTTL)
        return value
    }

    /// Ends a sign-in: its access tokens are refused for `lifetime` (the longest they live).
    func end(session: String, lifetime: Duration) async {
        await cache.set(Data("1".utf8), forKey: Self.sessionKey(session), ttl: lifetime)
    }

    /// Refuses one access token until it expires.
    func revoke(_ token: TokenService.AccessToken) async {
        guard let id = token.id else { return }
        let left = token.expires.timeIntervalSinceNow
        guard left > 0 else { return }
        await cache.set(Data("1".utf8), forKey: Self.tokenKey(id), ttl: .milliseconds(Int(left * 1000) + 1000))
    }

    static func generationKey(_ userId: String) -> String { "session-generation:\(userId)" }
    static func sessionKey(_ session: String) -> String { "session-ended:\(session)" }
    static func tokenKey(_ id: String) -> String { "access-revoked:\(id)" }
}
