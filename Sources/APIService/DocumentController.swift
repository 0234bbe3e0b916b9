import StoreEngines
import Ingestion
import AIService
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

/// `/v1/documents`: upload, list, read, rename, delete — always scoped to the caller. Uploads are
/// stored and answered at once (`status: processing` with the job); the ingestion job does the rest.
struct DocumentController: Sendable {
    let documents: any DocumentRepository & JobRepository
    let service: DocumentService
    let objects: any ObjectStore
    let receiver: UploadReceiver
    let backend: any AIBackend
    /// Where the ingestion job keeps the word boxes of pages read by OCR.
    let ocrWords: any AnalysisRepository

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("documents", use: upload)
        group.get("documents", use: list)
        group.delete("documents", use: deleteAll)
        group.get("documents/:id", use: show)
        group.patch("documents/:id", use: rename)
        group.delete("documents/:id", use: delete)
        group.get("documents/:id/text", use: text)
        group.get("documents/:id/chunks", use: chunks)
        group.get("documents/:id/ocr", use: ocrWordBoxes)
        group.get("documents/:id/file", use: file)
    }

    /// DocuThinker's original `/upload`, at the root like its other paths.
    func addLegacyRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("upload", use: legacyUpload)
    }

    /// The upload answer: the document (`processing`) with its job, and what will follow.
    struct UploadBody: Encodable {
        var document: DocumentDTO
        /// The ingestion analyses and their state (`queued`: computed by the job).
        var analyses: [String: String]
        /// Embedding of the chunks for semantic search: `queued`, or `unavailable` without a model.
        var indexing: String

        enum Keys: String, CodingKey { case analyses, indexing }

        func encode(to encoder: any Encoder) throws {
            try document.encode(to: encoder)
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(analyses, forKey: .analyses)
            try container.encode(indexing, forKey: .indexing)
        }
    }

    @Sendable func upload(_ request: Request, context: AppRequestContext) async throws -> Response {
        let owner = try context.requireUser()
        let upload = try await receiver.receive(request)
        // `?allowDuplicate=true` keeps a second copy of a file the caller already has.
        let allowDuplicate = ["true", "1", "yes"].contains(request.uri.queryParameters.get("allowDuplicate")?.lowercased() ?? "")
        let accepted = try await accept(upload, owner: owner, allowDuplicate: allowDuplicate, context: context)
        // `pending` while the AI side cannot be reached: the job waits in the store for its workers.
        let capabilities = try? await backend.capabilities()
        let state = capabilities == nil ? "pending" : "queued"
        let body = UploadBody(
            document: DocumentDTO(accepted.record, job: accepted.job),
            analyses: Dictionary(uniqueKeysWithValues: IngestionPipeline.analysisKinds.map { ($0.rawValue, state) }),
            indexing: capabilities?.semanticSearch == false ? "unavailable" : state)
        return try JSONIO.response(body, status: .created, headers: [.location: "/v1/documents/\(accepted.record.id)"])
    }

    /// DocuThinker's `POST /upload`: `{title, text}` → `{message, summary, originalText, …}`, stored
    /// for the caller. Its answer carries the summary, so it waits for the document's job.
    @Sendable func legacyUpload(_ request: Request, context: AppRequestContext) async throws -> Response {
        struct Input: Decodable {
            var title: String?, text: String?, html: String?
            /// The original's `userId` (a string, or an array whose first element counts): the caller's or 404.
            var userId: String?

            enum Keys: String, CodingKey { case title, text, html, userId }
            init(from decoder: any Decoder) throws {
                let container = try decoder.container(keyedBy: Keys.self)
                title = try container.decodeIfPresent(String.self, forKey: .title)
                text = try container.decodeIfPresent(String.self, forKey: .text)
                html = try container.decodeIfPresent(String.self, forKey: .html)
                userId = (try? container.decodeIfPresent(String.self, forKey: .userId))
                    ?? (try? container.decodeIfPresent([String].self, forKey: .userId))?.first
            }
        }
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
        guard input.userId == nil || input.userId == owner else { throw LegacyAccountController.userNotFound }
        let (record, summary) = try await summarize(title: input.title, text: input.text, owner: owner, context: context)
        return try JSONIO.response(Output(
            id: record.id, summary: summary, originalText: input.text ?? "", originalHtml: input.html ?? "",
            fileType: record.format.mimeType, fileUrl: "/v1/documents/\(record.id)/file"))
    }

    /// Stores text as one of the caller's documents, waits for its job and answers its summary
    /// (the original's `/upload` and GraphQL `summarizeDocument`).
    func summarize(title: String?, text: String?, owner: String, context: AppRequestContext) async throws -> (DocumentRecord, String) {
        guard let title = title?.trimmingCharacters(in: .whitespacesAndNewlines), !title.isEmpty,
              let text, !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw APIError.badRequest("Missing title or text in request body.", code: "validation_failed")
        }
        let path = receiver.temporaryDirectory + "/upload-" + UUID().uuidString
        try await FileSystem.shared.withFileHandle(forWritingAt: FilePath(path), options: .newFile(replaceExisting: false)) { handle in
            _ = try await handle.write(contentsOf: Array(text.utf8), toAbsoluteOffset: 0)
        }
        let upload = ReceivedUpload(path: path, filename: nil, title: title, size: text.utf8.count)
        let accepted = try await accept(upload, owner: owner, context: context)
        let record = try await service.waitUntilProcessed(id: accepted.record.id, owner: owner, timeout: .seconds(120))
        if record.status == .failed {
            throw APIError(.unprocessableContent, code: record.error ?? "processing_failed", message: record.errorMessage ?? "The text could not be processed.")
        }
        let summary = try await backend.analysis(documentId: record.id, ownerId: owner, kind: .summary, parameters: .init())
        return (record, summary.result.summary ?? "")
    }

    /// Stores the upload and its job; a file refused on inspection becomes its HTTP error.
    func accept(_ upload: ReceivedUpload, owner: String, allowDuplicate: Bool = false,
                        context: AppRequestContext) async throws -> DocumentService.Accepted {
        do {
            return try await service.accept(upload, owner: owner, allowDuplicate: allowDuplicate, logger: context.logger)
        } catch let error as ExtractionError {
            context.logger.info("upload rejected", metadata: ["code": .string(error.code.rawValue)])
            throw error.apiError
        }
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
        let record = try await owned(context)
        return try JSONIO.response(DocumentDTO(record, job: try await documents.job(documentId: record.id)))
    }

    @Sendable func text(_ request: Request, context: AppRequestContext) async throws -> Response {
        let owner = try context.requireUser()
        let id = try context.parameters.require("id")
        guard let content = try await documents.content(documentId: id, ownerId: owner) else {
            throw DocumentErrors.contentUnavailable(try await service.document(id: id, owner: owner))
        }
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
        let format = record.format
        let name = (record.filename ?? record.title).replacingOccurrences(of: "\"", with: "")
            .unicodeScalars.filter { $0.isASCII && $0.value >= 0x20 }.map(String.init).joined()
        let headers: HTTPFields = [
            .contentType: format.mimeType,
            .contentDisposition: "attachment; filename=\"\(name)\"",
            .contentLength: String(record.sizeBytes),
        ]
        func missing() -> APIError {
            context.logger.error("stored file missing", metadata: ["document_id": .string(record.id)])
            return APIError(.internalServerError, code: "file_missing", message: "The original file of this document is missing from storage.")
        }
        if let path = objects.localPath(for: record.objectKey) {
            do {
                let body = try await FileIO().loadFile(path: path, context: context)
                return Response(status: .ok, headers: headers, body: body)
            } catch let error as HTTPError where error.status == .notFound {
                throw missing()
            }
        }
        // The first part is read before the status is sent: a file that has gone missing is an
        // error response, not a 200 cut short.
        // One consumer at a time: here for the first part, then the body writer for the rest.
        nonisolated(unsafe) var parts = objects.stream(key: record.objectKey).makeAsyncIterator()
        let first: ByteBuffer?
        do {
            first = try await parts.next()
        } catch let error as StorageError where error.code == .notFound {
            throw missing()
        }
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            if let first { try await writer.write(first) }
            while let part = try await parts.next() { try await writer.write(part) }
            try await writer.finish(nil)
        })
    }

    struct RenameRequest: Decodable {
        var title: String
    }

    @Sendable func rename(_ request: Request, context: AppRequestContext) async throws -> Response {
        let owner = try context.requireUser()
        let id = try context.parameters.require("id")
        _ = try await service.document(id: id, owner: owner)
        let body = try await JSONIO.decode(RenameRequest.self, from: request)
        return try JSONIO.response(DocumentDTO(try await service.rename(id: id, owner: owner, title: body.title)))
    }

    @Sendable func delete(_ request: Request, context: AppRequestContext) async throws -> Response {
        let owner = try context.requireUser()
        guard try await service.delete(id: try context.parameters.require("id"), owner: owner) else { throw Self.notFound }
        return Response(status: .noContent)
    }

    struct DeleteAllResponse: Encodable {
        var deleted: Int
    }

    @Sendable func deleteAll(_ request: Request, context: AppRequestContext) async throws -> Response {
        let owner = try context.requireUser()
        return try JSONIO.response(DeleteAllResponse(deleted: try await service.deleteAll(owner: owner)))
    }

    func owned(_ context: AppRequestContext) async throws -> DocumentRecord {
        let owner = try context.requireUser()
        let id = try context.parameters.require("id")
        guard let record = try await documents.document(id: id, ownerId: owner) else { throw Self.notFound }
        return record
    }

    static let notFound = DocumentErrors.notFound

    static func integer(_ raw: String?, name: String, default value: Int, range: ClosedRange<Int>) throws -> Int {
        guard let raw else { return value }
        guard let number = Int(raw), range.contains(number) else {
            throw APIError.validation("'\(name)' must be an integer in \(range.lowerBound)...\(range.upperBound).", field: name)
        }
        return number
    }
}
