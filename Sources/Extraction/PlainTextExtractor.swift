public import DocuThinkerCore
public import Foundation

/// Extracts plain text and Markdown: paragraphs split at blank lines, list lines as list items,
/// Markdown ATX headings (`# Title`) as headings whose span excludes the `#` marks.
struct PlainTextExtractor {
    let limits: ExtractionLimits
    let format: DocumentFormat

    func extract(_ data: Data) throws -> ExtractionResult {
        let decoded = try TextDecoder.decode(data)
        let text = decoded.text.normalisingNewlines()
        var accumulator = TextAccumulator()
        accumulator.beginPage()
        accumulator.append(text)
        var blocks: [TextBlock] = []
        var paragraphStart: Int?
        var paragraphEnd = 0
        var offset = 0
        var inFence = false

        func closeParagraph() {
            if let start = paragraphStart { blocks.append(TextBlock(kind: .paragraph, page: 1, start: start, end: paragraphEnd)) }
            paragraphStart = nil
        }

        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let scalars = Array(line.unicodeScalars)
            let lineStart = offset
            offset += scalars.count + 1
            guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else {
                closeParagraph(); continue
            }
            let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
            let content = (lineStart + first, lineStart + last + 1)
            if format == .markdown, String(String.UnicodeScalarView(scalars[first...])).hasPrefix("```") {
                inFence.toggle()
            }
            if !inFence, let heading = markdownHeading(scalars, first: first, last: last) {
                closeParagraph()
                blocks.append(TextBlock(kind: .heading, level: heading.level, page: 1,
                                        start: lineStart + heading.start, end: content.1))
                continue
            }
            if !inFence, isListLine(scalars, first: first) {
                closeParagraph()
                blocks.append(TextBlock(kind: .listItem, page: 1, start: content.0, end: content.1))
                continue
            }
            if paragraphStart == nil { paragraphStart = content.0 }
            paragraphEnd = content.1
        }
        closeParagraph()
        if format == .text { blocks = Self.promotingHeadings(blocks, in: ScalarText(text)) }
        accumulator.endPage()
        for block in blocks { accumulator.recordBlock(block) }
        var title: String?
        if format == .markdown, let heading = blocks.first(where: { $0.kind == .heading && $0.level == 1 }) {
            title = ScalarText(text).slice(heading.start, heading.end)
        }
        let quality = QualityAnalyzer.report(
            text: text, characters: accumulator.offset, pageCount: 1, emptyPages: [], warnings: decoded.warnings)
        return ExtractionResult(
            format: format, text: accumulator.text, pages: accumulator.pages, blocks: accumulator.blocks,
            metadata: DocumentMetadata(title: title, pageCount: 1), quality: quality)
    }

    /// Plain text has no markup: a one-line paragraph of at most 12 words without closing
    /// punctuation that stands before another paragraph is taken as a heading.
    static func promotingHeadings(_ blocks: [TextBlock], in text: ScalarText) -> [TextBlock] {
        var result = blocks
        for index in result.indices.dropLast() where result[index].kind == .paragraph {
            let content = text.slice(result[index].start, result[index].end)
            guard !content.contains("\n"), let last = content.last, !".!?:;,".contains(last),
                  content.split(separator: " ").count <= 12, result[index + 1].kind != .heading else { continue }
            result[index].kind = .heading
            result[index].level = 1
        }
        return result
    }

    /// For `## Title`, the level and the offset (within the line) where the title text starts.
    private func markdownHeading(_ s: [Unicode.Scalar], first: Int, last: Int) -> (level: Int, start: Int)? {
        guard format == .markdown else { return nil }
        var i = first
        while i <= last, s[i] == "#" { i += 1 }
        let level = i - first
        guard (1...6).contains(level), i <= last, s[i] == " " else { return nil }
        while i <= last, s[i] == " " { i += 1 }
        return i <= last ? (level, i) : nil
    }

    private func isListLine(_ s: [Unicode.Scalar], first: Int) -> Bool {
        guard first + 1 < s.count else { return false }
        if "-*+•–".unicodeScalars.contains(s[first]), s[first + 1] == " " { return true }
        return ListMarker.length(in: String(String.UnicodeScalarView(s[first...]))) != nil
    }
}
