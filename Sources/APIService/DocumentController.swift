import Analysis
import DocuThinkerCore
import Retrieval
import Extraction
import Foundation
import Hummingbird
import HTTPTypes
import Logging
import ServerSupport
import Storage
import TextProcessing
import _NIOFileSystem

/// `/v1/documents`: upload, list, read, rename, delete — always scoped to the caller.
struct DocumentController: Sendable {
    let documents: any DocumentRepository
    let objects: any ObjectStore
    let ingestor: DocumentIngestor
    let receiver: UploadReceiver
    let backend: any AIBackend
    /// Documents with at most this many sentences get their summary and key ideas inside the
    /// upload request; larger ones are analysed in the background right after it.
    let inlineAnalysisMaxSentences: Int

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("documents", use: upload)
        group.get("documents", use: list)
        group.delete("documents", use: deleteAll)
        group.get("documents/:id", use: show)
        group.patch("documents/:id", use: rename)
        group.delete("documents/:id", use: delete)
        group.get("documents/:id/text", use: text)
        group.get("documents/:id/chunks", use: chunks)
        group.get("documents/:id/file", use: file)
    }

    /// DocuThinker's original `/upload`, at the root like its other paths.
    func addLegacyRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("upload", use: legacyUpload)
    }

    /// The upload answer: the document plus its summary when it was computed inline.
    struct UploadBody: Encodable {
        var document: DocumentDTO
        var summary: String?
        var keyIdeas: [String]?
        /// `ready` (computed in the request) or `queued` (computed in the background) per analysis.
        var analyses: [String: String]
        /// Embedding of the chunks for semantic search: `queued`, or `unavailable` without a model.
        var indexing: String = "queued"

        enum Keys: String, CodingKey { case summary, keyIdeas, analyses, indexing }

        func encode(to encoder: any Encoder) throws {
            try document.encode(to: encoder)
            var container = encoder.container(keyedBy: Keys.self)
            try container.encodeIfPresent(summary, forKey: .summary)
            try container.encodeIfPresent(keyIdeas, forKey: .keyIdeas)
            try container.encode(analyses, forKey: .analyses)
            try container.encode(indexing, forKey: .indexing)
        }
    }

    @Sendable func upload(_ request: Request, context: AppRequestContext) async throws -> Response {
        let owner = try context.requireUser()
        let upload = try await receiver.receive(request)
        let (record, sentences) = try await ingest(upload, owner: owner, context: context)
        var body = await analyseAfterIngest(record, sentences: sentences)
        body.indexing = await Self.pendingIfAIUnavailable { try await backend.startIndexing(documentId: record.id, ownerId: owner) }
        return try JSONIO.response(body, status: .created, headers: [.location: "/v1/documents/\(record.id)"])
    }

    /// DocuThinker's `POST /upload`: `{title, text}` → `{message, summary, originalText, …}`, stored for the caller.
    @Sendable func legacyUpload(_ request: Request, context: AppRequestContext) async throws -> Response {
        struct Input: Decodable { var title: String?; var text: String?; var html: String? }
        struct Output: Encodable {
            var message = "Document summarized"
            var id: String
            var summary: String
            var originalText: String
            var originalHtml: String
            var fileType: String
            var fileUrl: String
        }
        let owner = try context.requireUser()
        let input = try await JSONIO.decode(Input.self, from: request, limit: receiver.maxFileBytes)
        guard let title = input.title?.trimmingCharacters(in: .whitespacesAndNewlines), !title.isEmpty,
              let text = input.text, !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw APIError.badRequest("Missing title or text in request body.", code: "validation_failed")
        }
        let path = receiver.temporaryDirectory + "/upload-" + UUID().uuidString
        try await FileSystem.shared.withFileHandle(forWritingAt: FilePath(path), options: .newFile(replaceExisting: false)) { handle in
            _ = try await handle.write(contentsOf: Array(text.utf8), toAbsoluteOffset: 0)
        }
        let upload = ReceivedUpload(path: path, filename: nil, title: title, size: text.utf8.count)
        let (record, _) = try await ingest(upload, owner: owner, context: context)
        _ = await Self.pendingIfAIUnavailable { try await backend.startIndexing(documentId: record.id, ownerId: owner) }
        let summary = try await backend.analysis(documentId: record.id, ownerId: owner, kind: .summary, parameters: .init())
        return try JSONIO.response(Output(
            id: record.id, summary: summary.result.summary ?? "", originalText: text, originalHtml: input.html ?? "",
            fileType: DocumentFormat(rawValue: record.format)?.mimeType ?? "text/plain",
            fileUrl: "/v1/documents/\(record.id)/file"))
    }

    /// Extracts, stores the file and the rows; on any failure nothing is left behind.
    private func ingest(_ upload: ReceivedUpload, owner: String, context: AppRequestContext) async throws -> (DocumentRecord, Int) {
        do {
            let imported = try await DocumentImporter(documents: documents, objects: objects, ingestor: ingestor)
                .importFile(upload, owner: owner, logger: context.logger)
            return (imported.record, imported.sentences)
        } catch let error as ExtractionError {
            context.logger.info("upload rejected", metadata: ["code": .string(error.code.rawValue)])
            throw error.apiError
        }
    }

    /// Summary and key ideas: inline for documents up to the sentence limit, else queued. When the
    /// AI service is down the document is kept and they are `pending`: computed on first request,
    /// and the AI service indexes every unindexed document when it starts.
    private func analyseAfterIngest(_ record: DocumentRecord, sentences: Int) async -> UploadBody {
        var body = UploadBody(document: DocumentDTO(record), analyses: [:])
        guard sentences <= inlineAnalysisMaxSentences else {
            let state = await Self.pendingIfAIUnavailable {
                try await backend.warm(documentId: record.id, ownerId: record.ownerId)
                return "queued"
            }
            for kind in AnalysisWarmer.ingestionKinds { body.analyses[kind.rawValue] = state }
            return body
        }
        for kind in AnalysisWarmer.ingestionKinds {
            var outcome: AnalysisOutcome?
            body.analyses[kind.rawValue] = await Self.pendingIfAIUnavailable {
                outcome = try await backend.analysis(documentId: record.id, ownerId: record.ownerId, kind: kind, parameters: .init())
                return "ready"
            }
            if kind == .summary { body.summary = outcome?.result.summary }
            if kind == .keyIdeas { body.keyIdeas = outcome?.result.items.map(\.text) }
        }
        return body
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let owner = try context.requireUser()
        let query = request.uri.queryParameters
        let limit = try Self.integer(query.get("limit"), name: "limit", default: 50, range: 1...200)
        let offset = try Self.integer(query.get("offset"), name: "offset", default: 0, range: 0...Int.max)
        let page = try await documents.documents(ownerId: owner, limit: limit, offset: offset)
        var headers: HTTPFields = [HTTPField.Name("X-Total-Count")!: String(page.total)]
        if offset + page.items.count < page.total {
            headers[HTTPField.Name("Link")!] = "</v1/documents?limit=\(limit)&offset=\(offset + limit)>; rel=\"next\""
        }
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: DocumentDTO.jsonArray(page.items))))
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        try JSONIO.response(DocumentDTO(try await owned(context)))
    }

    @Sendable func text(_ request: Request, context: AppRequestContext) async throws -> Response {
        let owner = try context.requireUser()
        let id = try context.parameters.require("id")
        guard let content = try await documents.content(documentId: id, ownerId: owner) else { throw Self.notFound }
        let withBlocks = request.uri.queryParameters.get("blocks") == "true"
        return try JSONIO.response(DocumentTextDTO(
            documentId: id, text: content.text, pages: content.pages, blocks: withBlocks ? content.blocks : nil))
    }

    @Sendable func chunks(_ request: Request, context: AppRequestContext) async throws -> Response {
        let record = try await owned(context)
        return try JSONIO.response(try await documents.chunks(documentId: record.id, ownerId: record.ownerId).map(ChunkDTO.init))
    }

    @Sendable func file(_ request: Request, context: AppRequestContext) async throws -> Response {
        let record = try await owned(context)
        let format = DocumentFormat(rawValue: record.format) ?? .text
        let name = (record.filename ?? record.title).replacingOccurrences(of: "\"", with: "")
            .unicodeScalars.filter { $0.isASCII && $0.value >= 0x20 }.map(String.init).joined()
        let headers: HTTPFields = [
            .contentType: format.mimeType,
            .contentDisposition: "attachment; filename=\"\(name)\"",
            .contentLength: String(record.sizeBytes),
        ]
        if let path = objects.localPath(for: record.objectKey) {
            let body = try await FileIO().loadFile(path: path, context: context)
            return Response(status: .ok, headers: headers, body: body)
        }
        let data = try await objects.read(key: record.objectKey, maxBytes: record.sizeBytes + 1)
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: .init(bytes: data)))
    }

    struct RenameRequest: Decodable {
        var title: String
    }

    @Sendable func rename(_ request: Request, context: AppRequestContext) async throws -> Response {
        let owner = try context.requireUser()
        let id = try context.parameters.require("id")
        guard try await documents.document(id: id, ownerId: owner) != nil else { throw Self.notFound }
        let body = try await JSONIO.decode(RenameRequest.self, from: request)
        let title = body.title.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !title.isEmpty, title.count <= 300 else {
            throw APIError.validation("The title must have 1 to 300 characters.", field: "title")
        }
        guard let record = try await documents.renameDocument(id: id, ownerId: owner, title: title, at: .now) else {
            throw Self.notFound
        }
        return try JSONIO.response(DocumentDTO(record))
    }

    @Sendable func delete(_ request: Request, context: AppRequestContext) async throws -> Response {
        let owner = try context.requireUser()
        let id = try context.parameters.require("id")
        guard let record = try await documents.deleteDocument(id: id, ownerId: owner) else { throw Self.notFound }
        try await objects.delete(key: record.objectKey)
        return Response(status: .noContent)
    }

    struct DeleteAllResponse: Encodable {
        var deleted: Int
    }

    @Sendable func deleteAll(_ request: Request, context: AppRequestContext) async throws -> Response {
        let owner = try context.requireUser()
        let records = try await documents.deleteAllDocuments(ownerId: owner)
        for record in records { try await objects.delete(key: record.objectKey) }
        return try JSONIO.response(DeleteAllResponse(deleted: records.count))
    }

    /// The state label of work handed to the AI side: what `work` returns, `pending` when the AI
    /// service cannot be reached (it catches up when it is back), `failed` otherwise.
    private static func pendingIfAIUnavailable(_ work: () async throws -> String) async -> String {
        do {
            return try await work()
        } catch let error as APIError where error.code == RemoteAIBackend.unavailableCode {
            return "pending"
        } catch {
            return "failed"
        }
    }

    private func owned(_ context: AppRequestContext) async throws -> DocumentRecord {
        let owner = try context.requireUser()
        let id = try context.parameters.require("id")
        guard let record = try await documents.document(id: id, ownerId: owner) else { throw Self.notFound }
        return record
    }

    static let notFound = APIError.notFound("No such document.")

    static func integer(_ raw: String?, name: String, default value: Int, range: ClosedRange<Int>) throws -> Int {
        guard let raw else { return value }
        guard let number = Int(raw), range.contains(number) else {
            throw APIError.validation("'\(name)' must be an integer in \(range.lowerBound)...\(range.upperBound).", field: name)
        }
        return number
    }
}
