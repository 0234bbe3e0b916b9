import StoreEngines
import StorageChroma
import StorageCypher
import RedisClient
import DocuThinkerCore
public import Configuration
public import Embeddings
public import Extraction
public import Foundation
public import Logging
public import Storage
import SystemPackage

/// Every setting of the API, read once at the edge from swift-configuration
/// (command line > environment > `.env` > defaults). Business code receives these values only.
public struct AppConfiguration: Sendable {
    /// `HOST` (default `127.0.0.1`; containers set `0.0.0.0`).
    public var host: String
    /// `PORT` (default 8080).
    public var port: Int
    /// `DOCUTHINKER_DATA_DIR` (default `./data`): database, original files, generated secrets.
    public var dataDirectory: String
    /// `JWT_SECRET`; when absent a secret is generated and kept in the data directory.
    public var jwtSecret: String?
    /// `JWT_PREVIOUS_SECRETS` (comma-separated, secret): earlier signing secrets still accepted for
    /// verification, so a new `JWT_SECRET` does not sign everyone out; drop them once the access
    /// tokens they signed have expired (`DOCUTHINKER_ACCESS_TOKEN_TTL_SECONDS`).
    public var jwtPreviousSecrets: [String]
    /// `DOCUTHINKER_ACCESS_TOKEN_TTL_SECONDS` (default 900).
    public var accessTokenLifetime: Duration
    /// `DOCUTHINKER_REFRESH_TOKEN_TTL_DAYS` (default 30).
    public var refreshTokenLifetime: Duration
    /// `DOCUTHINKER_BCRYPT_COST` (default 12, minimum 4).
    public var bcryptCost: Int
    /// `DOCUTHINKER_MAX_UPLOAD_BYTES` (default 50 MB), `DOCUTHINKER_MAX_PAGES` (5,000),
    /// `DOCUTHINKER_DOCX_MAX_UNCOMPRESSED_BYTES` (200 MB), `DOCUTHINKER_DOCX_MAX_ENTRIES` (10,000),
    /// `DOCUTHINKER_EXTRACTION_TIMEOUT_SECONDS` (120).
    public var limits: ExtractionLimits
    /// `DOCUTHINKER_CHUNK_WORDS` (150), `DOCUTHINKER_CHUNK_MAX_WORDS` (200), `DOCUTHINKER_CHUNK_OVERLAP_WORDS` (30):
    /// sized so a chunk fits the embedding model's 256-token window (longer ones are embedded in windows).
    public var chunkWords: Int
    public var chunkMaxWords: Int
    public var chunkOverlapWords: Int
    /// `DOCUTHINKER_EMBEDDING_MODEL_DIR`; unset, the first of `defaultModelDirectories()` that
    /// holds the model (filled by scripts/bootstrap), so `serve` finds it from any folder.
    public var embeddingModelDirectory: String
    /// Where the model was looked for (named in the message when it is missing).
    public var embeddingModelCandidates: [String]
    /// The offline entity extractor's gazetteers (`DOCUTHINKER_GAZETTEER_DIR`; by default
    /// `gazetteers` beside the embedding model's directory, where `scripts/fetch-gazetteers` puts them).
    public var gazetteerDirectory: String
    /// `DOCUTHINKER_EMBEDDING_BATCH_SIZE` (8) and `DOCUTHINKER_EMBEDDING_THREADS` (0 = one per core).
    public var embeddingBatchSize: Int
    public var embeddingThreads: Int
    /// `DOCUTHINKER_EMBEDDING_PRECISION`: `auto` (default: bfloat16 products on CPUs with
    /// AVX512-BF16, else float32), `fp32` or `bf16`.
    public var embeddingPrecision: MiniLMEmbedder.Precision
    /// LLM providers (see `LLMConfiguration`); none configured means the offline engine only.
    public var llm: LLMConfiguration
    /// `LOG_LEVEL` (default `info`).
    public var logLevel: Logger.Level
    /// `AI_SERVICE_URL`: where `docuthinker api` finds `docuthinker ai` (unset: in process).
    public var aiServiceURL: String?
    /// `AI_SERVICE_TOKEN`: the shared secret between `api` and `ai` (a Secrets Manager value on AWS).
    public var aiServiceToken: String?
    /// `AI_SERVICE_TIMEOUT_SECONDS` (default 120): the longest an `api` → `ai` call may take.
    public var aiServiceTimeout: Duration
    /// `AIML_PORT` (default 8000): the port `docuthinker ai` listens on.
    public var aiPort: Int
    /// The stores to open (one factory opens them for every entry point), read here from
    /// `DOCUTHINKER_DATA_DIR`, `DATABASE_URL`, `DATABASE_PASSWORD`, `DATABASE_POOL_SIZE`, `S3_BUCKET`,
    /// `S3_ENDPOINT`, `AWS_REGION`, `S3_SSE`, `S3_SSE_KMS_KEY_ID`, `DOCUTHINKER_PGVECTOR_EF_SEARCH`,
    /// `DOCUTHINKER_PGVECTOR_EXACT_LIMIT` and `DOCUTHINKER_OBJECTS_LOCAL_PATHS` (see `StoreConfiguration`).
    public var stores: StoreConfiguration
    /// `DOCUTHINKER_TRUSTED_PROXY_HOPS` (default 0): how many proxies in front of this process
    /// append to `X-Forwarded-For` (1 behind the ALB). 0 ignores the header: the client address is
    /// the connection's peer, so a client cannot choose its own rate-limit bucket.
    public var trustedProxyHops: Int
    /// `DOCUTHINKER_RATE_LIMIT_ADDRESS` (default 20), `DOCUTHINKER_RATE_LIMIT_ACCOUNT` (default 10)
    /// and `DOCUTHINKER_RATE_LIMIT_WINDOW_SECONDS` (default 300): authentication attempts allowed
    /// per client address and per account in a sliding window.
    public var rateLimits: RateLimitSettings
    /// `DOCUTHINKER_INGEST_WORKERS` (default 2): ingestion jobs run at once per process.
    public var ingestWorkers: Int
    /// `DOCUTHINKER_GRAPH_RETRIEVAL` (default false): hybrid search and chat also draw the passages
    /// that mention the entities a question names (off: it did not help on our evaluation sets).
    public var graphRetrieval: Bool
    /// `DOCUTHINKER_JOB_LEASE_SECONDS` (default 10): how long a job stays with a worker that stopped
    /// renewing its lease (a crashed process) before another worker takes it over.
    public var jobLeaseSeconds: Int
    /// `DOCUTHINKER_PUBLIC_URL` (default `http://localhost:PORT`): where people open DocuThinker;
    /// the base of the links it mails (password resets). Never taken from a request's Host header.
    public var publicURL: String
    /// `DOCUTHINKER_REGISTRATION` (`open` or `confirm-email`): whether registering signs in at once
    /// or first mails a link, so registration reveals nothing about which emails have accounts.
    /// Default: `open` when `HOST` is loopback, `confirm-email` otherwise (see `RegistrationMode`).
    public var registration: RegistrationMode
    /// `DOCUTHINKER_WEBAUTHN_RP_ID` (default: the public URL's host): the site passkeys belong to.
    public var webAuthnRelyingPartyId: String
    /// `DOCUTHINKER_WEBAUTHN_ORIGINS` (comma-separated; default: the public URL's origin): where a
    /// passkey ceremony may come from.
    public var webAuthnOrigins: [String]
    /// Security headers, CORS and who may read `/metrics` (see `HTTPSecurity`).
    public var httpSecurity: HTTPSecurity
    /// What one user's library may hold (see `UploadQuota`).
    public var quota: UploadQuota
    /// `DOCUTHINKER_OCR` (`on`, default; `off`): read scanned pages and images by OCR when the
    /// `tesseract` program and the languages' data are installed.
    public var ocrEnabled: Bool
    /// `DOCUTHINKER_OCR_LANGUAGES` (`eng`; several as `eng+deu` or `eng,deu`), `DOCUTHINKER_OCR_DPI`
    /// (300), `DOCUTHINKER_OCR_PAGE_TIMEOUT_SECONDS` (120).
    public var ocr: OCRSettings
    /// `DOCUTHINKER_WEB_DIR`: serve the web client's templates and static files from this directory
    /// (e.g. `Sources/WebClient`) on every request instead of the copies compiled into the binary.
    public var webDirectory: String?

