import Foundation
public import Logging
public import Storage
import StorageSQLite
import StoragePostgres
import StorageS3
public import StorageChroma
public import StorageRedis
public import RedisClient
import AWSSupport
import NIOCore
public import StorageCypher

/// Which stores to open, from typed configuration: the embedded engines (SQLite + a local
/// directory) by default; `DATABASE_URL` selects PostgreSQL (+ pgvector); `S3_BUCKET` names the
/// object store the next step adds.
public struct StoreConfiguration: Sendable, Hashable {
    /// `DOCUTHINKER_DATA_DIR`: the SQLite database, original files, staging area.
    public var dataDirectory: String
    /// `DATABASE_URL` (postgres://…): PostgreSQL instead of SQLite.
    public var databaseURL: String?
    /// `S3_BUCKET`: original files in S3 instead of the data directory.
    public var s3Bucket: String?
    /// `DOCUTHINKER_OBJECTS_LOCAL_PATHS` (default true): readers of the data directory's files may
    /// open them by path; false makes them stream every file, as they will from S3.
    public var localObjectPaths: Bool
    /// `DATABASE_PASSWORD`: the password when `DATABASE_URL` has none (on ECS, from the RDS secret).
    public var databasePassword: String?
    /// `DATABASE_POOL_SIZE` (default 10): PostgreSQL connections per process.
    public var databasePoolSize: Int
    /// `DOCUTHINKER_PGVECTOR_EF_SEARCH` (default 400): HNSW candidate list size per search.
    public var vectorEfSearch: Int
    /// `DOCUTHINKER_PGVECTOR_EXACT_LIMIT` (default 100,000): owners with at most this many vectors are searched exactly.
    public var vectorExactLimit: Int

    /// `S3_ENDPOINT` (an S3-compatible server, path-style), `AWS_REGION` (default us-east-1),
    /// `S3_SSE` (`aws:kms` or `AES256`) and `S3_SSE_KMS_KEY_ID`: see `S3Configuration`.
    public var s3Endpoint: String?
    public var awsRegion: String
    public var s3ServerSideEncryption: String?
    public var s3KMSKeyId: String?
    /// `DOCUTHINKER_CHROMA_URL` (http(s)://host:port of a Chroma server): the vector index lives in
    /// Chroma instead of the database; see `ChromaConfiguration` for the tenant, database,
    /// collection and token settings read beside it.
    public var chroma: ChromaConfiguration?
    /// `REDIS_URL` (redis:// or rediss://) and `REDIS_AUTH_TOKEN`: the shared cache and rate-limit
    /// counters of every process; unset, both live in each process's memory.
    public var redis: RedisConfiguration?
    /// `DOCUTHINKER_FALKORDB_URL` (redis:// or rediss:// of a FalkorDB server) and
    /// `DOCUTHINKER_FALKORDB_GRAPH` (default `docuthinker`): the knowledge graph lives there
    /// instead of the database's tables (unless `DOCUTHINKER_SYNC_GRAPH=false`).
    public var falkorDB: RedisConfiguration?
    public var falkorGraph = "docuthinker"
    /// `DOCUTHINKER_NEO4J_URI` (the HTTP Query API's address), `_USER`, `_PASSWORD`, `_DATABASE`:
    /// the knowledge graph in Neo4j (Aura or a server, 5.19+).
    public var neo4j: Neo4jConfiguration?
    /// `DOCUTHINKER_NEPTUNE_ENDPOINT` (https://…:8182): the knowledge graph in Amazon Neptune,
    /// requests signed for `AWS_REGION` unless `DOCUTHINKER_NEPTUNE_IAM_AUTH=false`.
    public var neptuneEndpoint: String?
    public var neptuneIAMAuthentication = true

