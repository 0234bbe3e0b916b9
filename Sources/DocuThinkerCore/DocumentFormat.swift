/// The document formats DocuThinker reads, detected from the bytes.
public enum DocumentFormat: String, Codable, Sendable, CaseIterable {
    case pdf, docx, html, markdown, text

    /// The MIME type used when the original file is served back.
    public var mimeType: String {
        switch self {
        case .pdf: "application/pdf"
        case .docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        case .html: "text/html"
        case .markdown: "text/markdown"
        case .text: "text/plain"
        }
    }
}
