import CCmark
import Foundation

/// Markdown to HTML through cmark-gfm (GitHub's CommonMark reference parser in C, BSD-2-Clause;
/// linear time and fuzzed upstream), with GitHub's tables, strikethrough, autolinks and task
/// lists. Raw HTML is kept, for the HTML reader to show only what a browser would. It replaced
/// Ink, which `scripts/fuzz text` found hanging (nested `[`, an unclosed tag) and crashing (a
/// list read past the end of its text) on uploads of a few dozen bytes.
enum CommonMark {
    /// The core extensions are registered once per process.
    private static let registered: Bool = {
        cmark_gfm_core_extensions_ensure_registered()
        return true
    }()

    static func html(_ markdown: String) -> String {
        precondition(registered)
        let options = CMARK_OPT_UNSAFE | CMARK_OPT_VALIDATE_UTF8
        guard let parser = cmark_parser_new(options) else { return "" }
        defer { cmark_parser_free(parser) }
        for name in ["table", "strikethrough", "autolink", "tasklist"] {
            if let extensionHandle = cmark_find_syntax_extension(name) { cmark_parser_attach_syntax_extension(parser, extensionHandle) }
        }
        var source = markdown
        source.withUTF8 { bytes in
            bytes.withMemoryRebound(to: CChar.self) { cmark_parser_feed(parser, $0.baseAddress, $0.count) }
        }
        guard let document = cmark_parser_finish(parser) else { return "" }
        defer { cmark_node_free(document) }
        guard let html = cmark_render_html(document, options, cmark_parser_get_syntax_extensions(parser)) else { return "" }
        defer { free(html) }
        return String(cString: html)
    }
}
