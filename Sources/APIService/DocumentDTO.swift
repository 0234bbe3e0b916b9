import DocuThinkerCore
import Extraction
import Foundation
import Storage
import ServerSupport
import HTTPTypes

/// A document as the API shows it (Contract details: id, title, status, pageCount, quality, createdAt, …).
struct DocumentDTO: Encodable {
    var id: String
    var title: String
    var filename: String?
    var format: String
    var status: String
    var error: String?
    var pageCount: Int
    var sizeBytes: Int
    var characters: Int
    var author: String?
    var sha256: String
    var quality: QualityReport?
    var createdAt: Date
    var updatedAt: Date

    init(_ record: DocumentRecord) {
        id = record.id
        title = record.title
        filename = record.filename
        format = record.format
        status = record.status.rawValue
        error = record.error
        pageCount = record.pageCount
        sizeBytes = record.sizeBytes
        characters = record.characters
        author = record.author
        sha256 = record.sha256
        quality = try? JSONDecoder().decode(QualityReport.self, from: Data(record.qualityJSON.utf8))
        createdAt = record.createdAt
        updatedAt = record.updatedAt
    }
}

/// `GET /v1/documents/{id}/text`: the full text and page ranges (blocks on request).
struct DocumentTextDTO: Encodable {
    var documentId: String
    var text: String
    var pages: [PageRange]
    var blocks: [TextBlock]?
}

/// `GET /v1/documents/{id}/chunks`.
struct ChunkDTO: Encodable {
    var index: Int
    var page: Int
    var pageEnd: Int
    var start: Int
    var end: Int
    var wordCount: Int
    var text: String

    init(_ record: ChunkRecord) {
        index = record.ordinal
        page = record.page
        pageEnd = record.pageEnd
        start = record.start
        end = record.end
        wordCount = record.wordCount
        text = record.text
    }
}

extension ExtractionError {
    /// The HTTP form of an extraction failure.
    var apiError: APIError {
        let status: HTTPResponse.Status = switch code {
        case .unsupportedFormat: .unsupportedMediaType
        case .tooLarge: .contentTooLarge
        case .empty: .badRequest
        case .passwordProtected, .unreadable, .tooManyPages, .archiveLimit, .timeout: .unprocessableContent
        }
        return APIError(status, code: code.rawValue, message: message)
    }
}
