import DocuThinkerCore
import Testing

/// Offsets are code points everywhere (ARCHITECTURE.md, Contract details): slicing by them must
/// keep emoji, combining marks and CJK whole, and clamp instead of trapping.
@Suite("Code-point text and word counts")
struct ScalarTextAndWordsTests {
    @Test func slicesCountCodePointsNotCharactersOrBytes() {
        // "é" as e + U+0301 is one Character but two code points; 🧪 is one code point, four UTF-8 bytes.
        let text = ScalarText("Cafe\u{301} 🧪 水質")
        #expect(text.count == 10)
        #expect(text.slice(0, 5) == "Cafe\u{301}")
        #expect(text.slice(6, 7) == "🧪")
        #expect(text.slice(8, 10) == "水質")
        #expect(text.slice(SourceSpan(page: 1, start: 6, end: 7)) == "🧪")
    }

    @Test func outOfRangeSpansAreClampedNeverATrap() {
        let text = ScalarText("abc")
        #expect(text.slice(-5, 2) == "ab")
        #expect(text.slice(2, 99) == "c")
        #expect(text.slice(3, 1) == "")
        #expect(ScalarText("").slice(0, 10) == "")
    }

    @Test func wordsAreWhitespaceRunsAndEachCJKCharacterIsOne() {
        #expect(WordCounter.count("  two\twords\n") == 2)
        #expect(WordCounter.count("水質調査") == 4)
        #expect(WordCounter.count("pH 7 の水") == 4, "pH, 7, の, 水")
        #expect(WordCounter.count("") == 0)
    }

    @Test func domainErrorsDescribeThemselvesByCode() {
        let error = DomainError(.conflict, code: "document_processing", message: "Still processing.")
        #expect("\(error)" == "document_processing: Still processing.")
        #expect(error != DomainError(.unavailable, code: "document_processing", message: "Still processing."))
    }
}
