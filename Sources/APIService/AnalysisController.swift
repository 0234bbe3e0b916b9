import AIService
import Analysis
import Foundation
import Hummingbird
import ServerSupport

/// `/v1/documents/{id}/analyses/{kind}`: GET returns the cached result or computes it (parameters
/// from the query), POST computes with JSON parameters (`?refresh=true` bypasses the cache).
struct AnalysisController: Sendable {
    let service: any AIBackend

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("documents/:id/analyses/:kind", use: get)
        group.post("documents/:id/analyses/:kind", use: post)
    }

    /// An analysis result with its cache facts.
    struct Body: Encodable {
        var result: AnalysisResult
        var cached: Bool
        var createdAt: Date

        enum Keys: String, CodingKey { case cached, createdAt }

        func encode(to encoder: any Encoder) throws {
            try result.encode(to: encoder)
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(cached, forKey: .cached)
            try container.encode(createdAt, forKey: .createdAt)
        }
    }

    @Sendable func get(_ request: Request, context: AppRequestContext) async throws -> Response {
        let query = request.uri.queryParameters
        var parameters = AnalysisParameters()
        if let length = query.get("length") {
            guard let value = SummaryLength(rawValue: length) else {
                throw APIError.validation("'length' must be short, medium or long.", field: "length")
            }
            parameters.length = value
        }
        parameters.sentences = try query.get("sentences").map { try Self.integer($0, name: "sentences", range: 1...50) }
        parameters.count = try query.get("count").map { try Self.integer($0, name: "count", range: 1...30) }
        parameters.language = query.get("language")
        parameters.style = query.get("style")
        parameters.instruction = query.get("instruction")
        return try await respond(parameters: parameters, refresh: query.get("refresh") == "true", context: context)
    }

    @Sendable func post(_ request: Request, context: AppRequestContext) async throws -> Response {
        var parameters = AnalysisParameters()
        if request.headers[.contentLength] != "0", request.headers[.contentType] != nil {
            parameters = try await JSONIO.decode(AnalysisParameters.self, from: request)
        }
        if let sentences = parameters.sentences, !(1...50).contains(sentences) {
            throw APIError.validation("'sentences' must be in 1...50.", field: "sentences")
        }
        if let count = parameters.count, !(1...30).contains(count) {
            throw APIError.validation("'count' must be in 1...30.", field: "count")
        }
        return try await respond(parameters: parameters, refresh: request.uri.queryParameters.get("refresh") == "true", context: context)
    }

    private func respond(parameters: AnalysisParameters, refresh: Bool, context: AppRequestContext) async throws -> Response {
        let owner = try context.requireUser()
        let id = try context.parameters.require("id")
        let name = try context.parameters.require("kind")
        guard let kind = AnalysisKind(rawValue: name) else {
            throw APIError.notFound("Unknown analysis '\(name)'. Known: \(AnalysisKind.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        let outcome = try await service.analysis(documentId: id, ownerId: owner, kind: kind, parameters: parameters, refresh: refresh)
        return try JSONIO.response(Body(result: outcome.result, cached: outcome.cached, createdAt: outcome.createdAt))
    }

    static func integer(_ raw: String, name: String, range: ClosedRange<Int>) throws -> Int {
        guard let value = Int(raw), range.contains(value) else {
            throw APIError.validation("'\(name)' must be an integer in \(range.lowerBound)...\(range.upperBound).", field: name)
        }
        return value
    }
}
