/// What a sentence is in its document's structure, labelled once at import and stored with it.
/// A label annotates the text; it never changes it (offsets stay exact). Raw values are stored.
public enum SentenceRole: String, Codable, Sendable, CaseIterable {
    /// Prose of the document's own content: paragraphs and list items of its sections.
    case body
    /// A section heading.
    case heading
    /// A table-of-contents line (or anything on a contents page).
    case contents
    /// A header or footer repeated on many pages.
    case runningHead
    /// A page number standing alone.
    case pageNumber
    /// The title page (front matter).
    case titlePage
    /// A copyright, licence or warranty notice, wherever it stands.
    case notice
    /// A bibliography or reference-list entry.
    case bibliography
    /// A back-of-book index entry.
    case index
    /// Other back matter: glossary, colophon, acknowledgements.
    case backMatter
    /// Code, commands or verbatim text.
    case code
    /// A table row.
    case table
    /// A figure or table caption.
    case caption
    /// Symbol-font or broken-encoding output: characters that do not read as words.
    case glyphSoup

    /// Whether summaries, key ideas, recommendations and discussion points may use it.
    public var isBody: Bool { self == .body }

    /// Whether a chat answer may quote it: content of the document (body, code, tables, captions,
    /// notices: "which licence?" is a fair question), not furniture, apparatus or glyph soup.
    public var isAnswerable: Bool {
        switch self {
        case .body, .code, .table, .caption, .notice, .titlePage: true
        case .heading, .contents, .runningHead, .pageNumber, .bibliography, .index, .backMatter, .glyphSoup: false
        }
    }

    /// Page furniture and apparatus: what a retrieved passage is worth less for when it is mostly this.
    public var isApparatus: Bool {
        switch self {
        case .contents, .runningHead, .pageNumber, .index, .bibliography, .glyphSoup: true
        default: false
        }
    }
}
