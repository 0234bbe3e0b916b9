public import Hummingbird

/// The request context of both services (the public API and the internal AI routes): Hummingbird's
/// core storage plus the user the request acts for.
public struct AppRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by `AuthMiddleware` once the bearer token has been verified (on the AI service: by
    /// `ServiceTokenMiddleware` from `X-User-Id`).
    public var userId: String?
    /// The connection's peer address (the load balancer's, behind one; see `ClientAddress`).
    public var peerAddress: String?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        userId = nil
        peerAddress = source.channel.remoteAddress?.ipAddress
    }

    /// The authenticated user's id; a 401 when the route was reached without one.
    public func requireUser() throws -> String {
        guard let userId else { throw APIError.unauthorized() }
        return userId
    }
}
