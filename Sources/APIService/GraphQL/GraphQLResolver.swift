import AIService
import Analysis
import DocuThinkerCore
import Foundation
import Graphiti
import HTTPTypes
import Retrieval
import ServerSupport
import Storage

/// The root fields of `/graphql`. Each calls the service the REST route calls, with the same
/// rules: the caller's data only (another user's id is "not found"), the same validation.
struct GraphQLResolver: Sendable {
    // MARK: Queries

    func me(context: GraphQLContext, arguments: NoArguments) async throws -> GUser? {
        GUser(record: try await context.user())
    }

    /// `getUser(id)`: the original's name for `me`.
    func getUser(context: GraphQLContext, arguments: UserArguments) async throws -> GUser? {
        _ = try context.owner(matching: arguments.id ?? arguments.userId)
        return GUser(record: try await context.user())
    }

    func getUserEmail(context: GraphQLContext, arguments: UserArguments) async throws -> String? {
        _ = try context.owner(matching: arguments.userId ?? arguments.id)
        return try await context.user().email
    }

    func userJoinedDate(context: GraphQLContext, arguments: UserArguments) async throws -> String? {
        _ = try context.owner(matching: arguments.userId ?? arguments.id)
        return isoDate(try await context.user().createdAt)
    }

    func daysSinceJoined(context: GraphQLContext, arguments: UserArguments) async throws -> Int? {
        _ = try context.owner(matching: arguments.userId ?? arguments.id)
        return GUser(record: try await context.user()).daysSinceJoined
    }

    func getSocialMedia(context: GraphQLContext, arguments: UserArguments) async throws -> GSocialMedia? {
        _ = try context.owner(matching: arguments.userId ?? arguments.id)
        return GSocialMedia(try await context.user().socialLinks)
    }

    func documentCount(context: GraphQLContext, arguments: UserArguments) async throws -> Int? {
        let owner = try context.owner(matching: arguments.userId ?? arguments.id)
        return try await context.services.documents.documents(ownerId: owner, limit: 1, offset: 0).total
    }

    /// A page of the caller's documents, newest first (`limit` 1…200, default 50).
    func documents(context: GraphQLContext, arguments: PageArguments) async throws -> [GDocument]? {
        try await Self.documents(context: context, owner: try context.owner(), arguments: arguments)
    }

    static func documents(context: GraphQLContext, owner: String, arguments: PageArguments) async throws -> [GDocument] {
        let limit = arguments.limit ?? 50, offset = arguments.offset ?? 0
        guard (1...200).contains(limit) else { throw APIError.validation("'limit' must be in 1...200.", field: "limit") }
        guard offset >= 0 else { throw APIError.validation("'offset' must be 0 or more.", field: "offset") }
        let records = try await context.services.documents.documents(ownerId: owner, limit: limit, offset: offset).items
        await context.loader.listed(records.map(\.id))
        return records.map(GDocument.init)
    }

    /// `listDocuments(userId)`: every document of the caller, oldest first (as the original).
    func listDocuments(context: GraphQLContext, arguments: UserArguments) async throws -> [GDocument]? {
        let owner = try context.owner(matching: arguments.userId ?? arguments.id)
        var records: [DocumentRecord] = []
        while true {
            let page = try await context.services.documents.documents(ownerId: owner, limit: 200, offset: records.count)
            records += page.items
            if page.items.isEmpty || records.count >= page.total { break }
        }
        records.sort { $0.createdAt < $1.createdAt }
        await context.loader.listed(records.map(\.id))
        return records.map(GDocument.init)
    }

    /// One of the caller's documents; null when there is none with this id for them.
    func document(context: GraphQLContext, arguments: IDArguments) async throws -> GDocument? {
        try await context.services.documents.document(id: arguments.id, ownerId: try context.owner()).map(GDocument.init)
    }

    /// `getDocument(userId, docId)`: as `document`, but "Document not found" is an error (the original's).
    func getDocument(context: GraphQLContext, arguments: LegacyDocumentArguments) async throws -> GDocument? {
        let owner = try context.owner(matching: arguments.userId)
        guard let id = arguments.docId ?? arguments.id,
              let record = try await context.services.documents.document(id: id, ownerId: owner) else {
            throw LegacyDocumentController.documentNotFound
        }
        return GDocument(record: record)
    }

