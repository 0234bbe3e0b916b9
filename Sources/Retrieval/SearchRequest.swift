public import DocuThinkerCore
import Foundation
public import Storage

/// One search as every edge (REST, the legacy routes, MCP, GraphQL later) must ask for it: the
/// rules live here, once, and a request that breaks them fails with the same `DomainError`
/// (`validation_failed`, naming the field) wherever it came from.
public struct SearchRequest: Sendable, Hashable {
    /// How many results one search may ask for.
    public static let limits = 1...100
    public static let defaultLimit = 10
    /// The longest query, in characters.
    public static let maxQueryCharacters = 1_000

    public var query: String
    public var mode: SearchMode
    public var limit: Int
    /// Only these documents of the caller (nil: all of them).
    public var documentIds: [String]?

    /// Validates raw values from an edge: the query is trimmed and required, the mode is one of
    /// `hybrid` (default), `keyword`, `semantic`, the limit (default 10) is within `limits`, and
    /// empty document ids are dropped.
    public init(query: String?, mode: String? = nil, limit: Int? = nil, documentIds: [String]? = nil) throws(DomainError) {
        guard let query = query?.trimmingCharacters(in: .whitespacesAndNewlines), !query.isEmpty else {
            throw Self.invalid("The query is required.", field: "query")
        }
        guard query.count <= Self.maxQueryCharacters else {
            throw Self.invalid("The query is longer than \(Self.maxQueryCharacters) characters.", field: "query")
        }
        guard let mode = SearchMode(rawValue: mode ?? SearchMode.hybrid.rawValue) else {
            throw Self.invalid("'mode' must be hybrid, keyword or semantic.", field: "mode")
        }
        let limit = limit ?? Self.defaultLimit
        guard Self.limits.contains(limit) else { throw Self.invalidLimit }
        self.query = query
        self.mode = mode
        self.limit = limit
        self.documentIds = documentIds?.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// The failure for a limit that is not an integer within `limits`.
    public static let invalidLimit = invalid(
        "'limit' must be an integer from \(limits.lowerBound) to \(limits.upperBound).", field: "limit")

    static func invalid(_ message: String, field: String) -> DomainError {
        DomainError(.invalid, code: "validation_failed", message: message, details: ["field": field])
    }
}

extension SearchService {
    /// The best chunks of the owner for a validated request.
    public func search(ownerId: String, _ request: SearchRequest) async throws -> [ChunkHit] {
        try await search(ownerId: ownerId, query: request.query, mode: request.mode, documentIds: request.documentIds,
                         limit: request.limit)
    }
}
