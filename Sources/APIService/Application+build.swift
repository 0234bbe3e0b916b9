import Analysis
import Embeddings
import Extraction
import LLM
import Retrieval
import Foundation
public import Hummingbird
public import Logging
import ServerSupport
import Storage
import TextProcessing

/// Builds the DocuThinker API application from configuration. `main` and the tests call this
/// same function (swift-style habit 1); every dependency is created here and passed down.
public func buildApplication(configuration: AppConfiguration, logger: Logger) async throws -> some ApplicationProtocol {
    let data = configuration.dataDirectory
    let temporary = data + "/tmp"
    let fileManager = FileManager.default
    try fileManager.createDirectory(atPath: temporary, withIntermediateDirectories: true)
    // Uploads interrupted by a crash leave temporary files only here; they are never referenced.
    for leftover in (try? fileManager.contentsOfDirectory(atPath: temporary)) ?? [] {
        try? fileManager.removeItem(atPath: temporary + "/" + leftover)
    }
    let store = try SQLiteStore(path: data + "/docuthinker.sqlite")
    let objects = try FileObjectStore(root: data + "/objects")
    let secret = try JWTSecretStore.resolve(configured: configuration.jwtSecret, dataDirectory: data, logger: logger)
    let tokens = await TokenService(
        secret: secret, accessLifetime: configuration.accessTokenLifetime,
        refreshLifetime: configuration.refreshTokenLifetime)
    let ingestor = DocumentIngestor(
        extractor: DocumentExtractor(limits: configuration.limits),
        chunker: Chunker(
            targetWords: configuration.chunkWords, maxWords: configuration.chunkMaxWords,
            overlapWords: configuration.chunkOverlapWords))
    let providers = configuration.llm.providers()
    let search = makeSearchService(configuration: configuration, store: store, logger: logger)
    let offline = OfflineAnalysisEngine(embedder: search.embedding?.embedder)
    let llmRouter = providers.isEmpty ? nil : LLMRouter(providers: providers)
    let engine: any AnalysisEngine = llmRouter.map { LLMAnalysisEngine(router: $0, offline: offline) } ?? offline
    logger.info("analysis engine", metadata: ["engine": .string(engine.name), "llm_providers": .string(providers.map(\.name).joined(separator: ","))])
    var analysis = DocumentAnalysisService(documents: store, engine: engine)
    analysis.usage = store
    let warmer = AnalysisWarmer(service: analysis, logger: logger)
    let indexer = IndexingService(store: store, search: search, logger: logger)
    let router = buildRouter(
        store: store, objects: objects, tokens: tokens, hasher: PasswordHasher(cost: configuration.bcryptCost),
        ingestor: ingestor,
        receiver: UploadReceiver(temporaryDirectory: temporary, maxFileBytes: configuration.limits.maxBytes),
        analysis: analysis, warmer: warmer, inlineAnalysisMaxSentences: configuration.inlineAnalysisMaxSentences,
        search: search, indexer: indexer, llm: configuration.llm, providerNames: providers.map(\.name), router: llmRouter)
    var app = Application(
        router: router,
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "DocuThinker"),
        logger: logger)
    app.addServices(warmer, indexer)
    return app
}

/// The search service; without the embedding model, keyword search still works (and the log says why).
func makeSearchService(configuration: AppConfiguration, store: some SearchRepository, logger: Logger) -> SearchService {
    do {
        let embedder = try MiniLMEmbedder(
            directory: URL(fileURLWithPath: configuration.embeddingModelDirectory), batchSize: configuration.embeddingBatchSize,
            threads: configuration.embeddingThreads)
        return SearchService(store: store, index: VectorIndex(store: store, model: embedder.modelID, dimensions: embedder.dimensions),
                             embedding: ChunkEmbedding(embedder: embedder))
    } catch {
        logger.warning("semantic search disabled: embedding model not loaded", metadata: ["error": "\(error)"])
        return SearchService(store: store, index: nil, embedding: nil)
    }
}

/// The routes and middleware of the API.
func buildRouter(
    store: some AppStore, objects: some ObjectStore, tokens: TokenService, hasher: PasswordHasher,
    ingestor: DocumentIngestor, receiver: UploadReceiver, analysis: DocumentAnalysisService, warmer: AnalysisWarmer,
    inlineAnalysisMaxSentences: Int, search: SearchService, indexer: IndexingService, llm: LLMConfiguration,
    providerNames: [String], router llmRouter: LLMRouter?
) -> Router<AppRequestContext> {
    let router = Router(context: AppRequestContext.self)
    router.add(middleware: RequestIDMiddleware())
    router.add(middleware: LogRequestsMiddleware(.info))
    router.add(middleware: SecurityHeadersMiddleware())
    router.add(middleware: ErrorMiddleware())
    HealthController(store: store, llmProviders: providerNames).addRoutes(to: router)

    let auth = AuthController(users: store, tokens: tokens, hasher: hasher)
    let v1 = router.group("v1")
    auth.addPublicRoutes(to: v1)
    let protected = router.group("v1").add(middleware: AuthMiddleware(tokens: tokens))
    auth.addProtectedRoutes(to: protected)
    UsageController(usage: store, llm: llm).addRoutes(to: protected)
    let documents = DocumentController(
        documents: store, objects: objects, ingestor: ingestor, receiver: receiver, analysis: analysis, warmer: warmer,
        indexer: indexer, vectorIndex: search.index, inlineAnalysisMaxSentences: inlineAnalysisMaxSentences)
    SearchController(search: search, documents: store, store: store).addRoutes(to: protected)
    var chatService = ChatService(documents: store, search: search)
    chatService.router = llmRouter
    var chat = ChatController(chats: store, documents: store, service: chatService)
    chat.usage = store
    chat.addRoutes(to: protected)
    documents.addRoutes(to: protected)
    AnalysisController(service: analysis).addRoutes(to: protected)
    // DocuThinker's original paths, as authenticated aliases.
    let legacy = router.group("").add(middleware: AuthMiddleware(tokens: tokens))
    LegacyAnalysisController(service: analysis).addRoutes(to: legacy)
    documents.addLegacyRoutes(to: legacy)
    chat.addLegacyRoutes(to: legacy)
    return router
}
