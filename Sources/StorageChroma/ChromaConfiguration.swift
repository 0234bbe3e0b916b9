/// Where the Chroma server is and which collection holds DocuThinker's vectors:
/// `DOCUTHINKER_CHROMA_URL`, `DOCUTHINKER_CHROMA_TOKEN`, `DOCUTHINKER_CHROMA_TENANT`,
/// `DOCUTHINKER_CHROMA_DATABASE`, `DOCUTHINKER_CHROMA_COLLECTION`.
public struct ChromaConfiguration: Sendable, Hashable {
    public static let defaultTenant = "default_tenant"
    public static let defaultDatabase = "default_database"
    public static let defaultCollection = "docuthinker"

    /// The server's base URL, e.g. `http://127.0.0.1:8000` (v2 HTTP API under `/api/v2`).
    public var url: String
    /// Sent as `Authorization: Bearer …` and `X-Chroma-Token` when set (token authentication, or
    /// a proxy that checks it).
    public var token: String?
    public var tenant: String
    public var database: String
    /// One collection (cosine space) holds every model's vectors, told apart by metadata.
    public var collection: String
    /// Vectors per upsert request.
    public var batchSize: Int

    public init(url: String, token: String? = nil, tenant: String = defaultTenant, database: String = defaultDatabase,
                collection: String = defaultCollection, batchSize: Int = 512) {
        self.url = url.hasSuffix("/") ? String(url.dropLast()) : url
        self.token = token
        self.tenant = tenant
        self.database = database
        self.collection = collection
        self.batchSize = max(1, batchSize)
    }
}