    public init(dataDirectory: String, databaseURL: String? = nil, s3Bucket: String? = nil, localObjectPaths: Bool = true,
                databasePassword: String? = nil, databasePoolSize: Int = 10, vectorEfSearch: Int = 400, vectorExactLimit: Int = 100_000,
                s3Endpoint: String? = nil, awsRegion: String = "us-east-1", s3ServerSideEncryption: String? = nil, s3KMSKeyId: String? = nil) {
        self.s3Endpoint = s3Endpoint
        self.awsRegion = awsRegion
        self.s3ServerSideEncryption = s3ServerSideEncryption
        self.s3KMSKeyId = s3KMSKeyId
        self.dataDirectory = dataDirectory
        self.databaseURL = databaseURL
        self.s3Bucket = s3Bucket
        self.localObjectPaths = localObjectPaths
        self.databasePassword = databasePassword
        self.databasePoolSize = databasePoolSize
        self.vectorEfSearch = vectorEfSearch
        self.vectorExactLimit = vectorExactLimit
    }

    /// The SQLite database file.
    public var sqlitePath: String { dataDirectory + "/docuthinker.sqlite" }
    /// Where uploads are staged before they are stored (never referenced by a document).
    public var stagingDirectory: String { dataDirectory + "/tmp" }
}

/// An optional shared service (Redis, Chroma) and how to ask whether it answers now.
public struct DependencyCheck: Sendable {
    /// The name `/health/ready` reports it under.
    public var name: String
    /// Throws when the service does not answer.
    public var check: @Sendable () async throws -> Void

    public init(name: String, check: @escaping @Sendable () async throws -> Void) {
        self.name = name
        self.check = check
    }
}

/// The opened stores every entry point works with.
public struct Stores: Sendable {
    /// Users, documents, chats, keyword index, vectors, jobs… in one database.
    public let database: any DatabaseStore
    /// Original files.
    public let objects: any ObjectStore
    /// Upload staging directory (on local disk whatever the object store).
    public let stagingDirectory: String
    /// The vector index of an engine that ranks outside this process (Chroma when configured,
    /// else pgvector with PostgreSQL), by model and dimensions; nil for the embedded engine, whose
    /// index ranks in memory (`MatrixVectorIndex`).
    public var databaseVectorIndex: (@Sendable (_ model: String, _ dimensions: Int) -> any VectorIndex)?
    /// The cache every process shares (Redis) or this process's own (`MemoryCache`).
    public var cache: any Cache
    /// Authentication attempt counters: Redis's (falling back to local ones while it is down), or local.
    public var rateLimiter: any RateLimiter
    /// The Redis client and what its callers last saw, when `REDIS_URL` is set.
    public var redis: (client: RedisClient, availability: RedisAvailability)?
    /// The Chroma server, when the vector index lives there.
    public var chroma: ChromaClient?
    /// Where the knowledge graph lives: the database's own tables, or an openCypher database.
    public var graph: any GraphStore
    /// The openCypher graph store, when the graph lives outside the database.
    public var cypherGraph: OpenCypherGraphStore?

    public init(database: any DatabaseStore, objects: any ObjectStore, stagingDirectory: String,
                databaseVectorIndex: (@Sendable (_ model: String, _ dimensions: Int) -> any VectorIndex)? = nil) {
        self.database = database
        self.objects = objects
        self.stagingDirectory = stagingDirectory
        self.databaseVectorIndex = databaseVectorIndex
        cache = MemoryCache()
        rateLimiter = MemoryRateLimiter()
        graph = database
    }

    /// The same stores with the knowledge graph in an openCypher database (versions kept beside the documents).
    public func withGraphDatabase(_ transport: any CypherTransport) -> Stores {
        var stores = self
        let store = OpenCypherGraphStore(transport: transport, ledger: database)
        stores.graph = store
        stores.cypherGraph = store
        return stores
    }

    /// The same stores with the vector index in Chroma.
    func withChroma(_ client: ChromaClient) -> Stores {
        var stores = self
        let database = database
        stores.databaseVectorIndex = { model, dimensions in
            ChromaVectorIndex(client: client, chunks: database, model: model, dimensions: dimensions)
        }
        stores.chroma = client
        return stores
    }

