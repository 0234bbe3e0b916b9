import AIService
import DocuThinkerCore
import Embeddings
import Foundation
import Retrieval
import Hummingbird
import ServerSupport
import Storage

/// `GET /v1/search?q=&mode=hybrid|keyword|semantic&documents=id,id&limit=` and the index status
/// of a document at `GET /v1/documents/{id}/index`.
struct SearchController: Sendable {
    let backend: any AIBackend
    /// Where each result's document title is read.
    let documents: any DocumentRepository

    /// A passage found, with its document's title (REST and MCP alike).
    struct Result: Codable, Sendable {
        var documentId: String
        /// The document's title, to show with the page ("River Study Report, p. 2").
        var title: String?
        var chunkId: Int64
        var score: Double
        var text: String
        var page: Int
        var start: Int
        var end: Int
    }

    struct Body: Encodable {
        var query: String
        var mode: String
        var results: [Result]
    }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("search", use: handle)
        group.get("documents/:id/index") { _, context in
            let owner = try context.requireUser()
            let id = try context.parameters.require("id")
            return try JSONIO.response(try await backend.indexStatus(documentId: id, ownerId: owner))
        }
    }

    @Sendable func handle(_ request: Request, context: AppRequestContext) async throws -> Response {
        let owner = try context.requireUser()
        let query = request.uri.queryParameters
        // Form-style queries encode spaces as '+': replaced before percent-decoding, so `C%2B%2B` stays `C++`.
        let limit = try query.get("limit").map { raw -> Int in
            guard let value = Int(raw) else { throw SearchRequest.invalidLimit }
            return value
        }
        let search: SearchRequest
        do {
            search = try SearchRequest(query: Self.formValue("q", in: request.uri.query), mode: query.get("mode"), limit: limit,
                                       documentIds: query.get("documents").map { $0.split(separator: ",").map(String.init) })
        } catch {
            throw Self.naming(error)
        }
        let hits = try await backend.search(ownerId: owner, search)
        return try JSONIO.response(Body(query: search.query, mode: search.mode.rawValue,
                                        results: try await Self.results(hits, ownerId: owner, documents: documents)))
    }

    /// The hits as results, each with its document's title and the score rounded to four places.
    static func results(_ hits: [ChunkHit], ownerId: String, documents: any DocumentRepository) async throws -> [Result] {
        let titles = try await DocumentTitles.of(hits.map(\.documentId), ownerId: ownerId, in: documents)
        return hits.map {
            Result(documentId: $0.documentId, title: titles[$0.documentId], chunkId: $0.chunkId, score: ($0.score * 10_000).rounded() / 10_000,
                   text: $0.text, page: $0.page, start: $0.start, end: $0.end)
        }
    }

    /// The core's failure with the field named as in the query string (`q`, not `query`).
    static func naming(_ error: DomainError) -> DomainError {
        var renamed = error
        if renamed.details?["field"] == "query" { renamed.details?["field"] = "q" }
        return renamed
    }

    /// The first value of `name` in a raw (still percent-encoded) query string, decoded as an HTML
    /// form does: `+` is a space, `%2B` a plus.
    static func formValue(_ name: String, in rawQuery: String?) -> String? {
        for pair in (rawQuery ?? "").split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, parts[0] == name else { continue }
            return String(parts[1]).replacingOccurrences(of: "+", with: " ").removingPercentEncoding
        }
        return nil
    }
}
