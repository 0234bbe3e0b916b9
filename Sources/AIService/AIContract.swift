import Analysis
import Foundation
import HTTPTypes
import Storage
import Retrieval

/// The wire contract between `docuthinker api` and `docuthinker ai`, shared by both sides.
///
/// A hand-written typed client rather than OpenAPI-generated code: the two ends are one
/// codebase, so the request and response bodies below are the same Swift types on both sides
/// (they cannot drift), and the generator would add minutes to every clean build for about a
/// dozen calls. Paths live under `/internal/v1` (and `/ai/internal/v1` behind the load balancer's
/// `/ai` prefix). Every call carries `Authorization: Bearer <AI_SERVICE_TOKEN>`; user-scoped
/// calls carry `X-User-Id`; all carry `X-Request-Id`. Errors use the API's JSON error shape and
/// are passed on to the user unchanged.
public enum AIContract {
    /// Where the internal routes live.
    public static let prefix = "internal/v1"
    static let userHeader = HTTPField.Name("X-User-Id")!

    /// `POST documents/{id}/analyses/{kind}`.
    struct AnalysisRequest: Codable, Sendable {
        var parameters: AnalysisParameters
        var refresh: Bool
    }

    /// `POST analyses/batch`: one kind of analysis for many of the caller's documents.
    struct BatchAnalysisRequest: Codable, Sendable {
        var documentIds: [String]
        var kind: AnalysisKind
        var parameters: AnalysisParameters
    }

    /// `POST analyses`: analysis of text sent with the request.
    struct TextAnalysisRequest: Codable, Sendable {
        var text: String
        var kind: AnalysisKind
        var parameters: AnalysisParameters
    }

    /// `POST search`.
    struct SearchBody: Codable, Sendable {
        var query: String
        var mode: SearchMode
        var documentIds: [String]?
        var limit: Int
    }

    /// `POST answers`: from the caller's documents, or from `text` when it is present.
    struct AnswerRequest: Codable, Sendable {
        var question: String
        var documentIds: [String]?
        var text: String?
    }

    /// `POST graph/llm-extraction/estimate`: the documents (all the caller's when nil).
    struct GraphExtractionDocuments: Codable, Sendable {
        var documentIds: [String]?
    }

    /// `GET graph/documents/{id}[?graph=false]`: the extraction version that built the document's
    /// stored graph, and the graph (unless `graph=false`).
    struct StoredGraph: Codable, Sendable {
        var version: Int?
        var graph: DocumentGraph?
    }

    /// `GET graph/entity?key=`: one entity's contributions by document and its relations (null when unknown).
    struct EntityGraph: Codable, Sendable {
        var contributions: [String: EntityContribution]
        var relations: [LibraryRelation]
    }

    /// `GET graph/progress?version=`.
    struct GraphProgress: Codable, Sendable {
        var current: Int
        var ready: Int
    }

    /// Dates travel as seconds since 1970 (exact, no parsing ambiguity).
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .secondsSince1970
        return encoder
    }()

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        return decoder
    }()
}
