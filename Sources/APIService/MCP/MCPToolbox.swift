import AIService
import Analysis
import DocuThinkerCore
import Foundation
import MCP
import Retrieval
import ServerSupport
import Storage

/// DocuThinker's tools and resources for MCP clients (assistants, IDEs): the caller's library,
/// search, cited answers, summaries, key ideas and text. Every call is made for one user, whose
/// documents are the only ones it can see. Transport-independent: `MCPServerFactory` wires it
/// to stdio (`docuthinker mcp`) or to streamable HTTP (`POST /mcp` in `ai` and `serve`).
struct MCPToolbox: Sendable {
    let documents: any DocumentRepository
    let graph: any GraphStore
    let backend: any AIBackend

    var graphReader: GraphReader { GraphReader(graph: graph, documents: documents) }

    static let resourceScheme = "docuthinker://documents/"

    /// A tool failure shown to the model (`isError`), e.g. an unknown document.
    struct ToolError: Error {
        var message: String
    }

    var tools: [Tool] {
        let documentId: Value = .object(["type": "string", "description": "A document id from list_documents."])
        func schema(_ properties: [String: Value], required: [String]) -> Value {
            .object(["type": "object", "properties": .object(properties), "required": .array(required.map { .string($0) })])
        }
        let readOnly = Tool.Annotations(readOnlyHint: true, openWorldHint: false)
        return [
            Tool(name: "list_documents", description: "List the user's documents (id, title, format, pages), newest first.",
                 inputSchema: schema(["limit": .object(["type": "integer", "minimum": 1, "maximum": 200])], required: []),
                 annotations: readOnly),
            Tool(name: "search", description: "Hybrid (keyword + semantic) search over the user's documents; returns passages with page and offsets.",
                 inputSchema: schema([
                    "query": .object(["type": "string"]),
                    "mode": .object(["type": "string", "enum": ["hybrid", "keyword", "semantic"]]),
                    "limit": .object(["type": "integer", "minimum": .int(SearchRequest.limits.lowerBound),
                                      "maximum": .int(SearchRequest.limits.upperBound)]),
                    "document_ids": .object(["type": "array", "items": .object(["type": "string"])]),
                 ], required: ["query"]), annotations: readOnly),
            Tool(name: "ask", description: "Answer a question from the user's documents, with citations (document, page, code-point offsets, quote).",
                 inputSchema: schema([
                    "question": .object(["type": "string"]),
                    "document_ids": .object(["type": "array", "items": .object(["type": "string"])]),
                 ], required: ["question"]), annotations: readOnly),
            Tool(name: "summarize", description: "Summary of one document, each sentence cited.",
                 inputSchema: schema(["document_id": documentId,
                                      "length": .object(["type": "string", "enum": ["short", "medium", "long"]])],
                                     required: ["document_id"]), annotations: readOnly),
            Tool(name: "key_ideas", description: "Key ideas of one document with supporting citations.",
                 inputSchema: schema(["document_id": documentId], required: ["document_id"]), annotations: readOnly),
            Tool(name: "get_document_text", description: "The extracted text of one document (optionally a range of code points) with its page ranges.",
                 inputSchema: schema(["document_id": documentId,
                                      "start": .object(["type": "integer", "minimum": 0]),
                                      "max_characters": .object(["type": "integer", "minimum": 1, "maximum": 200_000])],
                                     required: ["document_id"]), annotations: readOnly),
            Tool(name: "entities", description: "People, organisations, places, dates and other named things in the user's documents, "
                 + "found by the start of their name (close misspellings too), most mentioned first; ids for the entity tool.",
                 inputSchema: schema(["query": .object(["type": "string", "description": "The start of a name; empty lists the most mentioned."]),
                                      "limit": .object(["type": "integer", "minimum": 1, "maximum": 100])], required: []),
                 annotations: readOnly),
            Tool(name: "entity", description: "One entity of the knowledge graph: the documents that name it, quoted mentions "
                 + "(page, code-point offsets) and related entities with the words that relate them.",
                 inputSchema: schema(["id": .object(["type": "string", "description": "An entity id from the entities tool."])], required: ["id"]),
                 annotations: readOnly),
        ]
    }

