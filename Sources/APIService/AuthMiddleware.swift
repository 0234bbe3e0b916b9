import Hummingbird
import HTTPTypes
import Logging
import ServerSupport
import Storage

/// Resolves `Authorization: Bearer <access token or API key>` to a user id. API keys (`dtk_…`,
/// see `APIKeyController`) are accepted wherever an access token is: the REST API and MCP.
struct Authenticator: Sendable {
    let tokens: TokenService
    let keys: any APIKeyRepository
    /// Refuses access tokens of ended sessions.
    let sessions: SessionGuard

    /// The user the header authenticates, or a 401 saying what is wrong.
    func userId(authorization header: String?) async throws -> String {
        guard let header else {
            throw APIError.unauthorized("Missing bearer token.", code: "missing_token")
        }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            throw APIError.unauthorized("The Authorization header must be 'Bearer <token>'.", code: "invalid_token")
        }
        let presented = String(parts[1])
        if presented.hasPrefix(APIKeyController.keyPrefix) {
            guard let key = try await APIKeyController.resolve(presented, in: keys) else {
                throw APIError.unauthorized("The API key is invalid or revoked.", code: "invalid_api_key")
            }
            return key.userId
        }
        guard let token = await tokens.accessToken(presented) else {
            throw APIError.unauthorized("The access token is invalid or expired.", code: "invalid_token")
        }
        try await sessions.check(token)
        return token.userId
    }
}

/// Requires an authenticated caller (`Authenticator`) and records the user in the context.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let authenticator: Authenticator
    /// Failed API-key uses count against the client address (a key cannot be guessed at speed).
    var limits: AuthRateLimits?

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let header = request.headers[.authorization]
        let presentsKey = header?.split(separator: " ", maxSplits: 1).last?.hasPrefix(APIKeyController.keyPrefix) == true
        if presentsKey, let limits { try await limits.checkAddress(request, context: context) }
        let userId: String
        do {
            userId = try await authenticator.userId(authorization: header)
        } catch let error as APIError where error.code == "invalid_api_key" {
            await limits?.failed(request, context: context)
            throw error
        }
        var context = context
        context.userId = userId
        context.logger[metadataKey: "user_id"] = .string(userId)
        return try await next(request, context)
    }
}

