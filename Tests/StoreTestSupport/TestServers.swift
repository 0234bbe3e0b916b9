import AWSSupport
import Foundation
public import NIOCore
public import RedisClient
public import StorageChroma
import Storage
import StoragePostgres
import StorageS3
public import StoreEngines

/// The test PostgreSQL server. Without `DOCUTHINKER_TEST_POSTGRES_URL` the PostgreSQL cases are
/// left out with a message, unless `DOCUTHINKER_REQUIRE_SERVICES=1` (CI, `make test`): then
/// every suite fails loudly instead of passing on SQLite alone.
public enum TestPostgres {
    public static let url = ProcessInfo.processInfo.environment["DOCUTHINKER_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    public static let required = ProcessInfo.processInfo.environment["DOCUTHINKER_REQUIRE_SERVICES"] == "1"

    public static let available: Bool = {
        if url == nil {
            print("⚠️  DOCUTHINKER_TEST_POSTGRES_URL is not set: the store conformance suites run on SQLite only (start the servers with scripts/services start).")
        }
        return url != nil || required
    }()

    /// The admin connection that creates one database per test.
    public static let admin: PostgresStore? = url.flatMap { try? PostgresStore(url: PostgresURL($0), poolSize: 2) }

    /// A new empty database (pgvector comes from `template1`), as a URL.
    public static func newDatabase() async throws -> String {
        guard let url, let admin else {
            throw StorageError(.unavailable, "DOCUTHINKER_REQUIRE_SERVICES=1 but DOCUTHINKER_TEST_POSTGRES_URL is not set: run scripts/services start and eval \"$(scripts/services env)\".")
        }
        let name = "dt_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        try await admin.createDatabase(named: name)
        var components = URLComponents(string: url)!
        components.path = "/" + name
        return components.string!
    }
}

/// The test S3 server (moto, started by `scripts/services start`, which exports
/// `DOCUTHINKER_TEST_S3_ENDPOINT`); each test gets a new bucket. moto takes any credentials: the
/// test process sets dummy ones, so the store factory's own credentials path is the one used.
public enum TestS3 {
    public static let endpoint = ProcessInfo.processInfo.environment["DOCUTHINKER_TEST_S3_ENDPOINT"].flatMap { $0.isEmpty ? nil : $0 }

    public static let credentials: SigV4.Credentials = {
        setenv("AWS_ACCESS_KEY_ID", "testing", 0)
        setenv("AWS_SECRET_ACCESS_KEY", "testing", 0)
        return SigV4.Credentials(accessKeyId: "testing", secretAccessKey: "testing")
    }()

    /// A store on a new, empty bucket.
    public static func newStore(multipartThreshold: Int = 16 << 20) async throws -> S3ObjectStore {
        guard let endpoint, let url = URL(string: endpoint) else {
            throw StorageError(.unavailable, "DOCUTHINKER_TEST_S3_ENDPOINT is not set: run scripts/services start and eval \"$(scripts/services env)\".")
        }
        let credentials = credentials
        let store = S3ObjectStore(
            configuration: S3Configuration(bucket: "dt-" + UUID().uuidString.lowercased(), endpoint: url, multipartThreshold: multipartThreshold,
                                           partSize: 5 << 20),
            credentials: { credentials })
        try await store.createBucket()
        return store
    }

    public static func newBucket() async throws -> String {
        try await newStore().configuration.bucket
    }
}

/// The test Redis server (`scripts/services start` exports `DOCUTHINKER_TEST_REDIS_URL`).
public enum TestRedis {
    public static let url = ProcessInfo.processInfo.environment["DOCUTHINKER_TEST_REDIS_URL"].flatMap { $0.isEmpty ? nil : $0 }

    /// Whether the Redis cases run (always under `DOCUTHINKER_REQUIRE_SERVICES=1`, where a
    /// missing server then fails them).
    public static let available: Bool = {
        if url == nil { print("⚠️  DOCUTHINKER_TEST_REDIS_URL is not set: the Redis cases are skipped (scripts/services start).") }
        return url != nil || TestPostgres.required
    }()

    /// A client of the shared test server. The deadline is generous: on two cores the whole
    /// suite can stall a process for seconds, and a deadline closes the connection it hits.
    public static func client(timeout: TimeAmount = .seconds(15)) throws -> RedisClient {
        guard let url else {
            throw StorageError(.unavailable, "DOCUTHINKER_TEST_REDIS_URL is not set: run scripts/services start and eval \"$(scripts/services env)\".")
        }
        return RedisClient(endpoint: try RedisEndpoint(RedisConfiguration(url: url)), timeout: timeout)
    }
}

/// A `redis-server` of one test's own, which the test may stop and start again (outages).
public final class PrivateRedisServer: @unchecked Sendable {
    public let port: Int
    let arguments: [String]
    private var process: Process?