    /// Reads the configuration; see each property for its variable name and default.
    public init(reader: ConfigReader) {
        host = reader.string(forKey: "host", default: "127.0.0.1")
        port = reader.int(forKey: "port", default: 8080)
        dataDirectory = reader.string(forKey: "docuthinker.data.dir", default: "./data")
        jwtSecret = reader.string(forKey: "jwt.secret", isSecret: true)
        jwtPreviousSecrets = reader.string(forKey: "jwt.previous.secrets", isSecret: true, default: "").split(separator: ",")
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        accessTokenLifetime = .seconds(reader.int(forKey: "docuthinker.access.token.ttl.seconds", default: 900))
        refreshTokenLifetime = .seconds(reader.int(forKey: "docuthinker.refresh.token.ttl.days", default: 30) * 86_400)
        bcryptCost = max(4, min(31, reader.int(forKey: "docuthinker.bcrypt.cost", default: 12)))
        limits = ExtractionLimits(
            maxBytes: reader.int(forKey: "docuthinker.max.upload.bytes", default: 50_000_000),
            maxPages: reader.int(forKey: "docuthinker.max.pages", default: 5_000),
            maxArchiveUncompressedBytes: reader.int(forKey: "docuthinker.docx.max.uncompressed.bytes", default: 200_000_000),
            maxArchiveEntries: reader.int(forKey: "docuthinker.docx.max.entries", default: 10_000),
            timeout: .seconds(reader.int(forKey: "docuthinker.extraction.timeout.seconds", default: 120)))
        ocrEnabled = !["off", "false", "0", "no"].contains(reader.string(forKey: "docuthinker.ocr", default: "on").lowercased())
        ocr = OCRSettings(
            languages: reader.string(forKey: "docuthinker.ocr.languages", default: "eng")
                .split(whereSeparator: { $0 == "+" || $0 == "," || $0 == " " }).map(String.init),
            dpi: max(72, min(600, reader.int(forKey: "docuthinker.ocr.dpi", default: 300))),
            pageTimeout: .seconds(max(5, reader.int(forKey: "docuthinker.ocr.page.timeout.seconds", default: 120))))
        chunkWords = reader.int(forKey: "docuthinker.chunk.words", default: 150)
        chunkMaxWords = reader.int(forKey: "docuthinker.chunk.max.words", default: 200)
        chunkOverlapWords = reader.int(forKey: "docuthinker.chunk.overlap.words", default: 30)
        let configuredModel = reader.string(forKey: "docuthinker.embedding.model.dir").flatMap { $0.isEmpty ? nil : $0 }
        embeddingModelCandidates = configuredModel.map { [$0] } ?? Self.defaultModelDirectories()
        embeddingModelDirectory = embeddingModelCandidates.first(where: Self.holdsModel) ?? embeddingModelCandidates[0]
        gazetteerDirectory = reader.string(forKey: "docuthinker.gazetteer.dir").flatMap { $0.isEmpty ? nil : $0 }
            ?? URL(fileURLWithPath: embeddingModelDirectory).deletingLastPathComponent().appendingPathComponent("gazetteers").path
        embeddingBatchSize = max(1, reader.int(forKey: "docuthinker.embedding.batch.size", default: 8))
        embeddingThreads = max(0, reader.int(forKey: "docuthinker.embedding.threads", default: 0))
        embeddingPrecision = MiniLMEmbedder.Precision(rawValue: reader.string(forKey: "docuthinker.embedding.precision", default: "auto")) ?? .auto
        llm = LLMConfiguration(reader: reader)
        logLevel = Logger.Level(rawValue: reader.string(forKey: "log.level", default: "info").lowercased()) ?? .info
        aiServiceURL = reader.string(forKey: "ai.service.url").flatMap { $0.isEmpty ? nil : $0 }
        aiServiceToken = reader.string(forKey: "ai.service.token", isSecret: true).flatMap { $0.isEmpty ? nil : $0 }
        aiServiceTimeout = .seconds(max(1, reader.int(forKey: "ai.service.timeout.seconds", default: 120)))
        aiPort = reader.int(forKey: "aiml.port", default: 8000)
        webDirectory = reader.string(forKey: "docuthinker.web.dir").flatMap { $0.isEmpty ? nil : $0 }
        publicURL = reader.string(forKey: "docuthinker.public.url").flatMap { $0.isEmpty ? nil : $0 } ?? "http://localhost:\(port)"
        let publicOrigin = URL(string: publicURL).flatMap { url in
            url.scheme.flatMap { scheme in url.host.map { "\(scheme)://\($0)" + (url.port.map { ":\($0)" } ?? "") } }
        } ?? "http://localhost:\(port)"
        httpSecurity = HTTPSecurity(reader: reader, publicURL: publicURL)
        registration = RegistrationMode.resolve(reader.string(forKey: "docuthinker.registration"), host: host)
        quota = UploadQuota(reader: reader)
        webAuthnRelyingPartyId = reader.string(forKey: "docuthinker.webauthn.rp.id").flatMap { $0.isEmpty ? nil : $0 }
            ?? URL(string: publicURL)?.host ?? "localhost"
        webAuthnOrigins = reader.string(forKey: "docuthinker.webauthn.origins").map {
            $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }.flatMap { $0.isEmpty ? nil : $0 } ?? [publicOrigin]
        /// A string setting, nil when unset or empty.
        func optional(forKey key: ConfigKey, isSecret: Bool = false) -> String? {
            reader.string(forKey: key, isSecret: isSecret).flatMap { $0.isEmpty ? nil : $0 }
        }
        stores = StoreConfiguration(
            dataDirectory: dataDirectory, databaseURL: optional(forKey: "database.url", isSecret: true), s3Bucket: optional(forKey: "s3.bucket"),
            localObjectPaths: reader.bool(forKey: "docuthinker.objects.local.paths", default: true),
            databasePassword: optional(forKey: "database.password", isSecret: true),
            databasePoolSize: max(1, reader.int(forKey: "database.pool.size", default: 10)),
            vectorEfSearch: max(1, reader.int(forKey: "docuthinker.pgvector.ef.search", default: 400)),
            vectorExactLimit: max(0, reader.int(forKey: "docuthinker.pgvector.exact.limit", default: 100_000)),
            s3Endpoint: optional(forKey: "s3.endpoint"), awsRegion: optional(forKey: "aws.region") ?? "us-east-1",
            s3ServerSideEncryption: optional(forKey: "s3.sse"), s3KMSKeyId: optional(forKey: "s3.sse.kms.key.id"))
        stores.chroma = optional(forKey: "docuthinker.chroma.url").map { url in
            ChromaConfiguration(
                url: url, token: optional(forKey: "docuthinker.chroma.token", isSecret: true),
                tenant: optional(forKey: "docuthinker.chroma.tenant") ?? ChromaConfiguration.defaultTenant,
                database: optional(forKey: "docuthinker.chroma.database") ?? ChromaConfiguration.defaultDatabase,
                collection: optional(forKey: "docuthinker.chroma.collection") ?? ChromaConfiguration.defaultCollection)
        }
        stores.redis = optional(forKey: "redis.url", isSecret: true).map { url in
            RedisConfiguration(url: url, authToken: optional(forKey: "redis.auth.token", isSecret: true))
        }
        // The knowledge graph in FalkorDB, Neo4j or Neptune when one is set, unless DOCUTHINKER_SYNC_GRAPH says no.
        let syncGraph = optional(forKey: "docuthinker.sync.graph").map { ["1", "true", "yes", "on"].contains($0.lowercased()) } ?? true
        if syncGraph, let url = optional(forKey: "docuthinker.falkordb.url", isSecret: true) {
            stores.falkorDB = RedisConfiguration(url: url, authToken: optional(forKey: "docuthinker.falkordb.password", isSecret: true))
            stores.falkorGraph = optional(forKey: "docuthinker.falkordb.graph") ?? "docuthinker"
        }
        if syncGraph, let uri = optional(forKey: "docuthinker.neo4j.uri") {
            stores.neo4j = Neo4jConfiguration(
                uri: uri, user: optional(forKey: "docuthinker.neo4j.user") ?? "neo4j", password: optional(forKey: "docuthinker.neo4j.password", isSecret: true),
                database: optional(forKey: "docuthinker.neo4j.database") ?? "neo4j")
        }
        if syncGraph, let endpoint = optional(forKey: "docuthinker.neptune.endpoint") {
            stores.neptuneEndpoint = endpoint
            stores.neptuneIAMAuthentication = reader.bool(forKey: "docuthinker.neptune.iam.auth", default: true)
        }
        trustedProxyHops = max(0, reader.int(forKey: "docuthinker.trusted.proxy.hops", default: 0))
        rateLimits = RateLimitSettings(
            perAddress: max(1, reader.int(forKey: "docuthinker.rate.limit.address", default: RateLimitSettings.standard.perAddress)),
            perAccount: max(1, reader.int(forKey: "docuthinker.rate.limit.account", default: RateLimitSettings.standard.perAccount)),
            window: .seconds(max(1, reader.int(forKey: "docuthinker.rate.limit.window.seconds",
                                               default: Int(RateLimitSettings.standard.window.components.seconds)))),
            backoffSeconds: max(1, min(60, reader.int(forKey: "docuthinker.login.backoff.seconds", default: 1))))
        ingestWorkers = max(1, reader.int(forKey: "docuthinker.ingest.workers", default: 2))
        graphRetrieval = reader.bool(forKey: "docuthinker.graph.retrieval", default: false)
        jobLeaseSeconds = max(1, reader.int(forKey: "docuthinker.job.lease.seconds", default: 10))
    }

