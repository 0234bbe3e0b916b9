/// A typed extraction failure. New codes can be added without breaking callers.
public struct ExtractionError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Stable machine-readable reasons.
    public enum Code: String, Sendable, Hashable {
        /// The bytes are not a format DocuThinker reads.
        case unsupportedFormat = "unsupported_format"
        /// The PDF needs a password.
        case passwordProtected = "password_protected"
        /// The file is corrupt or truncated.
        case unreadable
        /// The file has no bytes.
        case empty = "empty_file"
        /// The file exceeds the byte limit.
        case tooLarge = "file_too_large"
        /// The document has more pages than allowed.
        case tooManyPages = "too_many_pages"
        /// A ZIP container (DOCX) expands beyond the limits: a zip bomb.
        case archiveLimit = "archive_limit_exceeded"
        /// Extraction took longer than allowed.
        case timeout = "extraction_timeout"
        /// Nothing readable is in the document, even after OCR.
        case noText = "no_text"
        /// A page could not be read by OCR (its reader failed or took too long).
        case ocrFailed = "ocr_failed"
    }

    public var code: Code
    /// A message fit for the user.
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