    /// Starts `redis-server` (in memory only) on a free port, with `extra` arguments (e.g.
    /// `--requirepass`).
    public init(extra: [String] = [], tls: (certificate: String, key: String)? = nil) async throws {
        let port = Self.freePort()
        self.port = port
        let listen = tls.map { ["--port", "0", "--tls-port", String(port), "--tls-cert-file", $0.certificate, "--tls-key-file", $0.key,
                                "--tls-auth-clients", "no"] } ?? ["--port", String(port)]
        arguments = listen + ["--bind", "127.0.0.1", "--save", "", "--appendonly", "no"] + extra
        tlsEnabled = tls != nil
        try await start()
    }

    let tlsEnabled: Bool

    public var url: String { "\(tlsEnabled ? "rediss" : "redis")://127.0.0.1:\(port)" }

    /// Starts the server again (same port) and waits until it answers.
    public func start() async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/redis-server")
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        self.process = process
        for _ in 0..<100 {
            if Self.accepts(port) { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw StorageError(.unavailable, "redis-server did not start on port \(port)")
    }

    /// Stops the server (its data goes: it keeps nothing on disk). SIGKILL: a child of the test
    /// process inherits its blocked signals, SIGTERM among them.
    public func stop() {
        if let process, process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process?.waitUntilExit()
        process = nil
    }

    deinit { stop() }

    static func accepts(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }

    /// A port nobody listens on right now (the kernel's choice for port 0).
    public static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// The test Chroma server (`scripts/services start` exports `DOCUTHINKER_TEST_CHROMA_URL`);
/// each test gets a collection of its own.
public enum TestChroma {
    public static let url = ProcessInfo.processInfo.environment["DOCUTHINKER_TEST_CHROMA_URL"].flatMap { $0.isEmpty ? nil : $0 }

    public static let available: Bool = {
        if url == nil { print("⚠️  DOCUTHINKER_TEST_CHROMA_URL is not set: the Chroma cases are skipped (scripts/services start).") }
        return url != nil || TestPostgres.required
    }()

    /// Settings for a new collection on the test server.
    public static func newConfiguration() throws -> ChromaConfiguration {
        guard let url else {
            throw StorageError(.unavailable, "DOCUTHINKER_TEST_CHROMA_URL is not set: run scripts/services start and eval \"$(scripts/services env)\".")
        }
        return ChromaConfiguration(url: url, collection: "dt-" + UUID().uuidString.lowercased())
    }
}

/// The test FalkorDB server (`scripts/services start` exports `DOCUTHINKER_TEST_FALKORDB_URL`);
/// each test gets a graph of its own.
public enum TestFalkorDB {
    public static let url = ProcessInfo.processInfo.environment["DOCUTHINKER_TEST_FALKORDB_URL"].flatMap { $0.isEmpty ? nil : $0 }

    public static let available: Bool = {
        if url == nil { print("⚠️  DOCUTHINKER_TEST_FALKORDB_URL is not set: the FalkorDB cases are skipped (scripts/services start).") }
        return url != nil || TestPostgres.required
    }()

    /// Store settings that put the graph in a new FalkorDB graph on the test server.
    public static func configure(_ configuration: inout StoreConfiguration) throws {
        guard let url else {
            throw StorageError(.unavailable, "DOCUTHINKER_TEST_FALKORDB_URL is not set: run scripts/services start and eval \"$(scripts/services env)\".")
        }
        configuration.falkorDB = RedisConfiguration(url: url)
        configuration.falkorGraph = "dt-" + UUID().uuidString.lowercased()
    }

    /// How many entity nodes the named graph of the test server holds (what a test checks a graph
    /// database for, whichever protocol wrote them).
    public static func entityCount(graph name: String) async throws -> Int {
        guard let url else { throw StorageError(.unavailable, "DOCUTHINKER_TEST_FALKORDB_URL is not set: run scripts/services start.") }
        let redis = RedisClient(endpoint: try RedisEndpoint(RedisConfiguration(url: url)), timeout: .seconds(15))
        defer { redis.shutdown() }
        let reply = try await redis.command("GRAPH.QUERY", name, "MATCH (e:Entity) RETURN count(e)")
        return Int(reply.array?[1].array?.first?.array?.first?.int ?? -1)
    }
}
