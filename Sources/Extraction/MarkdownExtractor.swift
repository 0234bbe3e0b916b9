public import DocuThinkerCore
public import Foundation

/// Extracts Markdown as a reader sees it: parsed by cmark-gfm (`CommonMark`) into HTML whose visible
/// text the HTML extractor reads, so link targets, emphasis marks, code fences, reference
/// definitions and inline HTML never become words, while headings, list items, code blocks and
/// table rows stay blocks. The first level-1 heading (else the first heading) is the title.
struct MarkdownExtractor {
    let limits: ExtractionLimits

    func extract(_ data: Data) throws -> ExtractionResult {
        let decoded = try TextDecoder.decode(data)
        let html = CommonMark.html(decoded.text.normalisingNewlines())
        var result = try HTMLExtractor(limits: limits).extract(Data(html.utf8))
        result.format = .markdown
        result.quality.warnings = decoded.warnings + result.quality.warnings
        let text = ScalarText(result.text)
        let headings = result.blocks.filter { $0.kind == .heading }
        if let heading = headings.first(where: { $0.level == 1 }) ?? headings.first {
            result.metadata.title = text.slice(heading.start, heading.end).split(whereSeparator: \.isWhitespace).joined(separator: " ")
        }
        return result
    }
}
