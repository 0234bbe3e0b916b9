import KnowledgeGraph
import StoreEngines
import DocuThinkerCore
import Ingestion
import AIService
import Analysis
import Embeddings
import Extraction
import LLM
import Retrieval
import Foundation
public import Hummingbird
public import Logging
import Prometheus
import ServerSupport
import Storage
import TextProcessing
import WebAuthn
import WebClient
import Tracing

/// Which process this is: `serve` (everything in one), `api` (the public API; the AI side in
/// process, or over HTTP when `AI_SERVICE_URL` is set) or `ai` (the AI service the API calls).
public enum ServiceRole: String, Sendable {
    case serve, api, ai
}

/// A configuration error found at startup, printed for the operator.
public struct StartupError: Error, CustomStringConvertible {
    public var description: String

    public init(description: String) {
        self.description = description
    }
}

/// Builds a DocuThinker application from configuration. `main` and the tests call this same
/// function (swift-style habit 1); every dependency is created here and passed down.
///
/// - Parameter metrics: the process's metrics registry and OTLP export (the executable's bootstrap).
public func buildApplication(configuration: AppConfiguration, role: ServiceRole = .serve, logger: Logger,
                             metrics: ProcessMetrics = .none) async throws -> some ApplicationProtocol {
    try await makeApplication(configuration: configuration, role: role, logger: logger, metrics: metrics).application
}

/// The application and the routes its router registered (the API document is checked against them).
func makeApplication(configuration: AppConfiguration, role: ServiceRole = .serve, logger: Logger,
                     metrics process: ProcessMetrics = .none) async throws
    -> (application: Application<RouterResponder<AppRequestContext>>, routes: [Router<AppRequestContext>.RouteDescription]) {
    // Opened here, migrated by the application before it serves (below); the worker waits for that.
    let stores = try openStores(configuration, logger: logger)
    let migrations = StoreMigrations(stores: stores)
    if role != .ai {
        // Uploads interrupted by a crash leave staged files only here; they are never referenced.
        let fileManager = FileManager.default
        for leftover in (try? fileManager.contentsOfDirectory(atPath: stores.stagingDirectory)) ?? [] {
            try? fileManager.removeItem(atPath: stores.stagingDirectory + "/" + leftover)
        }
    }
    let store = stores.database
    let metrics = RequestMetrics(registry: PrometheusCollectorRegistry(), service: role.rawValue, process: process)

    // The AI side runs here unless this is an `api` pointed at a separate AI service.
    var local: LocalAIBackend?
    let backend: any AIBackend
    // The knowledge graph: the stores' own, or read through the AI service (which alone reaches a graph database).
    var graph = stores.graph
    if role == .api, let url = configuration.aiServiceURL {
        guard let token = configuration.aiServiceToken else {
            throw StartupError(description: "AI_SERVICE_URL is set but AI_SERVICE_TOKEN is not: set the same token for api and ai.")
        }
        logger.info("AI service over HTTP", metadata: ["url": .string(url)])
        let remote = RemoteAIBackend(baseURL: url, token: token, timeout: configuration.aiServiceTimeout, logger: logger)
        backend = remote
        graph = RemoteGraphStore(backend: remote)
    } else {
        let made = makeLocalAIBackend(configuration: configuration, stores: stores, runsIngestion: true, logger: logger) {
            try await migrations.waitUntilCompleted()
        }
        local = made
        backend = made
    }

    let router: Router<AppRequestContext>
    var mcp: MCPHTTPEndpoint?
    if role == .ai {
        guard let token = configuration.aiServiceToken, let local else {
            throw StartupError(description: "docuthinker ai needs AI_SERVICE_TOKEN (the same value the api uses).")
        }
        let authenticator = try await makeAuthenticator(configuration: configuration, store: store, cache: stores.cache, logger: logger)
        let endpoint = MCPHTTPEndpoint(toolbox: MCPToolbox(documents: store, graph: stores.graph, backend: local), logger: logger,
                                       allowedOrigins: MCPHTTPEndpoint.origins(publicURL: configuration.publicURL)) {
            try? await authenticator.userId(authorization: $0)
        }
        router = buildAIRouter(backend: local, store: store, dependencies: stores.dependencyChecks(), token: token, metrics: metrics, mcp: endpoint,
                               security: configuration.httpSecurity)
    } else {
        let authenticator = try await makeAuthenticator(configuration: configuration, store: store, cache: stores.cache, logger: logger)
        if role == .serve {
            mcp = MCPHTTPEndpoint(toolbox: MCPToolbox(documents: store, graph: graph, backend: backend), logger: logger,
                                  allowedOrigins: MCPHTTPEndpoint.origins(publicURL: configuration.publicURL)) {
                try? await authenticator.userId(authorization: $0)
            }
        }
        logger.info(configuration.registration == .open
                     ? "registration open: registering signs in at once (DOCUTHINKER_REGISTRATION)"
                     : "registration confirms emails: sign-up links are mailed (the outbox and this log until a mailer is set up)",
                     metadata: ["registration": .string(configuration.registration.rawValue)])
        router = buildRouter(
            store: store, graph: graph, objects: stores.objects, authenticator: authenticator, hasher: PasswordHasher(cost: configuration.bcryptCost),
            extractor: DocumentExtractor(limits: configuration.limits),
            receiver: UploadReceiver(temporaryDirectory: stores.stagingDirectory, maxFileBytes: configuration.limits.maxBytes),
            backend: backend, llm: configuration.llm, metrics: metrics, mcp: mcp,
            mail: AccountMail(mailer: OutboxMailer(outbox: store, logger: logger), publicURL: configuration.publicURL,
                              relyingParty: RelyingParty(id: configuration.webAuthnRelyingPartyId, name: "DocuThinker",
                                                         origins: configuration.webAuthnOrigins),
                              registration: configuration.registration),
            limits: AuthRateLimits(limiter: stores.rateLimiter, settings: configuration.rateLimits, trustedProxyHops: configuration.trustedProxyHops,
                                   backoff: stores.cache),
            security: configuration.httpSecurity, quota: configuration.quota, dependencies: stores.dependencyChecks())
        let web: any WebAssetSource = configuration.webDirectory.map { DirectoryWebAssets(root: $0) } ?? EmbeddedWebAssets()
        try WebClientRoutes<AppRequestContext>(source: web, settings: .init(maxUploadBytes: configuration.limits.maxBytes))
            .addRoutes(to: router)
        try APIDocumentController(document: .shared()).addRoutes(to: router)
    }
    let routes = router.routes
    let port = role == .ai ? configuration.aiPort : configuration.port
    var app = Application(
        router: router, server: .http1(configuration: HTTPSecurity.serverConfiguration),
        configuration: .init(address: .hostname(configuration.host, port: port), serverName: "DocuThinker"),
        logger: logger)
    app.beforeServerStarts {
        do {
            try await migrations.apply()
        } catch let error as StorageError {
            throw StartupError(description: error.message)
        }
    }
    if let worker = local?.ingestion { app.addServices(worker) }
    if let rebuild = local?.graphRebuild { app.addServices(rebuild) }
    return (app, routes)
}