    /// `searchDocuments(userId, searchTerm)`: titles containing the term (ignoring case).
    func searchDocuments(context: GraphQLContext, arguments: LegacySearchArguments) async throws -> [GTitleMatch]? {
        let owner = try context.owner(matching: arguments.userId)
        let term = arguments.searchTerm.trimmingCharacters(in: .whitespaces)
        guard !term.isEmpty else { return [] }
        var matches: [GTitleMatch] = []
        for (id, title) in try await context.services.documents.documentTitles(ownerId: owner, limit: 10_000)
        where title.range(of: term, options: [.caseInsensitive, .diacriticInsensitive]) != nil {
            let text = matches.count < 50 ? try await context.loader.content(documentId: id, owner: owner)?.text ?? "" : ""
            matches.append(GTitleMatch(docId: id, title: title, snippet: text.count > 150 ? String(text.prefix(150)) + "..." : text))
        }
        return matches
    }

    /// Keyword, semantic or hybrid search over the caller's passages (as `GET /v1/search`).
    func search(context: GraphQLContext, arguments: SearchArguments) async throws -> [GSearchResult]? {
        let owner = try context.owner()
        let request = try SearchRequest(query: arguments.q, mode: arguments.mode, limit: arguments.limit, documentIds: arguments.documentIds)
        return try await context.services.backend.search(ownerId: owner, request).map {
            GSearchResult(documentId: $0.documentId, chunkId: String($0.chunkId), score: $0.score, text: $0.text,
                          page: $0.page, start: $0.start, end: $0.end)
        }
    }

    /// `entities(q, limit)`: the caller's entities by name prefix, then close misspellings.
    func entities(context: GraphQLContext, arguments: EntitiesArguments) async throws -> [GraphReader.EntityListItem]? {
        let owner = try context.owner()
        let limit = try GraphController.limit(arguments.limit.map(String.init))
        return try await context.services.graph.entities(query: arguments.q ?? "", limit: limit, ownerId: owner)
    }

    /// `entity(id)`: one entity across the caller's library; null when there is none.
    func entity(context: GraphQLContext, arguments: IDArguments) async throws -> GraphReader.EntityBody? {
        let owner = try context.owner()
        do {
            return try await context.services.graph.entity(id: arguments.id, ownerId: owner)
        } catch let error as DomainError where error.code == GraphReader.notFound.code {
            return nil
        }
    }

    func chats(context: GraphQLContext, arguments: PageArguments) async throws -> [GChat]? {
        let limit = arguments.limit ?? 100, offset = arguments.offset ?? 0
        guard (1...200).contains(limit), offset >= 0 else { throw APIError.validation("'limit' must be in 1...200.", field: "limit") }
        return try await context.services.chats.chats.chats(ownerId: try context.owner(), limit: limit, offset: offset).items.map(GChat.init)
    }

    func chat(context: GraphQLContext, arguments: IDArguments) async throws -> GChat? {
        try await context.services.chats.chats.chat(id: arguments.id, ownerId: try context.owner()).map(GChat.init)
    }

    /// `analyzeSentiment(documentText)`: a Query in the original.
    func analyzeSentiment(context: GraphQLContext, arguments: LegacyAnalysisController.Input) async throws -> GSentiment? {
        let result = try await legacy(.sentiment, context: context, arguments: arguments)
        let sentiment = result.sentiment
        return GSentiment(score: sentiment?.score ?? 0, label: sentiment?.label ?? "neutral", description: sentiment?.description ?? "")
    }

    // MARK: Mutations

    func register(context: GraphQLContext, arguments: CredentialsArguments) async throws -> GAuthResult? {
        let credentials = AuthController.Credentials(email: arguments.email, password: arguments.password)
        switch try await context.services.auth.signUp(credentials, request: context.request, context: context.requestContext) {
        case .created(let user): return try await Self.tokens(for: user, context: context)
        case .confirmationSent: return nil   // a link was mailed (DOCUTHINKER_REGISTRATION=confirm-email)
        }
    }

    /// Checks the password (the original did not).
    func login(context: GraphQLContext, arguments: CredentialsArguments) async throws -> GAuthResult? {
        let credentials = AuthController.Credentials(email: arguments.email, password: arguments.password)
        let user = try await context.services.auth.authenticate(credentials, request: context.request, context: context.requestContext)
        return try await Self.tokens(for: user, context: context)
    }

