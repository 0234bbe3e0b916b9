import DocuThinkerCore
public import Foundation
public import GRDB
public import Storage

/// How the records map to their tables.
extension UserRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "users"
}

extension RefreshTokenRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "refresh_tokens"
}

extension APIKeyRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "api_keys"
}

extension DocumentRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "documents"

    /// The columns every fetch of a document selects, in the order `init(row:)` reads them.
    static let columnNames = [
        "id", "ownerId", "title", "filename", "format", "status", "error", "pageCount", "sizeBytes", "sha256", "characters",
        "author", "objectKey", "createdAt", "updatedAt", "errorMessage", "qualityWords", "qualityEmptyPages",
        "qualityLikelyScanned", "qualityLanguage", "qualityLanguageConfidence", "qualityWarnings", "qualityOCR",
    ]
    /// `SELECT \(DocumentRecord.selection) FROM documents …`.
    static let selection = columnNames.joined(separator: ", ")

    /// Reads the columns by position (select them with `selection`): GRDB's Codable path cost a
    /// tenth of a library-list request, and a lookup by name scans the columns each time.
    public init(row: Row) throws {
        assert(row.columnNames.elementsEqual(Self.columnNames), "select DocumentRecord.selection")
        let pageCount: Int = row[7]
        let characters: Int = row[10]
        var quality: QualityReport?
        if let words: Int = row[16] {
            let emptyPages: String = row[17]
            let warnings: String = row[21]
            quality = QualityReport(
                characters: characters, words: words, pageCount: pageCount,
                emptyPages: emptyPages.isEmpty ? [] : emptyPages.split(separator: ",").compactMap { Int($0) },
                likelyScanned: row[18], language: row[19], languageConfidence: row[20],
                warnings: warnings == "[]" ? [] : StoredJSON.value([String].self, from: warnings) ?? [])
            quality?.readOCRColumn(row[22])
        }
        self.init(
            id: row[0], ownerId: row[1], title: row[2], filename: row[3],
            format: DocumentFormat(rawValue: row[4]) ?? .text,
            status: DocumentStatus(rawValue: row[5]) ?? .failed, error: row[6], pageCount: pageCount,
            sizeBytes: row[8], sha256: row[9], characters: characters, author: row[11],
            quality: quality, objectKey: row[12], createdAt: row[13], updatedAt: row[14], errorMessage: row[15])
    }

    /// Writes the columns by name, the quality report in its own columns (see `init(row:)`).
    public func encode(to container: inout PersistenceContainer) throws {
        container["id"] = id
        container["ownerId"] = ownerId
        container["title"] = title
        container["filename"] = filename
        container["format"] = format.rawValue
        container["status"] = status.rawValue
        container["error"] = error
        container["pageCount"] = pageCount
        container["sizeBytes"] = sizeBytes
        container["sha256"] = sha256
        container["characters"] = characters
        container["author"] = author
        container["objectKey"] = objectKey
        container["createdAt"] = createdAt
        container["updatedAt"] = updatedAt
        container["errorMessage"] = errorMessage
        for (column, value) in Self.qualityColumns(quality) { container[column] = value }
    }

    /// The quality columns' values for a report (nil: not extracted yet).
    static func qualityColumns(_ quality: QualityReport?) -> [(String, (any DatabaseValueConvertible)?)] {
        guard let quality else { return [("qualityWords", nil)] }
        let warnings = quality.warnings.isEmpty ? "[]" : (try? StoredJSON.text(quality.warnings)) ?? "[]"
        return [
            ("qualityWords", quality.words),
            ("qualityEmptyPages", quality.emptyPages.map(String.init).joined(separator: ",")),
            ("qualityLikelyScanned", quality.likelyScanned),
            ("qualityLanguage", quality.language),
            ("qualityLanguageConfidence", quality.languageConfidence),
            ("qualityWarnings", warnings),
            ("qualityOCR", quality.ocrColumn),
        ]
    }
}

extension SQLiteStore: SchemaMigrating {}
