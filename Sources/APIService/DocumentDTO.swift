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
    /// The failure's message when `status` is `failed` (`error` is its stable code).
    var errorMessage: String?
    /// The ingestion job while the document is processed (and after, until it is replaced).
    var job: JobDTO?

    init(_ record: DocumentRecord, job: JobRecord? = nil) {
        errorMessage = record.errorMessage
        self.job = job.map(JobDTO.init)
        id = record.id
        title = record.title
        filename = record.filename
        format = record.format.rawValue
        status = record.status.rawValue
        error = record.error
        pageCount = record.pageCount
        sizeBytes = record.sizeBytes
        characters = record.characters
        author = record.author
        sha256 = record.sha256
        quality = record.quality
        createdAt = record.createdAt
        updatedAt = record.updatedAt
    }
}

extension DocumentDTO {
    /// The JSON array of `DocumentDTO`s for these records, written directly: the stored quality
    /// report (JSON we wrote at import) goes in verbatim instead of being decoded and encoded
    /// again per document. Same fields and values as `JSONIO.encoder` gives (tested).
    static func jsonArray(_ records: [DocumentRecord]) -> String {
        var out = "["
        for (index, record) in records.enumerated() {
            if index > 0 { out += "," }
            out += "{"
            func field(_ name: String, _ value: String?, first: Bool = false) {
                guard let value else { return }
                if !first { out += "," }
                FastJSON.appendString(name, to: &out)
                out += ":"
                FastJSON.appendString(value, to: &out)
            }
            func number(_ name: String, _ value: Int) { out += ",\"\(name)\":\(value)" }
            field("id", record.id, first: true)
            field("title", record.title)
            field("filename", record.filename)
            field("format", record.format.rawValue)
            field("status", record.status.rawValue)
            field("error", record.error)
            field("errorMessage", record.errorMessage)
            number("pageCount", record.pageCount)
            number("sizeBytes", record.sizeBytes)
            number("characters", record.characters)
            field("author", record.author)
            field("sha256", record.sha256)
            if let quality = record.quality { out += ",\"quality\":"; appendQuality(quality, to: &out) }
            field("createdAt", FastJSON.timestamp(record.createdAt))
            field("updatedAt", FastJSON.timestamp(record.updatedAt))
            out += "}"
        }
        return out + "]"
    }

    /// The quality report as a JSON object, fields in declaration order as `JSONEncoder` writes them.
    private static func appendQuality(_ quality: QualityReport, to out: inout String) {
        out += "{\"characters\":\(quality.characters),\"words\":\(quality.words),\"pageCount\":\(quality.pageCount),\"emptyPages\":["
        out += quality.emptyPages.map(String.init).joined(separator: ",")
        out += "],\"likelyScanned\":\(quality.likelyScanned),\"language\":"
        FastJSON.appendString(quality.language, to: &out)
        let confidence = quality.languageConfidence.isFinite ? quality.languageConfidence : 0
        out += ",\"languageConfidence\":\(confidence),\"warnings\":["
        for (index, warning) in quality.warnings.enumerated() {
            if index > 0 { out += "," }
            FastJSON.appendString(warning, to: &out)
        }
        out += "]"
        if let unusable = quality.unusablePages {
            out += ",\"unusablePages\":[" + unusable.map(String.init).joined(separator: ",") + "]"
        }
        if let pages = quality.ocrPages {
            out += ",\"ocrPages\":["
            for (index, page) in pages.enumerated() {
                if index > 0 { out += "," }
                let confidence = page.confidence.isFinite ? page.confidence : 0
                out += "{\"page\":\(page.page),\"words\":\(page.words),\"confidence\":\(confidence)"
                if let dpi = page.dpi { out += ",\"dpi\":\(dpi)" }
                out += "}"
            }
            out += "]"
        }
        if let confidence = quality.ocrConfidence, confidence.isFinite { out += ",\"ocrConfidence\":\(confidence)" }
        out += "}"
    }
}

/// A document's ingestion job as the API shows it: `state` (`queued`, `running`, `succeeded`,
/// `failed`), the `stage` it is in (`extract`, `keyword-index`, `embeddings`, `analyses`, `done`)
/// and the progress within that stage.
struct JobDTO: Encodable {
    var id: String
    var state: JobState
    var stage: IngestStage
    var done: Int
    var total: Int
    var attempts: Int
    var error: String?
    var updatedAt: Date

    init(_ record: JobRecord) {
        id = record.id
        state = record.state
        stage = record.stage
        done = record.done
        total = record.total
        attempts = record.attempts
        error = record.errorCode
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
        case .passwordProtected, .unreadable, .tooManyPages, .archiveLimit, .timeout, .noText, .ocrFailed: .unprocessableContent
        }
        return APIError(status, code: code.rawValue, message: message)
    }
}
