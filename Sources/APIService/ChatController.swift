import AIService
import DocuThinkerCore
import Foundation
import LLM
import HTTPTypes
import Hummingbird
import NIOCore
import ServerSupport
import Storage

/// `/v1/chats`: conversations over one document, a set, or the whole library; history is stored.
/// `POST /v1/chats/{id}/messages?stream=true` (or `Accept: text/event-stream`) streams over SSE.
/// `POST /chat` is DocuThinker's original route.
struct ChatController: Sendable {
    let chats: any ChatRepository
    let documents: any DocumentRepository
    let service: any AIBackend
    /// Where language-model usage is counted (nil: not counted).
    var usage: (any UsageRepository)? = nil

    struct CreateRequest: Decodable {
        var documentIds: [String]?
        var title: String?
    }

    struct MessageRequest: Decodable {
        var content: String
    }

    struct MessageDTO: Encodable {
        var role: String
        var content: String
        var found: Bool?
        var citations: [Citation]
        var createdAt: Date
    }

    struct ChatDTO: Encodable {
        var id: String
        var title: String
        var documentIds: [String]
        var createdAt: Date
        var updatedAt: Date
        var messages: [MessageDTO]?

        init(_ record: ChatRecord, messages: [MessageDTO]? = nil) {
            id = record.id
            title = record.title
            documentIds = record.documentIds
            createdAt = record.createdAt
            updatedAt = record.updatedAt
            self.messages = messages
        }
    }

    /// The answer to one message (Contract details: `answer`, `found`, `citations`), with who
    /// wrote it (`engine`: `llm` or `offline`) and, when a configured model did not, why (`fallback`).
    struct AnswerDTO: Encodable {
        var answer: String
        var found: Bool
        var citations: [Citation]
        var chatId: String
        var engine: String
        var fallback: String?

