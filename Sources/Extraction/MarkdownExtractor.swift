public import DocuThinkerCore
public import Foundation
import Ink

/// Extracts Markdown as a reader sees it: parsed by Ink (JohnSundell/Ink) into HTML whose visible
/// text the HTML extractor reads, so link targets, emphasis marks, code fences, reference
/// definitions and inline HTML never become words, while headings, list items, code blocks and
/// table rows stay blocks. The first level-1 heading (else the first heading) is the title.
struct MarkdownExtractor {
    let limits: ExtractionLimits

    func extract(_ data: Data) throws -> ExtractionResult {
        let decoded = try TextDecoder.decode(data)
        let html = MarkdownParser().html(from: Self.prepared(decoded.text.normalisingNewlines()))
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

    /// The source as Ink reads it well. Ink takes an HTML element that is never closed as a block
    /// running to the end of the file, so a comment without a space after `<!--`
    /// (`<!--introduced_in=v0.10.0-->`, common in project docs) or a bare `<br>` would swallow the
    /// rest of the document as raw HTML: comments are removed, autolinks (`<https://…>`) become links (as a browser hides them; an
    /// unterminated one hides the rest) and void elements are written self-closing.
    static func prepared(_ source: String) -> String {
        var text = source
        if text.contains("<!--") {
            var result = ""
            var rest = Substring(text)
            while let open = rest.range(of: "<!--") {
                result += rest[..<open.lowerBound]
                guard let close = rest.range(of: "-->", range: open.upperBound..<rest.endIndex) else { rest = ""; break }
                rest = rest[close.upperBound...]
            }
            text = result + rest
        }
        text = voidElement.stringByReplacingMatches(in: text, range: NSRange(text.startIndex..., in: text), withTemplate: "<$1$2/>")
        return autolink.stringByReplacingMatches(in: text, range: NSRange(text.startIndex..., in: text), withTemplate: "[$1]($1)")
    }

    /// `<https://…>`: an autolink, which Ink would take for an element never closed.
    nonisolated(unsafe) private static let autolink = try! NSRegularExpression(pattern: "<((?i:https?|ftp|mailto):[^<>\\s]+)>")

    /// `<br>`, `<img src="…">` and the other void elements not already written `… />`.
    nonisolated(unsafe) private static let voidElement = try! NSRegularExpression(
        pattern: "<((?i:area|base|br|col|embed|hr|img|input|link|meta|source|track|wbr))(\\b[^<>]*?)(?<!/)>")
}