    /// Runs one tool for `ownerId` on arguments its schema allows. Failures the model can act on
    /// (bad arguments, an unknown document) come back as `isError` results.
    func call(_ name: String, arguments: [String: Value], ownerId: String) async -> CallTool.Result {
        do {
            guard let tool = tools.first(where: { $0.name == name }) else { throw ToolError(message: "Unknown tool '\(name)'.") }
            try ToolArgumentValidator.validate(arguments, against: tool.inputSchema)
            let value: any Encodable & Sendable = switch name {
            case "list_documents": try await listDocuments(arguments, ownerId: ownerId)
            case "search": try await search(arguments, ownerId: ownerId)
            case "ask": try await ask(arguments, ownerId: ownerId)
            case "summarize": try await analysis(.summary, arguments, ownerId: ownerId)
            case "key_ideas": try await analysis(.keyIdeas, arguments, ownerId: ownerId)
            case "get_document_text": try await text(arguments, ownerId: ownerId)
            case "entities": EntityList(entities: try await graphReader.entities(
                query: arguments["query"]?.stringValue ?? "", limit: Self.integer(arguments["limit"]) ?? 20, ownerId: ownerId))
            case "entity": try await graphReader.entity(id: try Self.string(arguments, "id"), ownerId: ownerId)
            default: throw ToolError(message: "Unknown tool '\(name)'.")
            }
            let data = try JSONIO.encoder.encode(value)
            let structured = try JSONDecoder().decode(Value.self, from: data)
            return CallTool.Result(content: [.text(text: String(decoding: data, as: UTF8.self), annotations: nil, _meta: nil)],
                                   structuredContent: Optional.some(structured), isError: false)
        } catch {
            let message = if let error = error as? ToolError {
                error.message
            } else if let error = APIError.from(error) {
                "\(error.message) (\(error.code))"
            } else {
                "The tool failed: \(error)"
            }
            return CallTool.Result(content: [.text(text: message, annotations: nil, _meta: nil)], isError: true)
        }
    }

    /// Documents as resources: `docuthinker://documents/{id}` holds the extracted text.
    func resources(ownerId: String) async throws -> [Resource] {
        try await documents.documents(ownerId: ownerId, limit: 200, offset: 0).items.map {
            Resource(name: $0.title, uri: Self.resourceScheme + $0.id, description: "\($0.format.rawValue), \($0.pageCount) pages",
                     mimeType: "text/plain")
        }
    }

    /// Code points per `resources/read` answer; a longer document is read in parts
    /// (`docuthinker://documents/{id}?start=N`), each answer naming the next part's URI.
    static let resourcePage = 100_000

    func read(uri: String, ownerId: String) async throws -> [Resource.Content] {
        guard uri.hasPrefix(Self.resourceScheme) else { throw MCPError.invalidParams("No such document: \(uri)") }
        let rest = uri.dropFirst(Self.resourceScheme.count)
        let parts = rest.split(separator: "?", maxSplits: 1)
        let id = String(parts.first ?? "")
        var start = 0
        if parts.count == 2 {
            guard parts[1].hasPrefix("start="), let value = Int(parts[1].dropFirst(6)), value >= 0 else {
                throw MCPError.invalidParams("A document resource takes only '?start=N' (N ≥ 0): \(uri)")
            }
            start = value
        }
        guard let content = try await documents.content(documentId: id, ownerId: ownerId) else {
            throw MCPError.invalidParams("No such document: \(uri)")
        }
        let scalars = ScalarText(content.text)
        let from = min(start, scalars.count), to = min(scalars.count, from + Self.resourcePage)
        var contents: [Resource.Content] = [.text(scalars.slice(from, to), uri: uri, mimeType: "text/plain")]
        if to < scalars.count {
            let next = Self.resourceScheme + id + "?start=\(to)"
            contents.append(.text("[Code points \(from)–\(to) of \(scalars.count). The next part is \(next)]", uri: next, mimeType: "text/plain"))
        }
        return contents
    }

    // MARK: - Tools

