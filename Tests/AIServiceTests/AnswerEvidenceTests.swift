import AIService
import Testing

/// When chat answers: a rare word of the question that the retrieved passages never use (#16).
@Suite("Answer evidence")
struct AnswerEvidenceTests {
    typealias Term = AnswerEvidence.Term

    @Test func aRareWordMissingFromThePassagesIsUncovered() {
        // "Does the gnuplot Qt window switch to dark mode?": passages about the Qt window, none about dark mode.
        let evidence = AnswerEvidence(terms: [
            Term(word: "gnuplot", libraryPassages: 20, inPassages: true, inBestSentences: true, nearestInPassages: 1),
            Term(word: "window", libraryPassages: 20, inPassages: true, inBestSentences: true, nearestInPassages: 1),
            Term(word: "dark", libraryPassages: 2, inPassages: false, inBestSentences: false, nearestInPassages: 0.41),
        ], bestSimilarity: 0.62, bestOverlap: 0.5)
        #expect(evidence.uncovered(closeness: 0.6, rarerThan: 10) == ["dark"])
        #expect(evidence.unknownTerms.isEmpty, "the library does use the word, elsewhere")
    }

    @Test func aSynonymOrACommonWordStaysCovered() {
        let evidence = AnswerEvidence(terms: [
            // "legend" where the passage says "key": close in meaning.
            Term(word: "legend", libraryPassages: 4, inPassages: false, inBestSentences: false, nearestInPassages: 0.72),
            // A word many passages use says little about what is asked.
            Term(word: "move", libraryPassages: 20, inPassages: false, inBestSentences: false, nearestInPassages: 0.3),
            Term(word: "graph", libraryPassages: 20, inPassages: true, inBestSentences: true, nearestInPassages: 1),
        ], bestSimilarity: 0.55, bestOverlap: 0.3)
        #expect(evidence.uncovered(closeness: 0.6, rarerThan: 10).isEmpty)
        let never = AnswerEvidence(terms: [Term(word: "reportlab", libraryPassages: 0, inPassages: false, inBestSentences: false, nearestInPassages: 0.2)],
                                   bestSimilarity: 0.5, bestOverlap: 0)
        #expect(never.unknownTerms == ["reportlab"] && never.uncovered(closeness: 0.6, rarerThan: 10) == ["reportlab"])
    }
}