/// Opens the configured stores; store problems become startup errors.
public func openStores(_ configuration: AppConfiguration, logger: Logger = Logger(label: "docuthinker.stores")) throws -> Stores {
    do {
        return try StoreFactory.open(configuration.stores, logger: logger)
    } catch let error as StorageError {
        throw StartupError(description: error.message)
    }
}

/// Opens the configured stores and applies pending migrations at once (under the engine's lock,
/// so every process may start together): for one-shot commands (`migrate`, `ingest`, `mcp`).
/// Servers migrate through `StoreMigrations` before they serve instead.
public func migratedStores(_ configuration: AppConfiguration) async throws -> Stores {
    let stores = try openStores(configuration)
    do {
        try await stores.migrate()
    } catch let error as StorageError {
        throw StartupError(description: error.message)
    }
    return stores
}

/// Extraction → segmentation → chunking with the configured limits and passage sizes.
/// The importer the configuration describes: extraction limits and chunk sizes.
public func makeIngestor(configuration: AppConfiguration) -> DocumentIngestor {
    DocumentIngestor(
        extractor: DocumentExtractor(limits: configuration.limits),
        chunker: Chunker(targetWords: configuration.chunkWords, maxWords: configuration.chunkMaxWords,
                         overlapWords: configuration.chunkOverlapWords))
}

