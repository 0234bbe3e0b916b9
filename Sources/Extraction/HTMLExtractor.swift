public import DocuThinkerCore
public import Foundation

/// Extracts the visible text of an HTML page: no script/style/template content, block elements
/// become paragraph breaks, entities decoded, `<title>` kept as metadata.
struct HTMLExtractor {
    let limits: ExtractionLimits

    private static let skipped: Set<String> = ["script", "style", "noscript", "template", "head", "svg", "math", "iframe", "object", "canvas"]
    private static let void: Set<String> = ["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr", "param", "keygen"]
    private static let blocks: Set<String> = [
        "p", "div", "section", "article", "header", "footer", "main", "nav", "aside", "blockquote", "pre", "ul", "ol",
        "dl", "dt", "dd", "table", "thead", "tbody", "tfoot", "form", "figure", "figcaption", "address", "fieldset",
        "details", "summary", "body", "html", "hr", "caption", "center",
    ]

    func extract(_ data: Data) throws -> ExtractionResult {
        let decoded = try TextDecoder.decode(data)
        let scalars = Array(decoded.text.normalisingNewlines().unicodeScalars)
        var accumulator = TextAccumulator()
        accumulator.beginPage()
        var block = String.UnicodeScalarView()
        var blockKind = BlockKind.paragraph
        var headingLevel: Int?
        var cells: [String] = []
        var skipStack: [String] = []
        var preDepth = 0
        var title = String.UnicodeScalarView()
        var inTitle = false

        func flush() {
            if blockKind == .tableRow {
                if !block.isEmpty { block.append(" ") }
                return
            }
            let text = String(block)
            block = String.UnicodeScalarView()
            accumulator.appendBlock(text, kind: blockKind, level: headingLevel)
            blockKind = .paragraph
            headingLevel = nil
        }

        func endCell() {
            cells.append(Self.collapse(String(block)))
            block = String.UnicodeScalarView()
        }

        func emitRow() {
            guard blockKind == .tableRow else { return }
            if !Self.collapse(String(block)).isEmpty { endCell() }
            block = String.UnicodeScalarView()
            let row = cells.filter { !$0.isEmpty }.joined(separator: "\t")
            cells = []
            blockKind = .paragraph
            accumulator.appendBlock(row, kind: .tableRow)
        }

        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar == "<", let tag = HTMLTag.parse(scalars, at: index) {
                index = tag.end
                let name = tag.name
                if tag.isComment { continue }
                if !skipStack.isEmpty {
                    if tag.isClosing, name == skipStack.last { skipStack.removeLast() }
                    else if !tag.isClosing, !tag.selfClosing, !Self.void.contains(name), skipStack.last == "head" || skipStack.last == "svg" {
                        if name == "title", skipStack.last == "head" { inTitle = true; continue }
                        if Self.skipped.contains(name) { skipStack.append(name) }
                    }
                    if tag.isClosing, name == "title" { inTitle = false }
                    continue
                }
                if name == "title" { inTitle = !tag.isClosing; continue }
                if !tag.isClosing, !tag.selfClosing, Self.skipped.contains(name) || tag.isHidden {
                    if !Self.void.contains(name) { skipStack.append(name) }
                    continue
                }
                switch name {
                case "br": block.append("\n")
                case "h1", "h2", "h3", "h4", "h5", "h6":
                    flush()
                    if !tag.isClosing { blockKind = .heading; headingLevel = Int(String(name.dropFirst())) }
                case "li":
                    flush()
                    if !tag.isClosing { blockKind = .listItem }
                case "tr":
                    if blockKind == .tableRow { emitRow() } else { flush() }
                    if !tag.isClosing { blockKind = .tableRow }
                case "td", "th":
                    if tag.isClosing { endCell() }
                    else if blockKind == .tableRow, !Self.collapse(String(block)).isEmpty { endCell() }
                    else if blockKind == .tableRow { block = String.UnicodeScalarView() }
                case "table":
                    emitRow()
                    flush()
                case "pre":
                    flush()
                    preDepth += tag.isClosing ? -1 : 1
                    preDepth = max(0, preDepth)
                default:
                    if Self.blocks.contains(name) { flush() }
                }
                continue
            }
            if scalar == "&", let entity = HTMLEntities.decode(scalars, at: index) {
                index = entity.end
                if inTitle { title.append(contentsOf: entity.value.unicodeScalars) }
                else if skipStack.isEmpty { appendText(entity.value.unicodeScalars, to: &block, pre: preDepth > 0) }
                continue
            }
            if inTitle { title.append(scalar) }
            else if skipStack.isEmpty { appendText(CollectionOfOne(scalar), to: &block, pre: preDepth > 0) }
            index += 1
        }
        emitRow()
        flush()
        accumulator.endPage()
        let titleText = Self.collapse(String(title))
        let quality = QualityAnalyzer.report(
            text: accumulator.text, characters: accumulator.offset, pageCount: 1, emptyPages: [],
            warnings: decoded.warnings)
        return ExtractionResult(
            format: .html, text: accumulator.text, pages: accumulator.pages, blocks: accumulator.blocks,
            metadata: DocumentMetadata(title: titleText.isEmpty ? nil : titleText, pageCount: 1), quality: quality)
    }

    /// Appends text, collapsing whitespace runs to one space outside `<pre>`.
    private func appendText(_ piece: some Collection<Unicode.Scalar>, to block: inout String.UnicodeScalarView, pre: Bool) {
        for scalar in piece {
            if !pre, scalar.properties.isWhitespace, scalar != "\u{A0}" {
                if let last = block.last, !last.properties.isWhitespace { block.append(" ") }
            } else {
                block.append(scalar == "\u{A0}" && !pre ? " " : scalar)
            }
        }
    }

    static func collapse(_ text: String) -> String {
        text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }
}
