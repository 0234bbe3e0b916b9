import AIService
import Analysis
import DocuThinkerCore
import Foundation
import Hummingbird
import ServerSupport
import Storage

/// DocuThinker's original document routes (`backend-spec.md` §1.3) over the same services as
/// `/v1/documents`: the original's paths and field names, every route signed in, and a
/// `:userId` that is not the caller answers 404. Lists are JSON arrays (the original spread them
/// into an object with numeric keys); `filePath` and `fileUrl` are the document's file route.
struct LegacyDocumentController: Sendable {
    let documents: DocumentController
    let users: any UserRepository
    let authenticator: Authenticator

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("documents/:userId", use: list)
        group.get("documents/:userId/:docId", use: show)
        group.get("document-details/:userId/:docId", use: details)
        group.get("search-documents/:userId", use: search)
        group.get("document-count/:userId") { request, context in
            struct Count: Encodable { var message = "Document count retrieved"; var documentCount: Int }
            let owner = try await caller(context)
            return try JSONIO.response(Count(documentCount: try await documents.documents.documents(ownerId: owner, limit: 1, offset: 0).total))
        }
        group.post("update-document-title", use: rename)
        group.delete("documents/:userId/:docId") { request, context in
            let owner = try await caller(context)
            _ = try await documents.service.delete(id: try context.parameters.require("docId"), owner: owner)
            return try JSONIO.response(Message(message: "Document deleted successfully"))
        }
        group.delete("documents/:userId") { request, context in
            struct Deleted: Encodable { var message = "All documents deleted successfully"; var deleted: Int }
            return try JSONIO.response(Deleted(deleted: try await documents.service.deleteAll(owner: try await caller(context))))
        }
        group.post("document-upload-url", use: uploadURL)
    }

    /// `POST /document-file` authenticates itself: a bearer token, or the `token` of a URL that
    /// `POST /document-upload-url` handed out.
    func addUploadRoute(to router: some RouterMethods<AppRequestContext>) {
        router.post("document-file", use: storeFile)
    }

    struct Message: Encodable { var message: String }

    /// A document as the original's records: `summary` is `""` until the document is ready.
    struct LegacyDocument: Encodable {
        var message: String?
        var id: String
        var title: String
        var summary: String
        var filePath: String
        var fileType: String
        var status: String
        var createdAt: Date

        init(record: DocumentRecord, summary: String) {
            id = record.id
            title = record.title
            self.summary = summary
            filePath = "/v1/documents/\(record.id)/file"
            fileType = record.format.mimeType
            status = record.status.rawValue
            createdAt = record.createdAt
        }
    }

    /// The signed-in caller's id when the path's (or body's) `userId` is theirs; else 404.
    func caller(_ context: AppRequestContext, userId: String? = nil) async throws -> String {
        let owner = try context.requireUser()
        guard (userId ?? context.parameters.get("userId") ?? owner) == owner else { throw LegacyAccountController.userNotFound }
        guard try await users.user(id: owner) != nil else { throw APIError.accountGone }
        return owner
    }

    static let documentNotFound = APIError(.notFound, code: "not_found", message: "Document not found.")

    /// The stored summary of a ready document (computed at ingestion), `""` otherwise.
    private func summary(of record: DocumentRecord) async -> String {
        guard record.status == .ready else { return "" }
        let outcome = try? await documents.backend.analysis(documentId: record.id, ownerId: record.ownerId, kind: .summary, parameters: .init())
        return outcome?.result.summary ?? ""
    }

    private func legacy(_ record: DocumentRecord, message: String? = nil) async -> LegacyDocument {
        var document = LegacyDocument(record: record, summary: await summary(of: record))
        document.message = message
        return document
    }

    /// Every document of the caller, oldest first (as the original).
    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let owner = try await caller(context)
        var records: [DocumentRecord] = []
        while true {
            let page = try await documents.documents.documents(ownerId: owner, limit: 200, offset: records.count)
            records += page.items
            if page.items.isEmpty || records.count >= page.total { break }
        }
        // The summaries made at ingestion, read in one batch rather than one query per document.
        let ready = records.filter { $0.status == .ready }.map(\.id)
        let summaries = ready.isEmpty ? [:] : try await documents.backend.analyses(
            documentIds: ready, ownerId: owner, kind: .summary, parameters: .init())
        return try JSONIO.response(records.sorted(by: { $0.createdAt < $1.createdAt }).map {
            LegacyDocument(record: $0, summary: summaries[$0.id]?.result.summary ?? "")
        })
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        let owner = try await caller(context)
        guard let record = try await documents.documents.document(id: try context.parameters.require("docId"), ownerId: owner) else {
            throw Self.documentNotFound
        }
        return try JSONIO.response(await legacy(record, message: "Document retrieved"))
    }

    /// What the viewer reopens: the text (409 `document_processing` until it is extracted).
    @Sendable func details(_ request: Request, context: AppRequestContext) async throws -> Response {
        struct Details: Encodable {
            var message = "Document details retrieved"
            var id: String
            var title: String
            var originalText: String
            var originalHtml = ""
            var fileType: String
            var fileUrl: String
            var summary: String
        }
        let owner = try await caller(context)
        guard let record = try await documents.documents.document(id: try context.parameters.require("docId"), ownerId: owner) else {
            throw Self.documentNotFound
        }
        guard let content = try await documents.documents.content(documentId: record.id, ownerId: owner) else {
            throw DocumentErrors.contentUnavailable(record)
        }
        return try JSONIO.response(Details(
            id: record.id, title: record.title, originalText: content.text, fileType: record.format.mimeType,
            fileUrl: "/v1/documents/\(record.id)/file", summary: await summary(of: record)))
    }

    /// Titles containing `searchTerm` (ignoring case), with the first 150 characters of each text.
    @Sendable func search(_ request: Request, context: AppRequestContext) async throws -> Response {
        struct Match: Encodable { var docId: String; var title: String; var snippet: String }
        let owner = try await caller(context)
        guard let term = request.uri.queryParameters.get("searchTerm")?.trimmingCharacters(in: .whitespaces), !term.isEmpty else {
            throw APIError.validation("searchTerm is required.", field: "searchTerm")
        }
        var matches: [Match] = []
        for (id, title) in try await documents.documents.documentTitles(ownerId: owner, limit: 10_000)
        where title.range(of: term, options: [.caseInsensitive, .diacriticInsensitive]) != nil {
            var snippet = ""
            if matches.count < 50, let text = try await documents.documents.content(documentId: id, ownerId: owner)?.text {
                snippet = text.count > 150 ? String(text.prefix(150)) + "..." : text
            }
            matches.append(Match(docId: id, title: title, snippet: snippet))
        }
        return try JSONIO.response(matches)
    }

    @Sendable func rename(_ request: Request, context: AppRequestContext) async throws -> Response {
        struct Input: Decodable { var userId: String?; var docId: String; var newTitle: String }
        struct Renamed: Encodable { var message = "Document title updated successfully"; var title: String }
        let body = try await JSONIO.decode(Input.self, from: request)
        let owner = try await caller(context, userId: body.userId)
        guard try await documents.documents.document(id: body.docId, ownerId: owner) != nil else { throw Self.documentNotFound }
        let record = try await documents.service.rename(id: body.docId, owner: owner, title: body.newTitle)
        return try JSONIO.response(Renamed(title: record.title))
    }

    /// A URL the browser posts a file to (`POST /document-file?token=…`, multipart field `file`)
    /// within 15 minutes, without sending its bearer token along.
    @Sendable func uploadURL(_ request: Request, context: AppRequestContext) async throws -> Response {
        struct Input: Decodable { var userId: String?; var fileName: String? }
        struct Created: Encodable { var message = "Upload URL created"; var path: String; var token: String; var signedUrl: String }
        let body = try await JSONIO.decode(Input.self, from: request)
        let owner = try await caller(context, userId: body.userId)
        let path = "\(owner)/\(Int(Date.now.timeIntervalSince1970 * 1000))-\(String(UInt64.random(in: 0...UInt64.max), radix: 36))-"
            + Self.safeName(body.fileName ?? "")
        let token = try await authenticator.tokens.issueUploadToken(userId: owner, path: path)
        let query = token.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? token
        return try JSONIO.response(Created(path: path, token: token, signedUrl: "/document-file?token=" + query))
    }

    /// The original's storage-safe name: runs outside `[A-Za-z0-9_.-]` become `_`, the last 80
    /// characters kept, `document` when nothing is left.
    static func safeName(_ name: String) -> String {
        var out = ""
        var lastWasReplacement = false
        for scalar in name.unicodeScalars {
            if scalar.isASCII, CharacterSet.alphanumerics.contains(scalar) || "_.-".unicodeScalars.contains(scalar) {
                out.unicodeScalars.append(scalar)
                lastWasReplacement = false
            } else if !lastWasReplacement {
                out += "_"
                lastWasReplacement = true
            }
        }
        let kept = String(out.suffix(80))
        return kept.isEmpty || kept == "_" ? "document" : kept
    }

    /// Stores the file as a document (the same pipeline as `POST /v1/documents`).
    @Sendable func storeFile(_ request: Request, context: AppRequestContext) async throws -> Response {
        struct Stored: Encodable {
            var message = "File stored"
            var filePath: String
            var fileType: String
            var documentId: String
            var status: String
        }
        let owner: String
        let path: String?
        if let token = request.uri.queryParameters.get("token") {
            guard let grant = await authenticator.tokens.verifyUploadToken(String(token)) else {
                throw APIError.unauthorized("The upload link is invalid or expired. Ask for a new one.", code: "invalid_upload_token")
            }
            (owner, path) = (grant.userId, grant.path)
        } else {
            (owner, path) = (try await authenticator.userId(authorization: request.headers[.authorization]), nil)
        }
        var context = context
        context.userId = owner
        let upload = try await documents.receiver.receive(request)
        let accepted = try await documents.accept(upload, owner: owner, context: context)
        return try JSONIO.response(Stored(
            filePath: path ?? "/v1/documents/\(accepted.record.id)/file", fileType: accepted.record.format.mimeType,
            documentId: accepted.record.id, status: accepted.record.status.rawValue), status: .created)
    }
}