/// Access tokens (JWT secret from configuration or the data directory) and API keys.
func makeAuthenticator(configuration: AppConfiguration, store: any APIKeyRepository & AccountRepository, cache: any Cache,
                       logger: Logger) async throws -> Authenticator {
    let secret = try JWTSecretStore.resolve(configured: configuration.jwtSecret, dataDirectory: configuration.dataDirectory,
                                            sharedStore: configuration.stores.databaseURL != nil, logger: logger)
    if configuration.jwtPreviousSecrets.contains(where: { $0.utf8.count < 32 }) {
        throw ConfigurationError("Every JWT_PREVIOUS_SECRETS entry must be at least 32 bytes long, like JWT_SECRET.")
    }
    let tokens = await TokenService(
        secret: secret, previousSecrets: configuration.jwtPreviousSecrets, accessLifetime: configuration.accessTokenLifetime,
        refreshLifetime: configuration.refreshTokenLifetime)
    return Authenticator(tokens: tokens, keys: store, sessions: SessionGuard(accounts: store, cache: cache))
}

/// The AI side in process: embeddings, search, the analysis engine (LLM-backed when providers
/// are configured, offline otherwise), chat, and — with `runsIngestion` — the ingestion workers.
func makeLocalAIBackend(configuration: AppConfiguration, stores: Stores, runsIngestion: Bool, logger: Logger,
                        migrated: @escaping @Sendable () async throws -> Void = {}) -> LocalAIBackend {
    let store = stores.database
    var search = makeSearchService(configuration: configuration, stores: stores, logger: logger)
    if configuration.graphRetrieval {
        search.hybridRerank = GraphRetrieval.over(store, graph: stores.graph).hybridRerank
        logger.info("graph-augmented retrieval on (DOCUTHINKER_GRAPH_RETRIEVAL)")
    }
    let offline = OfflineAnalysisEngine(embedder: search.embedding?.embedder)
    let llmRouter = configuration.llm.router()
    let providers = llmRouter?.providers ?? []
    /// The analysis service over an offline engine (LLM-backed when providers are configured).
    func analysisService(offline: OfflineAnalysisEngine) -> DocumentAnalysisService {
        var service = DocumentAnalysisService(
            documents: store, engine: llmRouter.map { LLMAnalysisEngine(router: $0, offline: offline) } ?? offline)
        service.usage = store
        return service
    }
    let analysis = analysisService(offline: offline)
    logger.info("analysis engine", metadata: ["engine": .string(analysis.engine.name), "llm_providers": .string(providers.map(\.name).joined(separator: ","))])
    if !configuration.llm.placeholderVariables.isEmpty {
        logger.warning("provider variables hold placeholders and are ignored", metadata: [
            "variables": .string(configuration.llm.placeholderVariables.joined(separator: ",")),
            "fix": "set real keys, or remove the variables",
        ])
    }
    var chat = ChatService(documents: store, search: search)
    chat.router = llmRouter
    var worker: IngestionWorker?
    var graphRebuild: GraphRebuildService?
    var llmGraph: LLMGraphExtraction?
    if runsIngestion {
        // The job's analyses run on the ingestion executor's low-priority threads, like its other work.
        let executor = IngestionExecutor()
        var jobOffline = offline
        jobOffline.runner = { work in try await executor.run(work) }
        let jobAnalysis = analysisService(offline: jobOffline)
        var pipeline = IngestionPipeline(
            documents: store, jobs: store, search: search, objects: stores.objects, ingestor: makeIngestor(configuration: configuration),
            analyses: jobAnalysis, executor: executor, logger: logger)
        let graph = GraphBuilder(documents: jobAnalysis, store: stores.graph, extractor: EntityExtractor(gazetteer: loadGazetteer(configuration, logger: logger)),
                                 executor: executor)
        pipeline.graph = graph
        switch configuration.ocrEnabled ? TesseractOCR.locate(configuration.ocr) : .failure(OCRUnavailable(description: "DOCUTHINKER_OCR is off")) {
        case .success(let reader):
            pipeline.ocr = OCRStage(reader: reader, records: store)
            logger.info("OCR on", metadata: ["languages": .string(reader.languages.joined(separator: "+")), "dpi": .stringConvertible(configuration.ocr.dpi)])
        case .failure(let reason):
            pipeline.ocrUnavailable = reason.description
            logger.warning("OCR off: scanned pages and images cannot be read", metadata: [
                "reason": .string(reason.description), "fix": "install tesseract-ocr (scripts/bootstrap), or set DOCUTHINKER_OCR_LANGUAGES to installed languages",
            ])
        }
        graphRebuild = GraphRebuildService(builder: graph, store: stores.graph, logger: logger, startsAfter: migrated)
        if let llmRouter {
            let llm = configuration.llm
            llmGraph = LLMGraphExtraction(
                router: llmRouter, store: store, builder: graph, cache: stores.cache,
                pricing: LLMGraphPricing(cost: { llm.cost(model: $0, input: $1, output: $2) }, monthlyBudgetUSD: llm.monthlyBudgetUSD),
                logger: logger)
        }
        var settings = IngestionWorker.Settings()
        settings.slots = configuration.ingestWorkers
        settings.lease = .seconds(configuration.jobLeaseSeconds)
        worker = IngestionWorker(jobs: store, documents: store, pipeline: pipeline, settings: settings, logger: logger,
                                 startsAfter: migrated)
    }
    var backend = LocalAIBackend(analyses: analysis, searcher: search, chat: chat, ingestion: worker, store: store,
                                 providerNames: providers.map(\.name))
    backend.graphRebuild = graphRebuild
    backend.graph = stores.graph
    backend.llmGraph = llmGraph
    return backend
}

