import AsyncHTTPClient
import NIOCore

extension HTTPClient {
    /// The client providers use by default: a 5 s connect timeout and no retrying of refused
    /// connections, so a provider that is down fails fast and the router falls back at once
    /// (AsyncHTTPClient's shared client retries connecting until the request deadline).
    /// Like `HTTPClient.shared` it lives as long as the process.
    public static let llm: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: .seconds(5))
        configuration.connectionPool.retryConnectionEstablishment = false
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()
}
