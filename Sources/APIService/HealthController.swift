import Foundation
import Hummingbird
import Logging
import Storage

/// `/health` (liveness) and `/health/ready` (the store answers).
struct HealthController: Sendable {
    let store: any ReadinessCheck
    /// Names of the configured LLM providers (never their keys).
    var llmProviders: [String] = []

    struct Status: Encodable {
        var status: String
        var checks: [String: String]?
        var llmProviders: [String]?
    }

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("health") { _, _ in try JSONIO.response(Status(status: "ok")) }
        router.get("health/ready") { _, context in
            do {
                try await store.ping()
                return try JSONIO.response(Status(status: "ready", checks: ["database": "ok"], llmProviders: llmProviders))
            } catch {
                context.logger.warning("readiness check failed", metadata: ["error": "\(error)"])
                return try JSONIO.response(Status(status: "unavailable", checks: ["database": "unreachable"]),
                                           status: .serviceUnavailable)
            }
        }
    }
}