    static func tokens(for user: UserRecord, context: GraphQLContext) async throws -> GAuthResult {
        let tokens = try await context.services.auth.issue(for: user)
        return GAuthResult(userId: user.id, accessToken: tokens.accessToken, refreshToken: tokens.refreshToken, expiresIn: tokens.expiresIn)
    }

    /// `renameDocument(id, title)`, and the original's `updateDocumentTitle(userId, docId, title)`.
    func renameDocument(context: GraphQLContext, arguments: RenameArguments) async throws -> GDocument? {
        let owner = try context.owner(matching: arguments.userId)
        guard let id = arguments.id ?? arguments.docId, let title = arguments.title ?? arguments.newTitle else {
            throw APIError.validation("Send the document's id and its new title.", field: "title")
        }
        guard try await context.services.documents.document(id: id, ownerId: owner) != nil else { throw LegacyDocumentController.documentNotFound }
        return GDocument(record: try await context.services.documentService.rename(id: id, owner: owner, title: title))
    }

    /// `deleteDocument(id)` (or the original's `(userId, docId)`): true when it was deleted.
    func deleteDocument(context: GraphQLContext, arguments: LegacyDocumentArguments) async throws -> Bool? {
        let owner = try context.owner(matching: arguments.userId)
        guard let id = arguments.id ?? arguments.docId else { throw APIError.validation("Send the document's id.", field: "id") }
        return try await context.services.documentService.delete(id: id, owner: owner)
    }

    func deleteAllDocuments(context: GraphQLContext, arguments: UserArguments) async throws -> Bool? {
        _ = try await context.services.documentService.deleteAll(owner: try context.owner(matching: arguments.userId ?? arguments.id))
        return true
    }

    func analyze(context: GraphQLContext, arguments: AnalyzeArguments) async throws -> GAnalysis? {
        let owner = try context.owner()
        let input = arguments.parameters
        let request = AnalysisArguments(kind: arguments.kind, length: input?.length, sentences: input?.sentences, count: input?.count,
                                        language: input?.language, style: input?.style, instruction: input?.instruction, summary: input?.summary)
        let outcome = try await context.services.backend.analysis(
            documentId: arguments.documentId, ownerId: owner, kind: try request.analysisKind(), parameters: try request.parameters(),
            refresh: arguments.refresh ?? false)
        return GAnalysis(outcome.result, cached: outcome.cached, createdAt: outcome.createdAt)
    }

    func createChat(context: GraphQLContext, arguments: CreateChatArguments) async throws -> GChat? {
        GChat(record: try await context.services.chats.createChat(owner: try context.owner(), documentIds: arguments.documentIds, title: arguments.title))
    }

    func sendMessage(context: GraphQLContext, arguments: SendMessageArguments) async throws -> GChatAnswer? {
        let owner = try context.owner()
        guard let chat = try await context.services.chats.chats.chat(id: arguments.chatId, ownerId: owner) else { throw ChatController.notFound }
        let answer = try await context.services.chats.send(arguments.content, in: chat, owner: owner)
        return GChatAnswer(answer: answer.text, found: answer.found, citations: answer.citations.map(GCitation.init), chatId: chat.id)
    }

    /// The original's `chat(sessionId, message, originalText)`: the answer's text.
    func legacyChat(context: GraphQLContext, arguments: LegacyChatArguments) async throws -> String? {
        let input = ChatController.LegacyChatInput(message: arguments.message, documentId: arguments.documentId,
                                                   originalText: arguments.originalText, sessionId: arguments.sessionId)
        return try await context.services.chats.legacyChat(input, owner: try context.owner()).answer.text
    }

    func updateTheme(context: GraphQLContext, arguments: ThemeArguments) async throws -> Bool? {
        _ = try context.owner(matching: arguments.userId)
        let user = try await context.user()
        guard ProfileController.themes.contains(arguments.theme) else {
            throw APIError.validation("The theme must be light, dark or system.", field: "theme")
        }
        return try await context.services.users.updateProfile(userId: user.id, theme: arguments.theme, socialLinks: user.socialLinks) != nil
    }

    func updateSocialMedia(context: GraphQLContext, arguments: SocialMediaArguments) async throws -> GSocialMedia? {
        _ = try context.owner(matching: arguments.userId)
        let user = try await context.user()
        let given = ["github": arguments.github, "linkedin": arguments.linkedin, "facebook": arguments.facebook,
                     "instagram": arguments.instagram, "twitter": arguments.twitter]
        var links = user.socialLinks
        for (name, host) in ProfileController.networks {
            guard let raw = given[name] ?? nil else { continue }
            links[name] = try ProfileController.handle(from: raw, host: host, field: name)
        }
        guard let updated = try await context.services.users.updateProfile(userId: user.id, theme: user.theme, socialLinks: links) else {
            throw APIError.accountGone
        }
        return GSocialMedia(updated.socialLinks)
    }

