public import Hummingbird
import Logging
import ServerSupport

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
