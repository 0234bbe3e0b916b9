public import Foundation

/// Where Redis is: `REDIS_URL` and `REDIS_AUTH_TOKEN`, as configured (parsed by `RedisEndpoint`).
public struct RedisConfiguration: Sendable, Hashable {
    /// `redis://[user[:password]@]host[:port][/db]` or `rediss://…` (TLS). `?sslrootcert=PATH`
    /// trusts a private certificate authority (tests; ElastiCache's certificates chain to public roots).
    public var url: String
    /// The AUTH password when the URL has none (ElastiCache's AUTH token, from Secrets Manager).
    public var authToken: String?

    public init(url: String, authToken: String? = nil) {
        self.url = url
        self.authToken = authToken
    }
}

/// A parsed Redis location.
public struct RedisEndpoint: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var tls: Bool
    public var username: String?
    public var password: String?
    public var database: Int
    /// A PEM file of certificate authorities to trust instead of the system's.
    public var caFile: String?

    public init(host: String, port: Int = 6379, tls: Bool = false, username: String? = nil, password: String? = nil,
                database: Int = 0, caFile: String? = nil) {
        self.host = host
        self.port = port
        self.tls = tls
        self.username = username
        self.password = password
        self.database = database
        self.caFile = caFile
    }

    /// Parses `configuration.url`; the token fills a URL without a password. Errors never show it.
    public init(_ configuration: RedisConfiguration) throws {
        let text = configuration.url
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
              scheme == "redis" || scheme == "rediss", let host = components.host, !host.isEmpty else {
            throw RedisError.invalidURL("REDIS_URL must look like redis://host:6379 or rediss://host:6379 (TLS).")
        }
        guard (components.port ?? 6379) > 0, (components.port ?? 6379) < 65_536 else { throw RedisError.invalidURL("REDIS_URL has an invalid port.") }
        let path = components.path.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        guard path.isEmpty || Int(path).map({ $0 >= 0 }) == true else {
            throw RedisError.invalidURL("REDIS_URL's path must be a database number such as /0.")
        }
        let user = components.percentEncodedUser.flatMap { $0.removingPercentEncoding }.flatMap { $0.isEmpty ? nil : $0 }
        let password = components.percentEncodedPassword.flatMap { $0.removingPercentEncoding }.flatMap { $0.isEmpty ? nil : $0 }
        self.init(host: host, port: components.port ?? 6379, tls: scheme == "rediss", username: user,
                  password: password ?? configuration.authToken,
                  database: Int(path) ?? 0,
                  caFile: components.queryItems?.first(where: { $0.name == "sslrootcert" })?.value)
    }

    /// The location for logs: scheme, host, port and database, never credentials.
    public var description: String {
        "\(tls ? "rediss" : "redis")://\(host):\(port)/\(database)"
    }
}
