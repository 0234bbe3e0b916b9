import ServerSupport
import AIService
import Foundation
import Hummingbird
import Logging
import Storage

/// `/health` (liveness) and `/health/ready`: the store answers (else 503) and what the AI side
/// offers. An `api` whose AI service is unreachable stays ready (`degraded`): accounts, the
/// library and uploads keep working, and AI calls answer 503 `ai_unavailable` until it is back.
struct HealthController: Sendable {
    let store: any ReadinessCheck
    let backend: any AIBackend

    struct Status: Encodable {
        var status: String
        var checks: [String: String]?
        /// Names of the configured LLM providers (never their keys).
        var llmProviders: [String]?
        var semanticSearch: Bool?
        var analysisEngine: String?
    }

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("health") { _, _ in try JSONIO.response(Status(status: "ok")) }
        router.get("health/ready") { _, context in
            do {
                try await store.ping()
            } catch {
                context.logger.warning("readiness check failed", metadata: ["error": "\(error)"])
                return try JSONIO.response(Status(status: "unavailable", checks: ["database": "unreachable"]),
                                           status: .serviceUnavailable)
            }
            guard let ai = try? await backend.capabilities() else {
                return try JSONIO.response(Status(status: "degraded", checks: ["database": "ok", "ai": "unreachable"]))
            }
            return try JSONIO.response(Status(
                status: "ready", checks: ["database": "ok", "ai": "ok"], llmProviders: ai.llmProviders,
                semanticSearch: ai.semanticSearch, analysisEngine: ai.analysisEngine))
        }
    }
}