    struct DocumentSummary: Codable, Sendable {
        var id: String
        var title: String
        var format: String
        var pages: Int
        var characters: Int
        var createdAt: Date
    }

    /// Tool results are JSON objects (MCP's `structuredContent`), so lists are wrapped.
    struct DocumentList: Codable, Sendable { var documents: [DocumentSummary] }
    struct SearchResults: Codable, Sendable { var results: [SearchController.Result] }
    struct EntityList: Codable, Sendable { var entities: [GraphReader.EntityListItem] }

    private func listDocuments(_ arguments: [String: Value], ownerId: String) async throws -> DocumentList {
        let limit = Self.integer(arguments["limit"]) ?? 50
        return DocumentList(documents: try await documents.documents(ownerId: ownerId, limit: limit, offset: 0).items.map {
            DocumentSummary(id: $0.id, title: $0.title, format: $0.format.rawValue, pages: $0.pageCount, characters: $0.characters, createdAt: $0.createdAt)
        })
    }

    private func search(_ arguments: [String: Value], ownerId: String) async throws -> SearchResults {
        let search = try SearchRequest(query: arguments["query"]?.stringValue, mode: arguments["mode"]?.stringValue,
                                       limit: Self.integer(arguments["limit"]), documentIds: Self.documentIds(arguments))
        let hits = try await backend.search(ownerId: ownerId, search)
        return SearchResults(results: try await SearchController.results(hits, ownerId: ownerId, documents: documents))
    }

    struct AskResult: Codable, Sendable {
        var answer: String
        var found: Bool
        var citations: [Citation]
    }

    private func ask(_ arguments: [String: Value], ownerId: String) async throws -> AskResult {
        let question = try Self.string(arguments, "question")
        let answer = try await backend.answer(question: question, ownerId: ownerId, documentIds: Self.documentIds(arguments))
        return AskResult(answer: answer.text, found: answer.found, citations: answer.citations)
    }

    private func analysis(_ kind: AnalysisKind, _ arguments: [String: Value], ownerId: String) async throws -> AnalysisResult {
        var parameters = AnalysisParameters()
        if let length = arguments["length"]?.stringValue {
            guard let value = SummaryLength(rawValue: length) else { throw ToolError(message: "'length' must be short, medium or long.") }
            parameters.length = value
        }
        return try await backend.analysis(documentId: try Self.string(arguments, "document_id"), ownerId: ownerId, kind: kind,
                                          parameters: parameters).result
    }

    struct TextResult: Codable, Sendable {
        var documentId: String
        var start: Int
        var end: Int
        var totalCharacters: Int
        var text: String
        var pages: [PageRange]
    }

    private func text(_ arguments: [String: Value], ownerId: String) async throws -> TextResult {
        let id = try Self.string(arguments, "document_id")
        guard let content = try await documents.content(documentId: id, ownerId: ownerId) else {
            throw ToolError(message: "No such document: \(id).")
        }
        let scalars = ScalarText(content.text)
        let start = min(scalars.count, Self.integer(arguments["start"]) ?? 0)
        let end = min(scalars.count, start + (Self.integer(arguments["max_characters"]) ?? 50_000))
        return TextResult(documentId: id, start: start, end: end, totalCharacters: scalars.count, text: scalars.slice(start, end),
                          pages: content.pages.filter { $0.end > start && $0.start < end })
    }

    /// An integer argument (already checked against the schema; JSON may carry it as `3.0`).
    private static func integer(_ value: Value?) -> Int? {
        switch value {
        case .int(let int)?: int
        case .double(let double)?: Int(exactly: double)
        default: nil
        }
    }

    private static func string(_ arguments: [String: Value], _ name: String) throws -> String {
        guard let value = arguments[name]?.stringValue?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else {
            throw ToolError(message: "'\(name)' is required.")
        }
        guard value.count <= SearchRequest.maxQueryCharacters else {
            throw ToolError(message: "'\(name)' is longer than \(SearchRequest.maxQueryCharacters) characters.")
        }
        return value
    }

    private static func documentIds(_ arguments: [String: Value]) -> [String]? {
        arguments["document_ids"]?.arrayValue?.compactMap(\.stringValue)
    }
}
