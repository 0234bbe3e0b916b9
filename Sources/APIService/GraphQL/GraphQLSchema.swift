import Graphiti

/// The schema of `/graphql`: the REST resources (`me`, `documents`, `document` with its `graph`,
/// `search`, `chats`, `chat`, `entities`, `entity`; mutations `renameDocument`, `deleteDocument`, `deleteAllDocuments`, `analyze`,
/// `createChat`, `sendMessage`, `updateTheme`, `updateSocialMedia`, `updateEmail`,
/// `changePassword`) and DocuThinker's original operation names beside them.
struct DocuThinkerGraphQL: API, Sendable {
    let resolver = GraphQLResolver()
    let schema: Schema<GraphQLResolver, GraphQLContext>

    /// The arguments of the original's text analyses: raw text or a document, and their parameters.
    static func textAnalysisArguments() -> [ArgumentComponent<LegacyAnalysisController.Input>] {
        [
            Argument("documentText", at: \.documentText), Argument("documentId", at: \.documentId), Argument("language", at: \.language),
            Argument("style", at: \.style), Argument("summary", at: \.summary), Argument("refinementInstructions", at: \.refinementInstructions),
        ]
    }

    /// Built once per process (the schema is the same for every router).
    static let shared: DocuThinkerGraphQL = {
        do { return try DocuThinkerGraphQL() } catch { fatalError("The GraphQL schema is invalid: \(error)") }
    }()

