import DocuThinkerCore
import Extraction
import Foundation
import Testing

@Suite("Extraction of every format from real files")
struct FormatExtractionTests {
    @Test func pdfTextPagesMetadataAndBlocks() throws {
        let result = try Fixtures.extract("sample.pdf")
        #expect(result.format == .pdf)
        #expect(result.metadata.pageCount == 3)
        #expect(result.metadata.title == "River Study Report")
        #expect(result.metadata.author == "Ada Example")
        #expect(result.pages.map(\.number) == [1, 2, 3])
        let text = ScalarText(result.text)
        #expect(text.slice(result.pages[1].start, result.pages[1].end).hasPrefix("2 Methods"))
        #expect(text.slice(result.pages[2].start, result.pages[2].end).contains("Pollution fell sharply"))
        #expect(result.text.contains("café"))
        #expect(result.block(.heading, containing: "Methods")?.0.page == 2)
        #expect(result.blocks.filter { $0.kind == .listItem }.count == 3)
        #expect(result.quality.language == "en")
        #expect(result.quality.emptyPages.isEmpty && !result.quality.likelyScanned)
        Fixtures.checkOffsets(result)
    }

    @Test func scannedPagesAreReported() throws {
        let result = try Fixtures.extract("scanned.pdf")
        #expect(result.metadata.pageCount == 3)
        #expect(result.quality.emptyPages == [1, 2])
        #expect(result.quality.likelyScanned)
        #expect(result.quality.warnings.contains { $0.contains("no text layer") })
        let text = ScalarText(result.text)
        #expect(text.slice(result.pages[2].start, result.pages[2].end) == "Only this page has a text layer.")
        Fixtures.checkOffsets(result)
    }