    /// The same stores with the cache and rate limits in Redis (each falling back while it is down).
    func withRedis(_ client: RedisClient, logger: Logger) -> Stores {
        var stores = self
        let availability = RedisAvailability(endpoint: "\(client.endpoint)", logger: logger)
        stores.redis = (client, availability)
        stores.cache = RedisCache(client: client, availability: availability)
        stores.rateLimiter = FallbackRateLimiter(shared: RedisRateLimiter(client: client), availability: availability)
        return stores
    }

    /// The optional shared services (Redis, Chroma) and whether each answers now, for `/health/ready`.
    public func dependencyChecks() -> [DependencyCheck] {
        var checks: [DependencyCheck] = []
        if let redis { checks.append(DependencyCheck(name: "redis") { try await redis.client.ping() }) }
        if let chroma { checks.append(DependencyCheck(name: "chroma") { try await chroma.heartbeat() }) }
        if let cypherGraph { checks.append(DependencyCheck(name: "graph") { try await cypherGraph.transport.ping() }) }
        return checks
    }

    /// Which engine holds the data, for logs and `/health`: `sqlite` or `postgresql`.
    public var databaseEngine: String { database is PostgresStore ? "postgresql" : "sqlite" }

    /// The engine and where it is, for people (a PostgreSQL URL without its password).
    public var databaseDescription: String {
        if let postgres = database as? PostgresStore { return "PostgreSQL at \(postgres.location)" }
        if let sqlite = database as? SQLiteStore { return "SQLite at \(sqlite.path)" }
        return databaseEngine
    }

    /// Applies pending migrations under the engine's lock; every process may call it at start.
    /// A remote object store is checked here too, so a missing bucket stops the start.
    public func migrate() async throws {
        try await database.migrate()
        if let remote = objects as? any ReadinessCheck { try await remote.ping() }
        // The graph database's indexes; a server that is down now only degrades the graph (readiness says so).
        try? await cypherGraph?.prepare()
    }
}

/// The only code that opens a database or the object store (ARCHITECTURE.md, "one store factory").
public enum StoreFactory {
    /// Opens the configured stores (without migrating: call `Stores.migrate()` before serving).
    /// Redis and Chroma are connected on first use, so a server that is down only degrades the
    /// features that need it.
    public static func open(_ configuration: StoreConfiguration, logger: Logger = Logger(label: "docuthinker.stores")) throws -> Stores {
        var stores = try openDatabase(configuration)
        if let chroma = configuration.chroma {
            guard let url = URL(string: chroma.url), url.scheme == "http" || url.scheme == "https", url.host != nil else {
                throw StorageError(.invalid, "DOCUTHINKER_CHROMA_URL must be an http(s) URL such as http://127.0.0.1:8000 (got \(chroma.url)).")
            }
            stores = stores.withChroma(ChromaClient(configuration: chroma))
        }
        if let redis = configuration.redis {
            let endpoint: RedisEndpoint
            do { endpoint = try RedisEndpoint(redis) } catch { throw StorageError(.invalid, "\(error)") }
            stores = stores.withRedis(RedisClient(endpoint: endpoint, logger: logger), logger: logger)
        }
        if let transport = try graphTransport(configuration, logger: logger) {
            stores = stores.withGraphDatabase(transport)
        }
        return stores
    }

