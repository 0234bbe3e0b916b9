/// The document formats DocuThinker reads, detected from the bytes.
public enum DocumentFormat: String, Codable, Sendable, CaseIterable {
    case pdf, docx, html, markdown, text
    /// Images read by OCR as one-page documents.
    case png, jpeg, tiff

    /// True for the image formats (their text comes from OCR).
    public var isImage: Bool { self == .png || self == .jpeg || self == .tiff }

    /// The MIME type used when the original file is served back.
    public var mimeType: String {
        switch self {
        case .pdf: "application/pdf"
        case .docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        case .html: "text/html"
        case .markdown: "text/markdown"
        case .text: "text/plain"
        case .png: "image/png"
        case .jpeg: "image/jpeg"
        case .tiff: "image/tiff"
        }
    }
}
