import StoreEngines
import AIService
import Foundation
public import Logging
import MCP
import ServerSupport
import Storage

/// `docuthinker mcp`: DocuThinker as an MCP server on stdin/stdout, for one user identified by
/// an API key (checked once at start; a revoked key stops working at the next start). The AI
/// side runs in process, or over HTTP when `AI_SERVICE_URL` is set. Logs go to stderr.
public func runMCPStdio(configuration: AppConfiguration, apiKey: String, logger: Logger) async throws {
    let stores = try await migratedStores(configuration)
    let store = stores.database
    guard apiKey.hasPrefix(APIKeyController.keyPrefix), let key = try await APIKeyController.resolve(apiKey, in: store) else {
        throw StartupError(description: "The API key is invalid or revoked. Create one with POST /v1/me/api-keys and pass it as DOCUTHINKER_API_KEY.")
    }
    let backend: any AIBackend
    var graph = stores.graph
    if let url = configuration.aiServiceURL, let token = configuration.aiServiceToken {
        let remote = RemoteAIBackend(baseURL: url, token: token, timeout: configuration.aiServiceTimeout, logger: logger)
        backend = remote
        graph = RemoteGraphStore(backend: remote)
    } else {
        backend = makeLocalAIBackend(configuration: configuration, stores: stores, runsIngestion: false, logger: logger)
    }
    let user = key.userId
    let server = await MCPServerFactory.make(toolbox: MCPToolbox(documents: store, graph: graph, backend: backend)) { user }
    logger.info("MCP server on stdio", metadata: ["user_id": .string(user), "key": .string(key.prefix)])
    try await server.start(transport: StdioTransport(logger: logger))
    await server.waitUntilCompleted()
}
