import AsyncHTTPClient
public import NIOCore

extension HTTPClient {
    /// A client that fails fast when its peer is down: `connect` to connect and no retrying of
    /// refused connections (AsyncHTTPClient's shared client retries connecting until the request
    /// deadline). Made once per use and kept for the life of the process, like `HTTPClient.shared`.
    public static func failFast(connect: TimeAmount) -> HTTPClient {
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: connect)
        configuration.connectionPool.retryConnectionEstablishment = false
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }

    /// The client providers use by default (5 s to connect): a provider that is down fails fast
    /// and the router falls back at once.
    public static let llm = failFast(connect: .seconds(5))
}
