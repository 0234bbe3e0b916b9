import DocuThinkerCore
import Testing
import TextProcessing

@Suite("Sentence segmentation")
struct SentenceSegmenterTests {
    private func sentences(_ text: String) -> [String] {
        let result = SentenceSegmenter().segment(text)
        let scalars = ScalarText(text)
        for sentence in result { #expect(scalars.slice(sentence.span) == sentence.text) }
        return result.map(\.text)
    }

    @Test func abbreviationsDoNotSplit() {
        #expect(sentences("Dr. Smith met Mrs. Jones at 5 p.m. on Monday. They talked.")
            == ["Dr. Smith met Mrs. Jones at 5 p.m. on Monday.", "They talked."])
        #expect(sentences("Bring tools, e.g. hammers and saws, i.e. the basics. Then start.")
            == ["Bring tools, e.g. hammers and saws, i.e. the basics.", "Then start."])
        #expect(sentences("See Fig. 3 and No. 12 for details. Done.") == ["See Fig. 3 and No. 12 for details.", "Done."])
    }

    @Test func decimalsAndInitials() {
        #expect(sentences("Pi is about 3.14159 and e is 2.718. Both are irrational.")
            == ["Pi is about 3.14159 and e is 2.718.", "Both are irrational."])
        #expect(sentences("J. R. R. Tolkien wrote books. C.S. Lewis did too.")
            == ["J. R. R. Tolkien wrote books.", "C.S. Lewis did too."])
    }

    @Test func questionsExclamationsQuotesAndEllipses() {
        #expect(sentences("Is it safe? Yes! \"Go now.\" She left… Then silence.")
            == ["Is it safe?", "Yes!", "\"Go now.\"", "She left…", "Then silence."])
    }

    @Test func listLinesAndHeadingsAreSeparate() {
        let text = "Steps to follow\n\n1. Open the box\n2. Remove the cover\n- Check the cable\n\nThat is all."
        #expect(sentences(text) == ["Steps to follow", "1. Open the box", "2. Remove the cover", "- Check the cable", "That is all."])
    }

    @Test func lineWrapsInsideASentenceAreKept() {
        #expect(sentences("The river flows past the old\nmill and then turns east. It ends at sea.")
            == ["The river flows past the old\nmill and then turns east.", "It ends at sea."])
    }

    @Test func lowercaseContinuationIsNotABoundary() {
        #expect(sentences("The value was approx. ten units. Next.") == ["The value was approx. ten units.", "Next."])
    }

    @Test func cjkTerminators() {
        #expect(sentences("今日は晴れです。明日は雨です！本当？") == ["今日は晴れです。", "明日は雨です！", "本当？"])
    }

    @Test func astralCharactersKeepCodePointOffsets() {
        let text = "Rockets 🚀 fly high. Stars ✨ shine."
        let result = SentenceSegmenter().segment(text)
        #expect(result.count == 2)
        #expect(result[1].span.start == Array(text.unicodeScalars).firstIndex(of: "S"))
        #expect(result[1].span.end == text.unicodeScalars.count)
    }

    @Test func overlongSentencesAreSplitAtWhitespace() {
        let text = Array(repeating: "word", count: 600).joined(separator: " ")
        let result = SentenceSegmenter(maxSentenceLength: 500).segment(text)
        #expect(result.count >= 5)
        #expect(result.allSatisfy { $0.span.length <= 500 && !$0.text.hasPrefix(" ") && !$0.text.hasSuffix(" ") })
        #expect(result.map(\.text).joined(separator: " ") == text)
    }

    @Test func pagesAreAssigned() {
        let text = ScalarText("First page ends here.\n\nSecond page starts. It goes on.")
        let pages = PageIndex(pages: [(1, 0, 21), (2, 23, text.count)])
        let regions = SentenceSegmenter.paragraphs(text)
        let result = SentenceSegmenter().segment(text, regions: regions, pages: pages)
        #expect(result.map(\.span.page) == [1, 2, 2])
    }
}