        init(_ answer: ChatService.Answer, chatId: String) {
            self.answer = answer.text
            found = answer.found
            citations = answer.citations
            self.chatId = chatId
            engine = answer.engine
            fallback = answer.fallback
        }
    }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("chats", use: create)
        group.get("chats", use: list)
        group.get("chats/:id", use: show)
        group.delete("chats/:id", use: delete)
        group.post("chats/:id/messages", use: message)
    }

    func addLegacyRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("chat", use: legacyChat)
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        let owner = try context.requireUser()
        var body = CreateRequest()
        if request.headers[.contentType] != nil, request.headers[.contentLength] != "0" {
            body = try await JSONIO.decode(CreateRequest.self, from: request)
        }
        let record = try await createChat(owner: owner, documentIds: body.documentIds, title: body.title)
        return try JSONIO.response(ChatDTO(record), status: .created, headers: [.location: "/v1/chats/\(record.id)"])
    }

    /// A new chat over some of the caller's documents (all of them when `documentIds` is empty).
    func createChat(owner: String, documentIds: [String]?, title: String?) async throws -> ChatRecord {
        let ids = Array(Set(documentIds ?? [])).sorted()
        for id in ids where try await documents.document(id: id, ownerId: owner) == nil {
            throw APIError.notFound("No such document: \(id).")
        }
        let title = (title?.trimmingCharacters(in: .whitespacesAndNewlines)).flatMap { $0.isEmpty ? nil : String($0.prefix(200)) }
            ?? (ids.isEmpty ? "Library chat" : "Chat about \(ids.count) document\(ids.count == 1 ? "" : "s")")
        let now = Date.now
        let record = ChatRecord(id: UUID().uuidString.lowercased(), ownerId: owner, title: title, documentIds: ids, createdAt: now, updatedAt: now)
        try await chats.createChat(record)
        return record
    }

    /// A question in a chat: validated, answered from the chat's documents and stored with its answer.
    func send(_ content: String, in chat: ChatRecord, owner: String) async throws -> ChatService.Answer {
        let question = try Self.validQuestion(content)
        let answer = try await service.answer(question: try await query(question, in: chat), ownerId: owner, documentIds: Self.scope(of: chat))
        try await record(question: question, answer: answer, chatId: chat.id, ownerId: owner)
        return answer
    }

    static func validQuestion(_ content: String) throws -> String {
        let question = content.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !question.isEmpty, question.count <= 4_000 else {
            throw APIError.validation("'content' must have 1 to 4,000 characters.", field: "content")
        }
        return question
    }

    /// A document deleted after the chat was created simply drops out of its scope.
    static func scope(of chat: ChatRecord) -> [String]? { chat.documentIds.isEmpty ? nil : chat.documentIds }

    /// A follow-up ("and how do I switch it back?") is searched with the previous question's words.
    private func query(_ question: String, in chat: ChatRecord) async throws -> String {
        let previous = try await chats.messages(chatId: chat.id).last { $0.role == .user }?.content
        return FollowUpQuestion.resolve(question, previous: previous)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let owner = try context.requireUser()
        let page = try await chats.chats(ownerId: owner, limit: 100, offset: 0)
        return try JSONIO.response(page.items.map { ChatDTO($0) }, headers: [HTTPField.Name("X-Total-Count")!: String(page.total)])
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        let chat = try await owned(context)
        let messages = try await chats.messages(chatId: chat.id).map(Self.dto)
        return try JSONIO.response(ChatDTO(chat, messages: messages))
    }

    @Sendable func delete(_ request: Request, context: AppRequestContext) async throws -> Response {
        let owner = try context.requireUser()
        guard try await chats.deleteChat(id: try context.parameters.require("id"), ownerId: owner) else { throw Self.notFound }
        return Response(status: .noContent)
    }

    @Sendable func message(_ request: Request, context: AppRequestContext) async throws -> Response {
        let owner = try context.requireUser()
        let chat = try await owned(context)
        let body = try await JSONIO.decode(MessageRequest.self, from: request)
        if request.uri.queryParameters.get("stream") == "true" || request.headers[.accept]?.contains("text/event-stream") == true {
            let question = try Self.validQuestion(body.content)
            // Tokens reach the client as the model writes them; the answer is stored when it is whole.
            let events = try await service.answerStream(question: try await query(question, in: chat), ownerId: owner,
                                                        documentIds: Self.scope(of: chat))
            let chatId = chat.id
            return AnswerEventStream.response(events, encoder: JSONIO.encoder) { answer in
                try await record(question: question, answer: answer, chatId: chatId, ownerId: owner)
                return AnswerDTO(answer, chatId: chatId)
            }
        }
        return try JSONIO.response(AnswerDTO(try await send(body.content, in: chat, owner: owner), chatId: chat.id))
    }

    /// DocuThinker's `POST /chat`: `{message, documentId | originalText, sessionId?}` → `{response, sessionId}`.
    @Sendable func legacyChat(_ request: Request, context: AppRequestContext) async throws -> Response {
        struct Output: Encodable { var response: String; var sessionId: String; var found: Bool; var citations: [Citation] }
        let owner = try context.requireUser()
        let input = try await JSONIO.decode(LegacyChatInput.self, from: request, limit: 10 * 1024 * 1024)
        let (answer, chat) = try await legacyChat(input, owner: owner)
        return try JSONIO.response(Output(response: answer.text, sessionId: chat.id, found: answer.found, citations: answer.citations))
    }

    struct LegacyChatInput: Decodable { var message: String?; var documentId: String?; var originalText: String?; var sessionId: String? }

    /// The original's chat: a session (a stored chat) about one document or about text sent along.
    func legacyChat(_ input: LegacyChatInput, owner: String) async throws -> (answer: ChatService.Answer, chat: ChatRecord) {
        guard let message = input.message?.trimmingCharacters(in: .whitespacesAndNewlines), !message.isEmpty,
              input.documentId != nil || !(input.originalText ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw APIError.badRequest("Both message and originalText (or documentId) are required.", code: "validation_failed")
        }
        var chat: ChatRecord
        if let sessionId = input.sessionId, let existing = try await chats.chat(id: sessionId, ownerId: owner) {
            chat = existing
        } else {
            if let id = input.documentId, try await documents.document(id: id, ownerId: owner) == nil { throw APIError.notFound("No such document.") }
            let now = Date.now
            chat = ChatRecord(id: UUID().uuidString.lowercased(), ownerId: owner, title: "Chat", documentIds: input.documentId.map { [$0] } ?? [],
                              createdAt: now, updatedAt: now)
            try await chats.createChat(chat)
        }
        let answer: ChatService.Answer
        if let id = input.documentId ?? chat.documentIds.first {
            answer = try await service.answer(question: message, ownerId: owner, documentIds: [id])
        } else {
            answer = try await service.answer(question: message, inlineText: input.originalText ?? "")
        }
        try await record(question: message, answer: answer, chatId: chat.id, ownerId: owner)
        return (answer, chat)
    }

    private func record(question: String, answer: ChatService.Answer, chatId: String, ownerId: String) async throws {
        let now = Date.now
        if let usage, let used = answer.usage {
            try? await usage.recordUsage(userId: ownerId, used)
        }
        try await chats.appendMessage(ChatMessageRecord(chatId: chatId, role: .user, content: question, found: nil, createdAt: now),
                                      touching: chatId, at: now)
        try await chats.appendMessage(ChatMessageRecord(chatId: chatId, role: .assistant, content: answer.text, found: answer.found,
                                                        citations: answer.citations, createdAt: now), touching: chatId, at: now)
    }

    private func owned(_ context: AppRequestContext) async throws -> ChatRecord {
        let owner = try context.requireUser()
        guard let chat = try await chats.chat(id: try context.parameters.require("id"), ownerId: owner) else { throw Self.notFound }
        return chat
    }

    static let notFound = APIError.notFound("No such chat.")

    static func dto(_ record: ChatMessageRecord) -> MessageDTO {
        MessageDTO(role: record.role.rawValue, content: record.content, found: record.found, citations: record.citations, createdAt: record.createdAt)
    }
}
