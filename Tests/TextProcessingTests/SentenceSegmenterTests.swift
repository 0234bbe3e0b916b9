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

    /// A contents page: dot leaders end no sentence, and nothing made only of dots is one (#16:
    /// R-intro.pdf made 16,746 sentences, 87 % of them one word, before).
    @Test func dotLeadersOfAContentsPageAreNotSentences() {
        let text = "Contents\n1 Introduction . . . . . . . . . . . 2\n1.1 The R environment . . . . . . 4\n. . . . . .\n\nThe manual starts here. It is short."
        let result = SentenceSegmenter().segment(text)
        #expect(result.allSatisfy { $0.text.unicodeScalars.contains { $0.properties.isAlphabetic || ("0"..."9").contains($0) } })
        #expect(result.map(\.text).suffix(2) == ["The manual starts here.", "It is short."])
        #expect(result.count == 3, "\(result.map(\.text))")
        let scalars = Array(text.unicodeScalars)
        for sentence in result {
            #expect(String(String.UnicodeScalarView(scalars[sentence.span.start..<sentence.span.end])) == sentence.text)
        }
    }

    /// Control characters (glyph soup from symbol fonts) split sentences and are never inside one.
    @Test func controlCharactersAreBoundariesNeverText() {
        let text = "Alpha beta gamma.\u{05}\u{1A}\u{1A} Delta\u{02}epsilon. Tab\tstays inside."
        let result = SentenceSegmenter().segment(text)
        #expect(result.map(\.text) == ["Alpha beta gamma.", "Delta", "epsilon.", "Tab\tstays inside."])
        #expect(result.allSatisfy { !$0.text.unicodeScalars.contains { $0.value < 0x20 && $0 != "\t" } })
    }
}
