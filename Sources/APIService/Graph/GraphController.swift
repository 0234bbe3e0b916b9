import AIService
import DocuThinkerCore
import Foundation
import Hummingbird
import ServerSupport

/// The knowledge-graph routes: `GET /v1/documents/{id}/graph`, `GET /v1/graph/entities?q=&limit=`,
/// `GET /v1/graph/entities/{id}`, `GET /v1/graph/path?from=&to=&maxHops=`, `GET /v1/graph/status`, and
/// the language model's reading of the library: `GET /v1/graph/llm-extraction/estimate?documentIds=`,
/// `POST /v1/graph/llm-extraction` (start), `GET` (progress) and `DELETE` (cancel).
struct GraphController: Sendable {
    let reader: GraphReader
    let backend: any AIBackend

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("documents/:id/graph") { _, context in
            let owner = try context.requireUser()
            return try JSONIO.response(try await reader.documentGraph(id: try context.parameters.require("id"), ownerId: owner))
        }
        group.get("graph/entities") { request, context in
            let owner = try context.requireUser()
            let query = request.uri.queryParameters
            let limit = try Self.limit(query.get("limit"))
            let q = SearchController.formValue("q", in: request.uri.query) ?? ""
            return try JSONIO.response(["entities": try await reader.entities(query: q, limit: limit, ownerId: owner)])
        }
        group.get("graph/entities/:id") { _, context in
            let owner = try context.requireUser()
            // Entity ids hold ':' and spaces: they arrive percent-encoded.
            let raw = try context.parameters.require("id")
            return try JSONIO.response(try await reader.entity(id: raw.removingPercentEncoding ?? raw, ownerId: owner))
        }
        group.get("graph/path") { request, context in
            let owner = try context.requireUser()
            let query = request.uri.queryParameters
            guard let from = query.get("from"), let to = query.get("to"), !from.isEmpty, !to.isEmpty else {
                throw DomainError(.invalid, code: "validation_failed", message: "Give both entity ids: from and to.",
                                  details: ["field": query.get("from") == nil ? "from" : "to"])
            }
            let hops = try query.get("maxHops").map { raw -> Int in
                guard let value = Int(raw), GraphReader.maxHops.contains(value) else {
                    throw DomainError(.invalid, code: "validation_failed", message: "maxHops must be a whole number from 1 to 6.",
                                      details: ["field": "maxHops"])
                }
                return value
            } ?? 4
            return try JSONIO.response(try await reader.path(from: from, to: to, maxHops: hops, ownerId: owner))
        }
        group.get("graph/status") { _, context in
            try JSONIO.response(try await reader.status(ownerId: try context.requireUser()))
        }
        group.get("graph/llm-extraction/estimate") { request, context in
            let owner = try context.requireUser()
            let ids = try Self.documentIds(request.uri.queryParameters.get("documentIds").map { $0.split(separator: ",").map(String.init) })
            return try JSONIO.response(try await backend.graphExtractionEstimate(ownerId: owner, documentIds: ids))
        }
        group.post("graph/llm-extraction") { request, context in
            let owner = try context.requireUser()
            var body = LLMGraphStartRequest(documentIds: nil, maxCostUSD: nil)
            if request.headers[.contentLength].map({ $0 != "0" }) ?? (request.headers[.contentType] != nil) {
                body = try await JSONIO.decode(LLMGraphStartRequest.self, from: request)
            }
            body.documentIds = try Self.documentIds(body.documentIds)
            return try JSONIO.response(try await backend.startGraphExtraction(ownerId: owner, body), status: .accepted)
        }
        group.get("graph/llm-extraction") { _, context in
            try JSONIO.response(try await backend.graphExtraction(ownerId: try context.requireUser()))
        }
        group.delete("graph/llm-extraction") { _, context in
            try JSONIO.response(try await backend.cancelGraphExtraction(ownerId: try context.requireUser()))
        }
    }

    /// A list of document ids: 1 to 1,000 non-empty ids (nil: the whole library).
    static func documentIds(_ ids: [String]?) throws -> [String]? {
        guard let ids else { return nil }
        let trimmed = ids.map { $0.trimmingCharacters(in: .whitespaces) }
        guard !trimmed.isEmpty, trimmed.count <= 1_000, !trimmed.contains(where: \.isEmpty) else {
            throw DomainError(.invalid, code: "validation_failed", message: "documentIds must list 1 to 1,000 document ids (leave it out for the whole library).",
                              details: ["field": "documentIds"])
        }
        return trimmed
    }

    static func limit(_ raw: String?) throws -> Int {
        guard let raw else { return 20 }
        guard let value = Int(raw), (1...100).contains(value) else {
            throw DomainError(.invalid, code: "validation_failed", message: "limit must be a whole number from 1 to 100.",
                              details: ["field": "limit"])
        }
        return value
    }
}
