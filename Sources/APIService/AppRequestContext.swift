public import Hummingbird
import Logging
import ServerSupport
import Storage

/// The request context of the API: Hummingbird's core storage plus the authenticated user.
public struct AppRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by `AuthMiddleware` once the bearer token has been verified.
    public var userId: String?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        userId = nil
    }

    /// The authenticated user's id; a 401 when the route was reached without one.
    func requireUser() throws -> String {
        guard let userId else { throw APIError.unauthorized() }
        return userId
    }
}

extension UserRepository {
    /// The signed-in user's account; 401 `invalid_token` when it was deleted after the token was issued.
    func signedInUser(_ context: AppRequestContext) async throws -> UserRecord {
        guard let user = try await user(id: try context.requireUser()) else { throw APIError.accountGone }
        return user
    }
}

extension APIError {
    /// A valid token whose account no longer exists.
    static var accountGone: APIError { .unauthorized("The account no longer exists.", code: "invalid_token") }
}
