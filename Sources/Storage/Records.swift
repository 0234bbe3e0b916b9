public import DocuThinkerCore
public import Foundation

/// A registered account. `passwordHash` is a bcrypt hash; the password itself is never stored.
public struct UserRecord: Codable, Hashable, Sendable {
    public var id: String
    public var email: String
    public var passwordHash: String
    public var createdAt: Date
    /// `system`, `light` or `dark`: the web client's theme, kept per user.
    public var theme: String
    /// Social profile handles by network (`["github": "ada", …]`).
    public var socialLinks: [String: String]

    public init(id: String, email: String, passwordHash: String, createdAt: Date, theme: String = "system",
                socialLinks: [String: String] = [:]) {
        self.id = id
        self.email = email
        self.passwordHash = passwordHash
        self.createdAt = createdAt
        self.theme = theme
        self.socialLinks = socialLinks
    }
}

/// A refresh token, stored only as the SHA-256 of its value.
public struct RefreshTokenRecord: Codable, Hashable, Sendable {
    public var id: String
    public var userId: String
    public var tokenHash: String
    public var expiresAt: Date
    public var revokedAt: Date?
    public var createdAt: Date
    /// The sign-in this token descends from (the first token's id; nil before families were kept):
    /// each refresh hands on the family, and a rotated token presented again revokes all of it.
    public var familyId: String?

    public init(id: String, userId: String, tokenHash: String, expiresAt: Date, revokedAt: Date? = nil, createdAt: Date,
                familyId: String? = nil) {
        self.id = id
        self.userId = userId
        self.tokenHash = tokenHash
        self.expiresAt = expiresAt
        self.revokedAt = revokedAt
        self.createdAt = createdAt
        self.familyId = familyId
    }

    /// The family this token belongs to (its own id for a token saved before families).
    public var family: String { familyId ?? id }
}

/// Processing state of a document.
public enum DocumentStatus: String, Codable, Sendable {
    case processing, ready, failed
}

/// A document's catalogue entry (its text, pages and chunks live in their own tables).
public struct DocumentRecord: Codable, Hashable, Sendable {
    public var id: String
    public var ownerId: String
    public var title: String
    public var filename: String?
    public var format: DocumentFormat
    public var status: DocumentStatus
    public var error: String?
    public var pageCount: Int
    public var sizeBytes: Int
    public var sha256: String
    public var characters: Int
    public var author: String?
    /// The extraction quality report; nil until the extract stage has run.
    public var quality: QualityReport?
    /// Key of the original file in the object store.
    public var objectKey: String
    public var createdAt: Date
    public var updatedAt: Date
    /// The user-facing message of a failure (`error` holds its stable code).
    public var errorMessage: String?

    public init(
        id: String, ownerId: String, title: String, filename: String?, format: DocumentFormat, status: DocumentStatus,
        error: String? = nil, pageCount: Int, sizeBytes: Int, sha256: String, characters: Int, author: String?,
        quality: QualityReport?, objectKey: String, createdAt: Date, updatedAt: Date, errorMessage: String? = nil
    ) {
        self.errorMessage = errorMessage
        self.id = id
        self.ownerId = ownerId
        self.title = title
        self.filename = filename
        self.format = format
        self.status = status
        self.error = error
        self.pageCount = pageCount
        self.sizeBytes = sizeBytes
        self.sha256 = sha256
        self.characters = characters
        self.author = author
        self.quality = quality
        self.objectKey = objectKey
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// A retrieval passage of a document.
public struct ChunkRecord: Codable, Hashable, Sendable {
    public var ordinal: Int
    public var page: Int
    public var pageEnd: Int
    public var start: Int
    public var end: Int
    public var wordCount: Int
    public var text: String

    public init(ordinal: Int, page: Int, pageEnd: Int, start: Int, end: Int, wordCount: Int, text: String) {
        self.ordinal = ordinal
        self.page = page
        self.pageEnd = pageEnd
        self.start = start
        self.end = end
        self.wordCount = wordCount
        self.text = text
    }
}

/// A sentence of a document: its page, code-point span (the text is the document's) and role.
public struct SentenceRecord: Codable, Hashable, Sendable {
    public var ordinal: Int
    public var page: Int
    public var start: Int
    public var end: Int
    /// Its role in the document's structure; nil for sentences stored before roles were kept
    /// (readers label those documents again from their text and blocks).
    public var role: SentenceRole?

    public init(ordinal: Int, page: Int, start: Int, end: Int, role: SentenceRole? = nil) {
        self.ordinal = ordinal
        self.page = page
        self.start = start
        self.end = end
        self.role = role
    }
}

/// What extraction learnt about a stored document, written when its extract stage finishes.
public struct ExtractedFields: Sendable, Hashable {
    public var format: DocumentFormat
    public var sha256: String
    public var author: String?
    /// The quality report; the document's page and character counts are its own.
    public var quality: QualityReport
    /// The document's title from its metadata, used only when the upload named none.
    public var title: String?

    public var pageCount: Int { quality.pageCount }
    public var characters: Int { quality.characters }

    public init(format: DocumentFormat, sha256: String, author: String?, quality: QualityReport, title: String?) {
        self.format = format
        self.sha256 = sha256
        self.author = author
        self.quality = quality
        self.title = title
    }
}

/// The extracted text of a document with its pages and blocks.
public struct DocumentContent: Codable, Hashable, Sendable {
    public var text: String
    public var pages: [PageRange]
    public var blocks: [TextBlock]

    public init(text: String, pages: [PageRange], blocks: [TextBlock]) {
        self.text = text
        self.pages = pages
        self.blocks = blocks
    }
}

/// One page of a listing and the number of items in all pages.
public struct Page<Item: Sendable>: Sendable {
    public var items: [Item]
    public var total: Int

    public init(items: [Item], total: Int) {
        self.items = items
        self.total = total
    }
}

/// What one owner's library holds: documents, their original files' bytes, passages, and
/// ingestion jobs waiting or running.
public struct LibraryUsage: Codable, Hashable, Sendable {
    public var documents: Int
    public var bytes: Int64
    public var chunks: Int
    public var activeJobs: Int

    public init(documents: Int, bytes: Int64, chunks: Int, activeJobs: Int) {
        self.documents = documents
        self.bytes = bytes
        self.chunks = chunks
        self.activeJobs = activeJobs
    }
}