/// The entity extractor's gazetteers; without them the built-in lists serve (and the log says so).
func loadGazetteer(_ configuration: AppConfiguration, logger: Logger) -> Gazetteer {
    let loaded = Gazetteer.load(directory: configuration.gazetteerDirectory)
    if let problem = loaded.problem {
        logger.warning("knowledge graph: gazetteers missing", metadata: [
            "problem": .string(problem), "fix": "run scripts/bootstrap (or scripts/fetch-gazetteers), or set DOCUTHINKER_GAZETTEER_DIR",
        ])
    }
    return loaded.gazetteer
}

/// The search service; without the embedding model, keyword search still works (and the log says why).
func makeSearchService(configuration: AppConfiguration, stores: Stores, logger: Logger) -> SearchService {
    let store = stores.database
    do {
        let embedder = try MiniLMEmbedder(
            directory: URL(fileURLWithPath: configuration.embeddingModelDirectory), batchSize: configuration.embeddingBatchSize,
            threads: configuration.embeddingThreads, precision: configuration.embeddingPrecision)
        var service = SearchService(store: store, index: makeVectorIndex(stores: stores, model: embedder.modelID, dimensions: embedder.dimensions),
                                    embedding: ChunkEmbedding(embedder: embedder))
        service.queryCache = stores.cache
        return service
    } catch {
        logger.warning("semantic search disabled: embedding model not loaded", metadata: [
            "error": "\(error)", "looked_in": .string(configuration.embeddingModelCandidates.joined(separator: ", ")),
            "fix": "run scripts/bootstrap (or scripts/fetch-model) in the checkout, or set DOCUTHINKER_EMBEDDING_MODEL_DIR",
        ])
        return SearchService(store: store, index: nil, embedding: nil)
    }
}

/// The vector index of the configured stores: pgvector's when the database ranks (PostgreSQL),
/// else the embedded one, ranking in memory over the vectors stored in SQLite.
func makeVectorIndex(stores: Stores, model: String, dimensions: Int) -> any VectorIndex {
    stores.databaseVectorIndex?(model, dimensions) ?? MatrixVectorIndex(storage: stores.database, model: model, dimensions: dimensions)
}

/// Middleware every process puts first: request ids, access log, metrics, security headers, errors.
func makeBaseRouter(metrics: RequestMetrics, security: HTTPSecurity) -> Router<AppRequestContext> {
    let router = Router(context: AppRequestContext.self)
    // With telemetry on, each request is a server span, a child of an incoming `traceparent`;
    // first, so the access log and the error records below carry its ids. Off, not even a no-op span is made.
    if !(InstrumentationSystem.tracer is NoOpTracer) {
        router.add(middleware: ServerTracingMiddleware())
    }
    router.add(middleware: RequestIDMiddleware())
    router.add(middleware: LogRequestsMiddleware(.info))
    router.add(middleware: RequestMetricsMiddleware(metrics: metrics))
    router.add(middleware: SecurityHeadersMiddleware(strictTransportSecurity: security.strictTransportSecurity))
    if !security.corsOrigins.isEmpty { router.add(middleware: CORSAllowListMiddleware(origins: Set(security.corsOrigins))) }
    router.add(middleware: ErrorMiddleware())
    router.add(middleware: URILengthMiddleware())
    metrics.addRoute(to: router, security: security)
    return router
}

