import StoreEngines
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
    /// Optional shared services (Redis, Chroma): one that does not answer makes the process
    /// `degraded`, not unavailable — the product keeps answering without it.
    var dependencies: [DependencyCheck] = []

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
            var checks = ["database": "ok"]
            for dependency in dependencies {
                checks[dependency.name] = (try? await dependency.check()) == nil ? "unreachable" : "ok"
            }
            let degraded = checks.values.contains("unreachable")
            guard let ai = try? await backend.capabilities() else {
                checks["ai"] = "unreachable"
                return try JSONIO.response(Status(status: "degraded", checks: checks))
            }
            checks["ai"] = "ok"
            return try JSONIO.response(Status(
                status: degraded ? "degraded" : "ready", checks: checks, llmProviders: ai.llmProviders,
                semanticSearch: ai.semanticSearch, analysisEngine: ai.analysisEngine))
        }
    }
}