    /// Needs the password (the original's did not).
    func updateEmail(context: GraphQLContext, arguments: EmailArguments) async throws -> Bool? {
        _ = try context.owner(matching: arguments.userId)
        let user = try await context.user()
        try await checkPassword(arguments.password, of: user, field: "password", context: context)
        let email = try AuthController.validatedEmail(arguments.newEmail)
        do {
            return try await context.services.users.updateEmail(userId: user.id, email: email) != nil
        } catch let error as StorageError where error.code == .conflict {
            throw APIError(.conflict, code: "email_taken", message: "An account with this email already exists.")
        }
    }

    /// Needs the current password; ends every other session.
    func changePassword(context: GraphQLContext, arguments: PasswordArguments) async throws -> Bool? {
        let user = try await context.user()
        try await checkPassword(arguments.currentPassword, of: user, field: "currentPassword", context: context)
        try AuthController.validatePassword(arguments.newPassword)
        try await context.services.auth.setPassword(userId: user.id, to: arguments.newPassword)
        return true
    }

    private func checkPassword(_ password: String, of user: UserRecord, field: String, context: GraphQLContext) async throws {
        let limits = context.services.auth.limits
        try await limits.checkAccount(user.email, context: context.requestContext)
        guard try await context.services.auth.hasher.verify(password, hash: user.passwordHash) else {
            await limits.failed(context.request, context: context.requestContext, account: user.email)
            throw APIError(.badRequest, code: "invalid_password", message: "The password is incorrect.", details: ["field": field])
        }
    }

    /// The original's `summarizeDocument(title, text)`: stores the text as a document, answers its summary.
    func summarizeDocument(context: GraphQLContext, arguments: SummarizeArguments) async throws -> GDocumentSummary? {
        let owner = try context.owner(matching: arguments.userId)
        let (record, summary) = try await context.services.documentController.summarize(
            title: arguments.title, text: arguments.text, owner: owner, context: context.requestContext)
        return GDocumentSummary(id: record.id, summary: summary, originalText: arguments.text, originalHtml: arguments.html ?? "",
                                fileType: record.format.mimeType, fileUrl: "/v1/documents/\(record.id)/file")
    }

    // The original's text analyses, answering the Markdown text its clients show.

    func generateKeyIdeas(context: GraphQLContext, arguments: LegacyAnalysisController.Input) async throws -> String? {
        LegacyAnalysisController.markdownList(try await legacy(.keyIdeas, context: context, arguments: arguments), bold: true)
    }

    func generateDiscussionPoints(context: GraphQLContext, arguments: LegacyAnalysisController.Input) async throws -> String? {
        LegacyAnalysisController.markdownList(try await legacy(.discussionPoints, context: context, arguments: arguments))
    }

    func generateBulletSummary(context: GraphQLContext, arguments: LegacyAnalysisController.Input) async throws -> String? {
        try await legacy(.bulletSummary, context: context, arguments: arguments).summary ?? ""
    }

    func summaryInLanguage(context: GraphQLContext, arguments: LegacyAnalysisController.Input) async throws -> String? {
        try await legacy(.summaryInLanguage, context: context, arguments: arguments).summary ?? ""
    }

    func rewriteContent(context: GraphQLContext, arguments: LegacyAnalysisController.Input) async throws -> String? {
        try await legacy(.rewrite, context: context, arguments: arguments).summary ?? ""
    }

    func actionableRecommendations(context: GraphQLContext, arguments: LegacyAnalysisController.Input) async throws -> String? {
        LegacyAnalysisController.markdownList(try await legacy(.recommendations, context: context, arguments: arguments))
    }

    func refineSummary(context: GraphQLContext, arguments: LegacyAnalysisController.Input) async throws -> String? {
        try await legacy(.refineSummary, context: context, arguments: arguments).summary ?? ""
    }

    private func legacy(_ kind: AnalysisKind, context: GraphQLContext, arguments: LegacyAnalysisController.Input) async throws -> AnalysisResult {
        try await context.services.legacyAnalyses.run(kind, input: arguments, owner: try context.owner())
    }
}