    /// The openCypher database the knowledge graph lives in, if one is configured (at most one may be).
    static func graphTransport(_ configuration: StoreConfiguration, logger: Logger) throws -> (any CypherTransport)? {
        let chosen = [configuration.falkorDB.map { _ in "DOCUTHINKER_FALKORDB_URL" }, configuration.neo4j.map { _ in "DOCUTHINKER_NEO4J_URI" },
                      configuration.neptuneEndpoint.map { _ in "DOCUTHINKER_NEPTUNE_ENDPOINT" }].compactMap { $0 }
        guard chosen.count <= 1 else {
            throw StorageError(.invalid, "The knowledge graph can live in one graph database; \(chosen.joined(separator: " and ")) are both set: unset one.")
        }
        do {
            if let falkor = configuration.falkorDB {
                let endpoint: RedisEndpoint
                do { endpoint = try RedisEndpoint(falkor) } catch { throw StorageError(.invalid, "DOCUTHINKER_FALKORDB_URL: \(error)") }
                // A document's graph is written in one transaction: allow it time.
                return FalkorTransport(client: RedisClient(endpoint: endpoint, timeout: .seconds(30), logger: logger), graph: configuration.falkorGraph)
            }
            if let neo4j = configuration.neo4j { return try Neo4jTransport(configuration: neo4j) }
            if let endpoint = configuration.neptuneEndpoint {
                return try NeptuneTransport(endpoint: endpoint, region: configuration.awsRegion, iamAuthentication: configuration.neptuneIAMAuthentication)
            }
        } catch let error as CypherError {
            throw StorageError(.invalid, error.message)
        }
        return nil
    }

    /// The database and object store.
    private static func openDatabase(_ configuration: StoreConfiguration) throws -> Stores {
        let fileManager = FileManager.default
        do {
            try fileManager.createDirectory(atPath: configuration.stagingDirectory, withIntermediateDirectories: true)
        } catch {
            throw StorageError(.unavailable, "Cannot create the data directory \(configuration.dataDirectory): \(error.localizedDescription)")
        }
        let objects = try openObjects(configuration)
        if let databaseURL = configuration.databaseURL {
            var url = try PostgresURL(databaseURL)
            if url.password == nil { url.password = configuration.databasePassword }
            let store = try PostgresStore(url: url, poolSize: configuration.databasePoolSize)
            return Stores(database: store, objects: objects, stagingDirectory: configuration.stagingDirectory) { model, dimensions in
                PgVectorIndex(store: store, model: model, dimensions: dimensions, efSearch: configuration.vectorEfSearch,
                              exactLimit: configuration.vectorExactLimit)
            }
        }
        return Stores(
            database: try SQLiteStore(path: configuration.sqlitePath),
            objects: objects,
            stagingDirectory: configuration.stagingDirectory)
    }

    /// S3 when `S3_BUCKET` is set, else the data directory's `objects/`.
    private static func openObjects(_ configuration: StoreConfiguration) throws -> any ObjectStore {
        guard let bucket = configuration.s3Bucket else {
            return try FileObjectStore(root: configuration.dataDirectory + "/objects", sharesLocalPaths: configuration.localObjectPaths)
        }
        var endpoint: URL?
        if let text = configuration.s3Endpoint {
            guard let url = URL(string: text), url.scheme == "http" || url.scheme == "https", url.host != nil else {
                throw StorageError(.invalid, "S3_ENDPOINT must be an http(s) URL such as http://127.0.0.1:9000 (got \(text)).")
            }
            endpoint = url
        }
        if let mode = configuration.s3ServerSideEncryption, !["aws:kms", "AES256"].contains(mode) {
            throw StorageError(.invalid, "S3_SSE must be aws:kms or AES256 (got \(mode)).")
        }
        let provider = AWSCredentialsProvider()
        return S3ObjectStore(
            configuration: S3Configuration(bucket: bucket, region: configuration.awsRegion, endpoint: endpoint,
                                           serverSideEncryption: configuration.s3ServerSideEncryption, kmsKeyId: configuration.s3KMSKeyId),
            credentials: { try await provider.credentials() })
    }

    /// Opens and migrates: for one-shot commands and tests.
    public static func openMigrated(_ configuration: StoreConfiguration) async throws -> Stores {
        let stores = try open(configuration)
        try await stores.migrate()
        return stores
    }
}
