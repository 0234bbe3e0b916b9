/// One page of a document and its code-point range in the full text.
public struct PageRange: Codable, Hashable, Sendable {
    /// 1-based page number.
    public var number: Int
    public var start: Int
    public var end: Int

    public init(number: Int, start: Int, end: Int) {
        self.number = number
        self.start = start
        self.end = end
    }
}

/// What a block of text is.
public enum BlockKind: String, Codable, Sendable {
    case heading, paragraph, listItem, tableRow
}

/// A paragraph-level unit of the text (paragraph, heading, list item, table row) with its span.
public struct TextBlock: Codable, Hashable, Sendable {
    public var kind: BlockKind
    /// Heading level (1 = top) for headings; nil otherwise.
    public var level: Int?
    public var page: Int
    public var start: Int
    public var end: Int

    public init(kind: BlockKind, level: Int? = nil, page: Int, start: Int, end: Int) {
        self.kind = kind
        self.level = level
        self.page = page
        self.start = start
        self.end = end
    }
}
