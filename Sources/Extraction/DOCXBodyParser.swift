import DocuThinkerCore
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Streams `word/document.xml` into blocks (namespace processing off, so names arrive as `w:p`).
final class DOCXBodyParser: NSObject, XMLParserDelegate {
    private(set) var accumulator = TextAccumulator()
    private var paragraph = ""
    private var style: String?
    private var outlineLevel: Int?
    private var isList = false
    private var inText = false
    private var inParagraphProperties = 0
    private var breakBeforeParagraph = false
    private var breakAfterParagraph = false
    /// Open tables: each holds the current row's cells and the current cell's paragraphs.
    private var tables: [(cells: [String], cell: [String])] = []
    private var failure: (any Error)?

    func parse(_ data: Data) throws {
        // Word never writes a DTD. One that declares entities is refused: its references would be
        // dropped without a trace (the XML parser does not hand them over), and expanding them is
        // the billion-laughs attack.
        if Self.declaresEntities(data) { throw Self.declaredEntities }
        guard Self.isUTF8(data) else {
            throw ExtractionError(.unreadable, "The DOCX body is not UTF-8 text (it is damaged).")
        }
        accumulator.beginPage()
        let parser = XMLParser(data: data)
        parser.shouldResolveExternalEntities = false
        parser.delegate = self
        // Foundation's parser can stop (an error, or the delegate aborting) and still return true;
        // the error is then the only sign that the rest of the body was never read.
        if !parser.parse() || parser.parserError != nil || failure != nil {
            throw failure ?? ExtractionError(.unreadable, "The DOCX body is not well-formed XML.")
        }
        if breakAfterParagraph || breakBeforeParagraph { breakPage() }
    }

    /// Whether `data` is valid UTF-8, as Word writes every part. Foundation's XML parser on Linux
    /// traps (crashing the process) on a tag name with a byte that is not UTF-8, which a damaged
    /// upload had (found by `scripts/fuzz docx`), so such a part never reaches it.
    static func isUTF8(_ data: Data) -> Bool {
        String(validating: data, as: UTF8.self) != nil
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?,
                qualifiedName: String?, attributes: [String: String] = [:]) {
        switch name {
        case "w:p":
            paragraph = ""; style = nil; outlineLevel = nil; isList = false
        case "w:pPr": inParagraphProperties += 1
        case "w:pStyle": style = attributes["w:val"]
        case "w:outlineLvl": outlineLevel = attributes["w:val"].flatMap(Int.init)
        case "w:numPr": isList = true
        case "w:t": inText = true
        case "w:tab" where inParagraphProperties == 0: paragraph += "\t"
        case "w:br" where attributes["w:type"] == "page", "w:lastRenderedPageBreak":
            if paragraph.isEmpty { breakBeforeParagraph = true } else { breakAfterParagraph = true }
        case "w:br", "w:cr": paragraph += "\n"
        case "w:noBreakHyphen": paragraph += "-"
        case "w:tbl": tables.append(([], []))
        case "w:tr": if !tables.isEmpty { tables[tables.count - 1].cells = [] }
        case "w:tc": if !tables.isEmpty { tables[tables.count - 1].cell = [] }
        default: break
        }
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        switch name {
        case "w:t": inText = false
        case "w:pPr": inParagraphProperties -= 1
        case "w:p": endParagraph()
        case "w:tc":
            if let cell = tables.last?.cell { tables[tables.count - 1].cells.append(cell.joined(separator: " ")) }
        case "w:tr":
            if let cells = tables.last?.cells, cells.contains(where: { !$0.trimmingWhitespace().isEmpty }) {
                if tables.count == 1 {
                    accumulator.appendBlock(cells.map { $0.trimmingWhitespace() }.joined(separator: "\t"), kind: .tableRow)
                } else {
                    tables[tables.count - 2].cell.append(cells.joined(separator: " "))
                }
            }
        case "w:tbl": _ = tables.popLast()
        default: break
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if inText { paragraph += string }
    }

    func parser(_ parser: XMLParser, foundInternalEntityDeclarationWithName name: String, value: String?) {
        failure = Self.declaredEntities
        parser.abortParsing()
    }

    static let declaredEntities = ExtractionError(.unreadable, "The DOCX body declares its own XML entities (a DTD Word never writes): refused.")

    /// Whether the XML has a document type declaration with entities before its root element.
    static func declaresEntities(_ data: Data) -> Bool {
        let head = data.prefix(64 * 1024)
        guard let root = head.range(of: Data("<w:document".utf8)) else { return head.range(of: Data("<!ENTITY".utf8)) != nil }
        return head[..<root.lowerBound].range(of: Data("<!ENTITY".utf8)) != nil
    }

    func parser(_ parser: XMLParser, parseErrorOccurred parseError: any Error) {
        failure = failure ?? ExtractionError(.unreadable, "The DOCX body is not well-formed XML.")
    }

    private func endParagraph() {
        if breakBeforeParagraph { breakPage(); breakBeforeParagraph = false }
        let text = paragraph.normalisingNewlines()
        if !tables.isEmpty {
            tables[tables.count - 1].cell.append(text.trimmingWhitespace())
        } else if let level = headingLevel() {
            accumulator.appendBlock(text, kind: .heading, level: level)
        } else {
            let listStyle = style?.lowercased().contains("list") == true
            accumulator.appendBlock(text, kind: isList || listStyle ? .listItem : .paragraph)
        }
        if breakAfterParagraph { breakPage(); breakAfterParagraph = false }
        paragraph = ""
    }

    private func breakPage() {
        guard accumulator.offset > 0 else { return }
        accumulator.endPage()
        accumulator.beginPage()
    }

    private func headingLevel() -> Int? {
        if let outlineLevel, outlineLevel < 9 { return outlineLevel + 1 }
        guard let style = style?.lowercased().replacingOccurrences(of: " ", with: "") else { return nil }
        if style == "title" { return 1 }
        if style == "subtitle" { return 2 }
        guard style.hasPrefix("heading"), let level = Int(style.dropFirst("heading".count)) else { return nil }
        return min(max(level, 1), 6)
    }
}

/// Title and author from `docProps/core.xml`.
struct DOCXCoreProperties {
    var title: String?
    var creator: String?

    static func parse(_ data: Data) -> DOCXCoreProperties {
        guard DOCXBodyParser.isUTF8(data) else { return DOCXCoreProperties() }
        let collector = CoreCollector()
        let parser = XMLParser(data: data)
        parser.shouldResolveExternalEntities = false
        parser.delegate = collector
        _ = parser.parse()
        let clean = { (value: String?) -> String? in
            let trimmed = value?.trimmingWhitespace() ?? ""
            return trimmed.isEmpty ? nil : trimmed
        }
        return DOCXCoreProperties(title: clean(collector.values["dc:title"]), creator: clean(collector.values["dc:creator"]))
    }

    private final class CoreCollector: NSObject, XMLParserDelegate {
        var values: [String: String] = [:]
        private var current: String?

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?,
                    qualifiedName: String?, attributes: [String: String] = [:]) {
            current = name
        }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            current = nil
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            if let current { values[current, default: ""] += string }
        }
    }
}
