import DocuThinkerCore
import Testing
import TextProcessing

/// Structure labels at import (#16): page furniture, contents and index pages, notices, glyph
/// soup, code, captions and back-matter sections, on a small paged document built the way the
/// PDF extractor lays one out (a page's running head and page number inside its paragraph block).
@Suite("Structure labels")
struct StructureLabelerTests {
    static let pageTexts = [
        "Widget Manual\nVersion 2.0 of the manual.\nCopyright © 2024 Widget Project. All rights reserved.\nPermission is granted to copy this manual.\n1",
        "Widget Manual\nContents\n1 Introduction . . . . . . . . 3\n2 Usage . . . . . . . . . . 4\n3 References . . . . . . . 5\nIndex . . . . . . . . . . 6\n2",
        "Widget Manual\n1 Introduction\nWidgets are small tools that make daily work faster for everyone. This manual explains how to install and use them.\nh h h h ª hhh\nThe widget runs on every platform we know of today.\n3",
        "Widget Manual\n2 Usage\nStart the widget with the start command and stop it with the stop command.\nFigure 1: The widget at work.\n$ widget start --fast\n4",
        "Widget Manual\n3 References\nSmith, J. (2020). Widgets in practice. Journal of Tools, vol. 3, pp. 10–20.\nJones, K. (2019). Small things that matter. Tool Press.\n5",
        "Widget Manual\nIndex\nstart command, 4\nstop command, 4\nwidget, 3, 4\nplatforms, 3\nfast mode, 4\ninstall, 3\n6",
    ]
    static let headings: Set<String> = ["Contents", "1 Introduction", "2 Usage", "3 References", "Index"]

    /// The text, its pages, and blocks: each heading line a heading block, the rest of the page one paragraph.
    static func document() -> (text: ScalarText, pages: [PageRange], blocks: [TextBlock]) {
        var full = "", pages: [PageRange] = [], blocks: [TextBlock] = []
        for (k, page) in pageTexts.enumerated() {
            let start = full.unicodeScalars.count
            var paragraphStart: Int?
            for line in page.split(separator: "\n", omittingEmptySubsequences: false) {
                let lineStart = full.unicodeScalars.count
                full += line
                let lineEnd = full.unicodeScalars.count
                full += "\n"
                if headings.contains(String(line)) {
                    if let open = paragraphStart { blocks.append(TextBlock(kind: .paragraph, page: k + 1, start: open, end: lineStart - 1)) }
                    blocks.append(TextBlock(kind: .heading, level: 1, page: k + 1, start: lineStart, end: lineEnd))
                    paragraphStart = nil
                } else if paragraphStart == nil {
                    paragraphStart = lineStart
                }
            }
            let end = full.unicodeScalars.count - 1
            if let open = paragraphStart { blocks.append(TextBlock(kind: .paragraph, page: k + 1, start: open, end: end)) }
            full += "\n"
            pages.append(PageRange(number: k + 1, start: start, end: end + 1))
        }
        return (ScalarText(full), pages, blocks)
    }

    static func labelled() -> [Sentence] {
        let (text, pages, blocks) = document()
        let layout = StructureLabeler.layout(text, pages: pages, blocks: blocks)
        var sentences = SentenceSegmenter().segment(text, regions: layout.regions,
                                                    pages: PageIndex(pages: pages.map { ($0.number, $0.start, $0.end) }))
        let roles = StructureLabeler.roles(of: sentences, text: text, pages: pages, blocks: blocks, marks: layout.marks)
        for k in sentences.indices { sentences[k].role = roles[k] }
        return sentences
    }

    static func role(of prefix: String, in sentences: [Sentence]) -> SentenceRole? {
        sentences.first { $0.text.hasPrefix(prefix) }?.role
    }

    static func role(containing part: String, in sentences: [Sentence]) -> SentenceRole? {
        sentences.first { $0.text.contains(part) }?.role
    }