    init() throws {
        schema = try Schema<GraphQLResolver, GraphQLContext> {
            Type(GSocialMedia.self, as: "SocialMedia") {
                Field("github", at: \.github)
                Field("linkedin", at: \.linkedin)
                Field("facebook", at: \.facebook)
                Field("instagram", at: \.instagram)
                Field("twitter", at: \.twitter)
            }
            Type(GPage.self, as: "Page") {
                Field("number", at: \.number)
                Field("start", at: \.start).description("Code-point offset of the page's first character in the text.")
                Field("end", at: \.end).description("Code-point offset just after the page's last character.")
            }
            Type(GCitation.self, as: "Citation") {
                Field("documentId", at: \.documentId)
                Field("page", at: \.page)
                Field("start", at: \.start)
                Field("end", at: \.end)
                Field("quote", at: \.quote).description("Exactly text[start:end] of the document.")
            }
            Type(GAnalysisItem.self, as: "AnalysisItem") {
                Field("text", at: \.text)
                Field("citations", at: \.citations)
                Field("score", at: \.score)
                Field("detail", at: \.detail)
            }
            Type(GSentiment.self, as: "Sentiment") {
                Field("score", at: \.score)
                Field("sentimentScore", at: \.sentimentScore)
                Field("label", at: \.label)
                Field("description", at: \.description)
            }
            Type(GAnalysis.self, as: "Analysis") {
                Field("kind", at: \.kind)
                Field("engine", at: \.engine)
                Field("engineVersion", at: \.engineVersion)
                Field("summary", at: \.summary)
                Field("items", at: \.items)
                Field("sentiment", at: \.sentiment)
                Field("notes", at: \.notes)
                Field("cached", at: \.cached)
                Field("createdAt", at: \.createdAt)
            }
            Type(GChunk.self, as: "Chunk") {
                Field("index", at: \.index)
                Field("page", at: \.page)
                Field("start", at: \.start)
                Field("end", at: \.end)
                Field("text", at: \.text)
            }
            Type(GDocument.self, as: "Document") {
                Field("id", at: \.id)
                Field("title", at: \.title)
                Field("filename", at: \.filename)
                Field("status", at: \.status).description("processing, ready or failed.")
                Field("error", at: \.error)
                Field("errorMessage", at: \.errorMessage)
                Field("format", at: \.format)
                Field("fileType", at: \.fileType)
                Field("filePath", at: \.filePath)
                Field("fileUrl", at: \.fileUrl)
                Field("pageCount", at: \.pageCount)
                Field("sizeBytes", at: \.sizeBytes)
                Field("characters", at: \.characters)
                Field("createdAt", at: \.createdAt)
                Field("updatedAt", at: \.updatedAt)
                Field("text", at: GDocument.text).description("The extracted text; null while processing.")
                Field("originalText", at: GDocument.text)
                Field("originalHtml", at: \.originalHtml)
                Field("pages", at: GDocument.pages)
                Field("summary", at: GDocument.summary)
                Field("analysis", at: GDocument.analysis) {
                    Argument("kind", at: \.kind)
                    Argument("length", at: \.length)
                    Argument("sentences", at: \.sentences)
                    Argument("count", at: \.count)
                    Argument("language", at: \.language)
                    Argument("style", at: \.style)
                    Argument("instruction", at: \.instruction)
                    Argument("summary", at: \.summary)
                }
                Field("chunks", at: GDocument.chunks)
                Field("graph", at: GDocument.graph).description("The document's knowledge graph; null while it is processing.")
            }
            Type(GraphReader.Span.self, as: "GraphSpan") {
                Field("start", at: \.start)
                Field("end", at: \.end)
                Field("page", at: \.page)
                Field("quote", at: \.quote).description("The text at the span (entity pages).")
            }
            Type(GraphReader.Node.self, as: "GraphNode") {
                Field("id", at: \.id)
                Field("name", at: \.name)
                Field("type", at: \.type).description("person, organisation, place, date or concept.")
                Field("aliases", at: \.aliases).description("Every surface form seen in the document.")
                Field("mentions", at: \.mentions)
            }
            Type(GraphReader.Edge.self, as: "GraphEdge") {
                Field("source", at: \.source)
                Field("target", at: \.target)
                Field("label", at: \.label)
                Field("weight", at: \.weight)
                Field("mentions", at: \.mentions)
            }
            Type(GraphReader.DocumentGraphBody.self, as: "DocumentGraph") {
                Field("documentId", at: \.documentId)
                Field("status", at: \.status).description("ready, stale (an older extractor built it) or pending.")
                Field("version", at: \.version)
                Field("nodes", at: \.nodes)
                Field("edges", at: \.edges)
            }
            Type(GraphReader.EntityListItem.self, as: "GraphEntitySummary") {
                Field("id", at: \.id)
                Field("name", at: \.name)
                Field("type", at: \.type)
                Field("documentCount", at: \.documentCount)
                Field("mentionCount", at: \.mentionCount)
            }
            Type(GraphReader.EntityDocument.self, as: "GraphEntityDocument") {
                Field("documentId", at: \.documentId)
                Field("title", at: \.title)
                Field("name", at: \.name)
                Field("aliases", at: \.aliases)
                Field("mentionCount", at: \.mentionCount)
                Field("mentions", at: \.mentions)
            }
            Type(GraphReader.Neighbour.self, as: "GraphNeighbour") {
                Field("id", at: \.id)
                Field("name", at: \.name)
                Field("type", at: \.type)
                Field("label", at: \.label)
                Field("weight", at: \.weight)
                Field("direction", at: \.direction).description("out: this entity is the source; in: the target.")
            }
            Type(GraphReader.EntityBody.self, as: "GraphEntity") {
                Field("id", at: \.id)
                Field("name", at: \.name)
                Field("type", at: \.type)
                Field("aliases", at: \.aliases)
                Field("documents", at: \.documents)
                Field("neighbours", at: \.neighbours)
            }
            Type(GUser.self, as: "User") {
                Field("id", at: \.id)
                Field("email", at: \.email)
                Field("createdAt", at: \.createdAt)
                Field("joinedDate", at: \.createdAt)
                Field("theme", at: \.theme)
                Field("socialMedia", at: \.socialMedia)
                Field("socialLinks", at: \.socialMedia)
                Field("daysSinceJoined", at: \.daysSinceJoined)
                Field("documentCount", at: GUser.documentCount)
                Field("documents", at: GUser.documents) {
                    Argument("limit", at: \.limit)
                    Argument("offset", at: \.offset)
                }
            }
            Type(GSearchResult.self, as: "SearchResult") {
                Field("documentId", at: \.documentId)
                Field("chunkId", at: \.chunkId)
                Field("score", at: \.score)
                Field("text", at: \.text)
                Field("page", at: \.page)
                Field("start", at: \.start)
                Field("end", at: \.end)
            }
            Type(GTitleMatch.self, as: "TitleMatch") {
                Field("docId", at: \.docId)
                Field("title", at: \.title)
                Field("snippet", at: \.snippet)
            }
            Type(GMessage.self, as: "ChatMessage") {
                Field("id", at: \.id)
                Field("role", at: \.role)
                Field("content", at: \.content)
                Field("found", at: \.found)
                Field("citations", at: \.citations)
                Field("createdAt", at: \.createdAt)
            }
            Type(GChat.self, as: "Chat") {
                Field("id", at: \.id)
                Field("title", at: \.title)
                Field("documentIds", at: \.documentIds)
                Field("createdAt", at: \.createdAt)
                Field("updatedAt", at: \.updatedAt)
                Field("messages", at: GChat.messages)
            }
            Type(GChatAnswer.self, as: "ChatAnswer") {
                Field("answer", at: \.answer)
                Field("found", at: \.found)
                Field("citations", at: \.citations)
                Field("chatId", at: \.chatId)
            }
            Type(GAuthResult.self, as: "AuthResult") {
                Field("userId", at: \.userId)
                Field("customToken", at: \.customToken)
                Field("accessToken", at: \.accessToken)
                Field("refreshToken", at: \.refreshToken)
                Field("expiresIn", at: \.expiresIn)
            }
            Type(GDocumentSummary.self, as: "DocumentSummary") {
                Field("id", at: \.id)
                Field("summary", at: \.summary)
                Field("originalText", at: \.originalText)
                Field("originalHtml", at: \.originalHtml)
                Field("fileType", at: \.fileType)
                Field("fileUrl", at: \.fileUrl)
            }
            Input(AnalysisParametersInput.self, as: "AnalysisParameters") {
                InputField("length", at: \.length)
                InputField("sentences", at: \.sentences)
                InputField("count", at: \.count)
                InputField("language", at: \.language)
                InputField("style", at: \.style)
                InputField("instruction", at: \.instruction)
                InputField("summary", at: \.summary)
            }

            Query {
                Field("me", at: GraphQLResolver.me)
                Field("documents", at: GraphQLResolver.documents) {
                    Argument("limit", at: \.limit)
                    Argument("offset", at: \.offset)
                }
                Field("document", at: GraphQLResolver.document) {
                    Argument("id", at: \.id)
                }
                Field("search", at: GraphQLResolver.search) {
                    Argument("q", at: \.q)
                    Argument("mode", at: \.mode)
                    Argument("limit", at: \.limit)
                    Argument("documentIds", at: \.documentIds)
                }
                Field("chats", at: GraphQLResolver.chats) {
                    Argument("limit", at: \.limit)
                    Argument("offset", at: \.offset)
                }
                Field("chat", at: GraphQLResolver.chat) {
                    Argument("id", at: \.id)
                }
                Field("entities", at: GraphQLResolver.entities) {
                    Argument("q", at: \.q)
                    Argument("limit", at: \.limit)
                }
                Field("entity", at: GraphQLResolver.entity) {
                    Argument("id", at: \.id)
                }
                // DocuThinker's original queries.
                Field("getUser", at: GraphQLResolver.getUser) {
                    Argument("id", at: \.id)
                    Argument("userId", at: \.userId)
                }
                Field("getUserEmail", at: GraphQLResolver.getUserEmail) { Argument("userId", at: \.userId) }
                Field("userJoinedDate", at: GraphQLResolver.userJoinedDate) { Argument("userId", at: \.userId) }
                Field("daysSinceJoined", at: GraphQLResolver.daysSinceJoined) { Argument("userId", at: \.userId) }
                Field("getSocialMedia", at: GraphQLResolver.getSocialMedia) { Argument("userId", at: \.userId) }
                Field("documentCount", at: GraphQLResolver.documentCount) { Argument("userId", at: \.userId) }
                Field("listDocuments", at: GraphQLResolver.listDocuments) { Argument("userId", at: \.userId) }
                Field("getDocument", at: GraphQLResolver.getDocument) {
                    Argument("userId", at: \.userId)
                    Argument("docId", at: \.docId)
                    Argument("id", at: \.id)
                }
                Field("searchDocuments", at: GraphQLResolver.searchDocuments) {
                    Argument("userId", at: \.userId)
                    Argument("searchTerm", at: \.searchTerm)
                }
                Field("analyzeSentiment", at: GraphQLResolver.analyzeSentiment, Self.textAnalysisArguments)
            }

            Mutation {
                Field("register", at: GraphQLResolver.register) {
                    Argument("email", at: \.email)
                    Argument("password", at: \.password)
                }.description("The new account's tokens; null where the server confirms emails (DOCUTHINKER_REGISTRATION=confirm-email): a link was mailed, whether or not the email has an account.")
                Field("login", at: GraphQLResolver.login) {
                    Argument("email", at: \.email)
                    Argument("password", at: \.password)
                }
                Field("renameDocument", at: GraphQLResolver.renameDocument) {
                    Argument("id", at: \.id)
                    Argument("title", at: \.title)
                }
                Field("updateDocumentTitle", at: GraphQLResolver.renameDocument) {
                    Argument("userId", at: \.userId)
                    Argument("docId", at: \.docId)
                    Argument("title", at: \.title)
                    Argument("newTitle", at: \.newTitle)
                }
                Field("deleteDocument", at: GraphQLResolver.deleteDocument) {
                    Argument("id", at: \.id)
                    Argument("userId", at: \.userId)
                    Argument("docId", at: \.docId)
                }
                Field("deleteAllDocuments", at: GraphQLResolver.deleteAllDocuments) {
                    Argument("userId", at: \.userId)
                }
                Field("analyze", at: GraphQLResolver.analyze) {
                    Argument("documentId", at: \.documentId)
                    Argument("kind", at: \.kind)
                    Argument("parameters", at: \.parameters)
                    Argument("refresh", at: \.refresh)
                }
                Field("createChat", at: GraphQLResolver.createChat) {
                    Argument("documentIds", at: \.documentIds)
                    Argument("title", at: \.title)
                }
                Field("sendMessage", at: GraphQLResolver.sendMessage) {
                    Argument("chatId", at: \.chatId)
                    Argument("content", at: \.content)
                }
                Field("chat", at: GraphQLResolver.legacyChat) {
                    Argument("message", at: \.message)
                    Argument("originalText", at: \.originalText)
                    Argument("documentId", at: \.documentId)
                    Argument("sessionId", at: \.sessionId)
                }
                Field("updateTheme", at: GraphQLResolver.updateTheme) {
                    Argument("theme", at: \.theme)
                    Argument("userId", at: \.userId)
                }
                Field("updateSocialMedia", at: GraphQLResolver.updateSocialMedia) {
                    Argument("userId", at: \.userId)
                    Argument("github", at: \.github)
                    Argument("linkedin", at: \.linkedin)
                    Argument("facebook", at: \.facebook)
                    Argument("instagram", at: \.instagram)
                    Argument("twitter", at: \.twitter)
                }
                Field("updateEmail", at: GraphQLResolver.updateEmail) {
                    Argument("newEmail", at: \.newEmail)
                    Argument("password", at: \.password)
                    Argument("userId", at: \.userId)
                }
                Field("changePassword", at: GraphQLResolver.changePassword) {
                    Argument("currentPassword", at: \.currentPassword)
                    Argument("newPassword", at: \.newPassword)
                }
                Field("summarizeDocument", at: GraphQLResolver.summarizeDocument) {
                    Argument("userId", at: \.userId)
                    Argument("title", at: \.title)
                    Argument("text", at: \.text)
                    Argument("html", at: \.html)
                }
                Field("generateKeyIdeas", at: GraphQLResolver.generateKeyIdeas, Self.textAnalysisArguments)
                Field("generateDiscussionPoints", at: GraphQLResolver.generateDiscussionPoints, Self.textAnalysisArguments)
                Field("generateBulletSummary", at: GraphQLResolver.generateBulletSummary, Self.textAnalysisArguments)
                Field("summaryInLanguage", at: GraphQLResolver.summaryInLanguage, Self.textAnalysisArguments)
                Field("rewriteContent", at: GraphQLResolver.rewriteContent, Self.textAnalysisArguments)
                Field("actionableRecommendations", at: GraphQLResolver.actionableRecommendations, Self.textAnalysisArguments)
                Field("refineSummary", at: GraphQLResolver.refineSummary, Self.textAnalysisArguments)
            }
        }
    }
}
