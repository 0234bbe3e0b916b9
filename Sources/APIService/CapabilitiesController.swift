import AIService
import DocuThinkerCore
import Hummingbird
import ServerSupport

/// `GET /v1/capabilities`: what this server offers the signed-in client — whether an LLM is
/// configured (translation and rewriting need one), semantic search, and the upload limit — so
/// the web client can disable what cannot work and say why.
struct CapabilitiesController: Sendable {
    let backend: any AIBackend
    let maxUploadBytes: Int

    struct CapabilitiesDTO: Encodable {
        var llm: Bool
        var llmProviders: [String]
        var analysisEngine: String
        var semanticSearch: Bool
        var embeddingModel: String
        var maxUploadBytes: Int
        var formats = DocumentFormat.allCases.map(\.rawValue)
    }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("capabilities") { _, _ in
            let ai = try await backend.capabilities()
            return try JSONIO.response(CapabilitiesDTO(
                llm: !ai.llmProviders.isEmpty, llmProviders: ai.llmProviders, analysisEngine: ai.analysisEngine,
                semanticSearch: ai.semanticSearch, embeddingModel: ai.embeddingModel, maxUploadBytes: maxUploadBytes))
        }
    }
}