    @Test func docxParagraphsHeadingsListsTablesAndProperties() throws {
        let result = try Fixtures.extract("sample.docx")
        #expect(result.format == .docx)
        #expect(result.metadata.title == "Quarterly Review Q3")
        #expect(result.metadata.author == "Grace Example")
        #expect(result.block(.heading, containing: "Overview")?.0.level == 1)
        #expect(result.block(.heading, containing: "Priorities")?.0.level == 2)
        #expect(result.block(.listItem, containing: "Hire two engineers.") != nil)
        #expect(result.block(.tableRow, containing: "Europe")?.1 == "Europe\t1.2 million")
        #expect(result.block(.paragraph, containing: "Sales grew")?.1
            == "Sales grew by 4.5 percent in the third quarter. The growth came from new customers in Europe.")
        #expect(result.text.contains("Tabs\tand breaks"))
        #expect(result.text.contains("日本語のテキストも含まれます。"))
        // The explicit page break before "Outlook" starts page 2.
        #expect(result.pages.count == 2)
        #expect(result.block(.heading, containing: "Outlook")?.0.page == 2)
        let order = ["Quarterly Review", "Overview", "Sales grew", "Priorities", "Hire two", "Region", "Outlook", "Next year"]
        let positions = order.map { result.text.range(of: $0)!.lowerBound }
        #expect(positions == positions.sorted())
        Fixtures.checkOffsets(result)
    }

    @Test func htmlVisibleTextOnly() throws {
        let result = try Fixtures.extract("sample.html")
        #expect(result.format == .html)
        #expect(result.metadata.title == "Garden & Orchard Notes")
        for hidden in ["SCRIPT TEXT", "color: red", "HIDDEN DIV", "INVISIBLE SPAN", "a comment", "NOSCRIPT", "Garden & Orchard"] {
            #expect(!result.text.contains(hidden), "\(hidden) leaked into the text")
        }
        #expect(result.block(.heading, containing: "Planting apples")?.0.level == 1)
        #expect(result.text.contains("Plant them in early spring — not in summer."))
        #expect(result.text.contains("4.5 m between trees — more on slopes."))
        #expect(result.text.contains("Café owners love <fresh> fruit."))
        #expect(result.block(.listItem, containing: "rootstock")?.1 == "Choose a rootstock.")
        #expect(result.block(.tableRow, containing: "Gala")?.1 == "Gala\tSeptember")
        Fixtures.checkOffsets(result)
    }

    @Test func markdownHeadingsExcludeMarks() throws {
        let result = try Fixtures.extract("sample.md")
        #expect(result.format == .markdown)
        #expect(result.metadata.title == "Field Guide")
        #expect(result.block(.heading, containing: "Common species")?.1 == "Common species")
        #expect(result.block(.heading, containing: "Common species")?.0.level == 2)
        #expect(result.block(.heading, containing: "not a heading") == nil)
        #expect(result.blocks.filter { $0.kind == .listItem }.count == 4)
        // Parsed as Markdown: link text kept, its target and the markup are not words of the text.
        #expect(result.text.contains("See the atlas for maps."))
        for markup in ["https://example.org", "](", "```", "# Field", "## Common"] {
            #expect(!result.text.contains(markup), "\(markup) leaked into the text")
        }
        #expect(result.text.contains("# not a heading inside a fence"), "code keeps its characters")
        Fixtures.checkOffsets(result)
    }

    @Test func markdownEmphasisCodeAndReferencesAreNotWords() throws {
        let source = """
            # Release *notes* for `path`

            <!--introduced_in=v0.10.0-->

            > Stability: 2 - Stable

            Use **`path.join()`** to build paths; see [the docs][docs] or <https://nodejs.org/api>.
            ![diagram](img/paths.png)

            | Method | Returns |
            |--------|---------|
            | `join` | a path  |

            [docs]: https://nodejs.org/api/path.html "Path docs"
            """
        let result = try DocumentExtractor().extract(Data(source.utf8))
        #expect(result.format == .markdown)
        #expect(result.metadata.title == "Release notes for path")
        #expect(result.text.contains("Use path.join() to build paths; see the docs or https://nodejs.org/api."))
        #expect(!result.text.contains("path.html") && !result.text.contains("**") && !result.text.contains("[docs]"))
        // An unspaced comment is hidden and does not swallow the rest of the file as raw HTML (Ink reads
        // an unclosed element to the end); the quote after it is text.
        #expect(!result.text.contains("introduced_in") && result.text.contains("Stability: 2 - Stable"))
        #expect(result.block(.tableRow, containing: "join")?.1 == "join\ta path")
        Fixtures.checkOffsets(result)
    }

    @Test(arguments: [
        ("sample.txt", "Non-ASCII: naïve café, Ελληνικά, 中文字符, emoji 🚀 end."),
        ("utf16.txt", "UTF-16 text with a BOM: déjà vu."),
        ("cp1252.txt", "Windows text: “smart quotes” and café — done. Price: 5€."),
    ])
    func textEncodings(file: String, expected: String) throws {
        let result = try Fixtures.extract(file)
        #expect(result.format == .text)
        #expect(result.text.contains(expected))
        Fixtures.checkOffsets(result)
    }

    @Test func invalidUTF8NeverCrashesAndIsReported() throws {
        let result = try Fixtures.extract("invalid-utf8.txt")
        #expect(result.text.hasPrefix("Valid start."))
        #expect(result.quality.warnings.contains { $0.contains("Windows-1252") })
        Fixtures.checkOffsets(result)
        // Invalid bytes after a UTF-8 BOM are replaced, not fatal.
        let withBOM = Data([0xEF, 0xBB, 0xBF]) + Data("ok ".utf8) + Data([0xC3, 0x28]) + Data(" end.".utf8)
        let repaired = try DocumentExtractor().extract(withBOM)
        #expect(repaired.text.contains("\u{FFFD}"))
        #expect(repaired.quality.warnings.contains { $0.contains("U+FFFD") })
    }

    @Test func offsetsCountCodePointsNotUTF16() throws {
        let result = try Fixtures.extract("sample.txt")
        let scalars = Array(result.text.unicodeScalars)
        let rocket = scalars.firstIndex(of: "🚀")!
        let sentence = result.blocks.last!
        #expect(sentence.end == scalars.count - 1)  // the file ends with a newline
        #expect(rocket < sentence.end)
        #expect(result.text.utf16.count == scalars.count + 1)  // the rocket is one scalar, two UTF-16 units
    }

    @Test func languageGuesses() {
        #expect(LanguageGuesser.guess("Der Hund ist nicht in dem Haus, und die Katze ist auch nicht da.").language == "de")
        #expect(LanguageGuesser.guess("Le chat est dans la maison et il ne veut pas sortir pour la pluie.").language == "fr")
        #expect(LanguageGuesser.guess("これは日本語の文章です。とても良い天気ですね。ひらがなとカタカナ。").language == "ja")
        #expect(LanguageGuesser.guess("ok").language == "und")
    }
}