    /// Where the model is looked for when `DOCUTHINKER_EMBEDDING_MODEL_DIR` is unset, in order:
    /// `./models/…` in the working directory; beside the executable and two levels up (a checkout's
    /// `.build/release/docuthinker` finds the checkout's `models/`); `/opt/docuthinker/models/…`
    /// (the container image), `/usr/local/share/docuthinker/models/…` and `/usr/share/docuthinker/models/…`.
    public static func defaultModelDirectories() -> [String] {
        let name = "models/all-MiniLM-L6-v2"
        var candidates = ["./" + name]
        let executable = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath().deletingLastPathComponent()
        if !executable.path.isEmpty {
            candidates.append(executable.appendingPathComponent(name).path)
            // …/.build/<configuration>/docuthinker, and …/.build/<triple>/<configuration>/docuthinker
            candidates.append(executable.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent(name).path)
            candidates.append(executable.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent(name).path)
        }
        candidates += ["/opt/docuthinker/" + name, "/usr/local/share/docuthinker/" + name, "/usr/share/docuthinker/" + name]
        return candidates
    }

    static func holdsModel(_ directory: String) -> Bool {
        FileManager.default.fileExists(atPath: directory + "/model.safetensors")
    }

    /// The standard provider chain: environment variables, then `.env` in the working directory.
    public static func standardReader(extra: [any ConfigProvider] = []) async throws -> ConfigReader {
        var providers = extra
        providers.append(EnvironmentVariablesProvider(secretsSpecifier: .specific(Self.secretNames)))
        providers.append(try await EnvironmentVariablesProvider(
            environmentFilePath: ".env", allowMissing: true, secretsSpecifier: .specific(Self.secretNames)))
        return ConfigReader(providers: providers)
    }

    /// Variables whose values never appear in logs.
    public static let secretNames: Set<String> = [
        "JWT_SECRET", "OPENAI_API_KEY", "ANTHROPIC_API_KEY", "GOOGLE_API_KEY", "DATABASE_URL", "DATABASE_PASSWORD", "AI_SERVICE_TOKEN",
        "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "REDIS_URL", "REDIS_AUTH_TOKEN", "DOCUTHINKER_CHROMA_TOKEN",
        "DOCUTHINKER_FALKORDB_URL", "DOCUTHINKER_FALKORDB_PASSWORD", "DOCUTHINKER_NEO4J_PASSWORD",
    ]
}
