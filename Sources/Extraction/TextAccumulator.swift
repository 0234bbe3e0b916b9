public import DocuThinkerCore

/// Builds the full text while tracking code-point offsets, pages and blocks.
struct TextAccumulator {
    private(set) var text = ""
    /// Code points appended so far; the offset of the next appended scalar.
    private(set) var offset = 0
    private(set) var blocks: [TextBlock] = []
    private(set) var pages: [PageRange] = []
    private var pageStart = 0

    mutating func append(_ piece: String) {
        text += piece
        offset += piece.unicodeScalars.count
    }

    /// Appends a block of text, separated from the previous block by a blank line.
    mutating func appendBlock(_ content: String, kind: BlockKind, level: Int? = nil) {
        let trimmed = content.trimmingWhitespace()
        guard !trimmed.isEmpty else { return }
        if offset > pageStart {
            append("\n\n")
        }
        let start = offset
        append(trimmed)
        blocks.append(TextBlock(kind: kind, level: level, page: pages.count + 1, start: start, end: offset))
    }

    /// Records a raw block over text already appended.
    mutating func recordBlock(_ block: TextBlock) { blocks.append(block) }

    /// Closes the current page at the current offset.
    mutating func endPage() {
        pages.append(PageRange(number: pages.count + 1, start: pageStart, end: offset))
    }

    /// Begins a new page, separated from the previous one by a blank line.
    mutating func beginPage() {
        if offset > 0 { append("\n\n") }
        pageStart = offset
    }
}

extension String {
    /// The string without leading and trailing whitespace (by Unicode scalar property).
    func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
        return String(scalars[first...last])
    }

    /// Line endings normalised to `\n` and NUL characters removed.
    func normalisingNewlines() -> String {
        guard contains("\r") || contains("\u{0}") else { return self }
        var view = String.UnicodeScalarView()
        var previousCR = false
        for scalar in unicodeScalars {
            switch scalar {
            case "\r": view.append("\n"); previousCR = true; continue
            case "\n" where previousCR: break
            case "\u{0}": break
            default: view.append(scalar)
            }
            previousCR = false
        }
        return String(view)
    }
}
