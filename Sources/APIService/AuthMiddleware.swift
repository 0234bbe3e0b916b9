import Hummingbird
import HTTPTypes
import Logging
import ServerSupport

/// Requires `Authorization: Bearer <access token>` and records the user in the context.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let tokens: TokenService

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization] else {
            throw APIError.unauthorized("Missing bearer token.", code: "missing_token")
        }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            throw APIError.unauthorized("The Authorization header must be 'Bearer <token>'.", code: "invalid_token")
        }
        guard let userId = await tokens.verifyAccessToken(String(parts[1])) else {
            throw APIError.unauthorized("The access token is invalid or expired.", code: "invalid_token")
        }
        var context = context
        context.userId = userId
        context.logger[metadataKey: "user_id"] = .string(userId)
        return try await next(request, context)
    }
}

/// Adds conservative security headers to every response.
struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        response.headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        response.headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        response.headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
        if response.headers[.cacheControl] == nil { response.headers[.cacheControl] = "no-store" }
        return response
    }
}