/// The routes and middleware of the public API (`serve` and `api`).
func buildRouter(
    store: some AppStore, graph: any GraphStore, objects: any ObjectStore, authenticator: Authenticator, hasher: PasswordHasher,
    extractor: DocumentExtractor, receiver: UploadReceiver, backend: any AIBackend,
    llm: LLMConfiguration, metrics: RequestMetrics, mcp: MCPHTTPEndpoint?, mail: AccountMail, limits: AuthRateLimits,
    security: HTTPSecurity = HTTPSecurity(), quota: UploadQuota = UploadQuota(), dependencies: [DependencyCheck] = []
) -> Router<AppRequestContext> {
    let router = makeBaseRouter(metrics: metrics, security: security)
    HealthController(store: store, backend: backend, dependencies: dependencies).addRoutes(to: router)
    mcp?.addRoutes(to: router)

    let auth = AuthController(users: store, tokens: authenticator.tokens, sessions: authenticator.sessions, hasher: hasher, limits: limits,
                              resets: PasswordResetLinks(accounts: store, baseURL: mail.publicURL), mailer: mail.mailer,
                              registration: mail.registration)
    let v1 = router.group("v1")
    auth.addPublicRoutes(to: v1)
    let authMiddleware = AuthMiddleware(authenticator: authenticator, limits: limits)
    let protected = router.group("v1").add(middleware: authMiddleware)
    auth.addProtectedRoutes(to: protected)
    ProfileController(users: store, documents: store).addRoutes(to: protected)
    CapabilitiesController(backend: backend, maxUploadBytes: extractor.limits.maxBytes).addRoutes(to: protected)
    APIKeyController(keys: store).addRoutes(to: protected)
    UsageController(usage: store, llm: llm).addRoutes(to: protected)
    let documents = DocumentController(
        documents: store, service: DocumentService(documents: store, objects: objects, extractor: extractor, backend: backend, quota: quota),
        objects: objects, receiver: receiver, backend: backend, ocrWords: store)
    SearchController(backend: backend, documents: store).addRoutes(to: protected)
    var chat = ChatController(chats: store, documents: store, service: backend)
    chat.usage = store
    chat.addRoutes(to: protected)
    documents.addRoutes(to: protected)
    AnalysisController(service: backend).addRoutes(to: protected)
    GraphController(reader: GraphReader(graph: graph, documents: store), backend: backend).addRoutes(to: protected)
    // DocuThinker's original paths, as authenticated aliases.
    let legacy = router.group("").add(middleware: authMiddleware)
    LegacyAnalysisController(service: backend).addRoutes(to: legacy)   // also GraphQL's, below
    documents.addLegacyRoutes(to: legacy)
    chat.addLegacyRoutes(to: legacy)
    let legacyAccounts = LegacyAccountController(auth: auth, users: store)
    legacyAccounts.addPublicRoutes(to: router)
    legacyAccounts.addRoutes(to: legacy)
    let legacyDocuments = LegacyDocumentController(documents: documents, users: store, authenticator: authenticator)
    legacyDocuments.addRoutes(to: legacy)
    legacyDocuments.addUploadRoute(to: router)
    let passkeys = PasskeyController(users: store, auth: auth, party: mail.relyingParty)
    passkeys.addPublicRoutes(to: router)
    passkeys.addRoutes(to: legacy)
    let legacyAnalyses = LegacyAnalysisController(service: backend)
    let graphQL = GraphQLServices(users: store, documents: store, backend: backend, documentService: documents.service, chats: chat,
                                  auth: auth, legacyAnalyses: legacyAnalyses, documentController: documents,
                                  graph: GraphReader(graph: graph, documents: store))
    GraphQLController(api: DocuThinkerGraphQL.shared, services: graphQL, authenticator: authenticator).addRoutes(to: router)
    return router
}

/// The routes of `docuthinker ai`: health, metrics, the internal contract (at `/internal/v1` and,
/// behind the load balancer's path rule, `/ai/internal/v1`) and MCP over streamable HTTP.
func buildAIRouter(backend: LocalAIBackend, store: some ReadinessCheck,
                   dependencies: [DependencyCheck], token: String, metrics: RequestMetrics,
                   mcp: MCPHTTPEndpoint, security: HTTPSecurity = HTTPSecurity()) -> Router<AppRequestContext> {
    let router = makeBaseRouter(metrics: metrics, security: security)
    HealthController(store: store, backend: backend, dependencies: dependencies).addRoutes(to: router)
    mcp.addRoutes(to: router)
    mcp.addRoutes(to: router, path: "ai/mcp")
    let controller = AIServiceController(backend: backend)
    for prefix in [AIContract.prefix, "ai/" + AIContract.prefix] {
        controller.addRoutes(to: router.group(RouterPath(prefix)).add(middleware: ServiceTokenMiddleware(token: token)))
    }
    return router
}
