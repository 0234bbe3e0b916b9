import ServerSupport
import Foundation
import Hummingbird
import Storage

/// `GET /v1/me/usage`: the caller's language-model requests, tokens and estimated cost.
struct UsageController: Sendable {
    let usage: any UsageRepository
    let llm: LLMConfiguration

    struct Row: Encodable {
        var day: String
        var provider: String
        var model: String
        var requests: Int
        var inputTokens: Int
        var outputTokens: Int
        var estimatedCostUSD: Double
    }

    struct Body: Encodable {
        var requests: Int
        var inputTokens: Int
        var outputTokens: Int
        var estimatedCostUSD: Double
        var byDay: [Row]
    }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("me/usage") { _, context in
            let rows = try await usage.usage(userId: try context.requireUser()).map { record in
                Row(day: record.day, provider: record.provider, model: record.model, requests: record.requests,
                    inputTokens: record.inputTokens, outputTokens: record.outputTokens,
                    estimatedCostUSD: llm.cost(model: record.model, input: record.inputTokens, output: record.outputTokens))
            }
            return try JSONIO.response(Body(
                requests: rows.reduce(0) { $0 + $1.requests }, inputTokens: rows.reduce(0) { $0 + $1.inputTokens },
                outputTokens: rows.reduce(0) { $0 + $1.outputTokens },
                estimatedCostUSD: (rows.reduce(0) { $0 + $1.estimatedCostUSD } * 1_000_000).rounded() / 1_000_000, byDay: rows))
        }
    }
}