    @Test func furnitureIsCutOutAndLabelled() {
        let sentences = Self.labelled()
        let text = Self.document().text
        for sentence in sentences { #expect(text.slice(sentence.span) == sentence.text, "labels never move a span") }
        #expect(sentences.filter { $0.text == "Widget Manual" }.count == 6)
        #expect(sentences.filter { $0.text == "Widget Manual" }.allSatisfy { $0.role == .runningHead })
        #expect(!sentences.contains { $0.text.contains("Widget Manual") && $0.text != "Widget Manual" },
                "a running head is never glued to the sentence under it")
        for number in 2...6 { #expect(sentences.contains { $0.text == "\(number)" && $0.role == .pageNumber }) }
        #expect(Self.role(of: "Widgets are small tools", in: sentences) == .body)
        #expect(Self.role(of: "The widget runs on every platform", in: sentences) == .body)
        #expect(Self.role(of: "Start the widget", in: sentences) == .body)
    }

    @Test func apparatusAndNoticesAreLabelled() {
        let sentences = Self.labelled()
        #expect(Self.role(of: "1 Introduction . .", in: sentences) == .contents)
        #expect(Self.role(of: "Index . .", in: sentences) == .contents)
        #expect(Self.role(of: "start command, 4", in: sentences) == .index)
        #expect(Self.role(of: "widget, 3, 4", in: sentences) == .index)
        #expect(Self.role(of: "Copyright © 2024", in: sentences) == .notice)
        #expect(Self.role(of: "Permission is granted", in: sentences) == .notice)
        #expect(Self.role(of: "Version 2.0", in: sentences) == .notice, "a paragraph that is mostly notice is all notice")
        #expect(Self.role(of: "h h h h", in: sentences) == .glyphSoup)
        #expect(Self.role(of: "Figure 1:", in: sentences) == .caption)
        #expect(Self.role(of: "$ widget start", in: sentences) == .code)
        #expect(Self.role(containing: "Widgets in practice", in: sentences) == .bibliography)
        #expect(Self.role(containing: "Small things that matter", in: sentences) == .bibliography, "labelled by its section, not its own text")
        #expect(sentences.first { $0.text == "3 References" }?.role == .heading)
    }

    @Test func chunksLeaveContentsAndIndexOut() {
        let sentences = Self.labelled()
        let (text, pages, _) = Self.document()
        let chunks = Chunker(targetWords: 12, maxWords: 20, overlapWords: 0)
            .chunk(sentences, in: text, pages: PageIndex(pages: pages.map { ($0.number, $0.start, $0.end) }))
        #expect(!chunks.isEmpty)
        for chunk in chunks {
            let roles = Set(sentences[chunk.sentences].map(\.role))
            #expect(roles.isDisjoint(with: [.contents, .index, .bibliography, .glyphSoup]), "\(chunk.text)")
        }
        #expect(chunks.contains { $0.text.contains("Widgets are small tools") })
    }

    @Test func sectionHeadings() {
        #expect(StructureLabeler.sectionRole("Appendix A GNU Free Documentation License") == .notice)
        #expect(StructureLabeler.sectionRole("2 Literature list") == .bibliography)
        #expect(StructureLabeler.sectionRole("Appendix E Concept index") == .index)
        #expect(StructureLabeler.sectionRole("Table of Contents") == .contents)
        #expect(StructureLabeler.sectionRole("Glossary") == .backMatter)
        #expect(StructureLabeler.sectionRole("1.2 Related software and documentation") == nil)
        #expect(StructureLabeler.sectionRole("license ()") == nil, "a function named license is not a licence")
        #expect(StructureLabeler.sectionRole("‘license’") == nil)
    }

    @Test func textSignals() {
        #expect(TextSignals.isGlyphSoup("\u{5} \u{1A} ª k n n n n h h h hhh".unicodeScalars[...]))
        #expect(TextSignals.isGlyphSoup("hhh hh".unicodeScalars[...]))
        #expect(!TextSignals.isGlyphSoup("The widget runs on every platform.".unicodeScalars[...]))
        #expect(!TextSignals.isGlyphSoup("> z <- c(1:3,NA);".unicodeScalars[...]), "code is not glyph soup")
        #expect(!TextSignals.isGlyphSoup("Preface . . . . . . . . . . 1".unicodeScalars[...]), "a dot leader is not glyph soup")
        #expect(TextSignals.isCode("set xrange [0:10]; plot sin(x) ## sine"))
        #expect(!TextSignals.isCode("Use the key to open the door (see the next section)."))
        #expect(TextSignals.isNotice("Permission is granted to copy, distribute and/or modify this document"))
        #expect(!TextSignals.isNotice("The widget licenses nothing and copies files."))
        #expect(TextSignals.isReference("D. M. Bates (1988), Nonlinear Regression, Journal of Statistics, vol. 2, pp. 1–9."))
        #expect(!TextSignals.isReference("This introduction was written in 1990 at the University of Adelaide."))
        #expect(TextSignals.isCaption("Figure 3: A widget"))
        #expect(!TextSignals.isCaption("Figures show widgets."))
    }

    @Test func aHeadingGluedToItsFirstLineIsLeftOutOfTheProse() {
        #expect(SentenceProse.text("1 Music engraving\nThis essay describes why LilyPond was created.") == "This essay describes why LilyPond was created.")
        #expect(SentenceProse.text("1.2 Simple Examples\nOctave can   do  this.") == "Octave can do this.")
        // A wrapped line of prose stays: lower-case words, or the rest does not start a sentence.
        #expect(SentenceProse.text("the river was measured in\nMay and again in June.") == "the river was measured in May and again in June.")
        #expect(SentenceProse.text("Water Quality Results\nand more text follows here.") == "Water Quality Results and more text follows here.")
        #expect(SentenceProse.text("One line, no heading.") == "One line, no heading.")
    }
}
