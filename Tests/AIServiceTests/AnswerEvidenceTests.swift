@testable import AIService
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
        #expect(evidence.unknown(closeness: 0.6).isEmpty, "the library does use the word, elsewhere")
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
        #expect(never.unknown(closeness: 0.6) == ["reportlab"] && never.uncovered(closeness: 0.6, rarerThan: 10) == ["reportlab"])
        // Spelled differently in the manual ("computerengraved"), close in meaning: not unknown.
        let respelled = AnswerEvidence(terms: [Term(word: "computer-engraved", libraryPassages: 0, inPassages: false, inBestSentences: false,
                                                    nearestInPassages: 0.87)], bestSimilarity: 0.55, bestOverlap: 0.5)
        #expect(respelled.unknown(closeness: 0.6).isEmpty && AnswerPolicy().answers(respelled, embedded: true))
        #expect(AnswerPolicy().needsCloseness(AnswerEvidence(terms: [Term(word: "computer-engraved", libraryPassages: 0, inPassages: false,
                                                                          inBestSentences: false, nearestInPassages: 0)], bestSimilarity: 0.55, bestOverlap: 0.5)))
    }

    @Test func aQuestionIsSearchedInBothSpellings() {
        #expect(ChatService.withOtherSpellings("Which licence is the essay released under?") == "Which licence is the essay released under? license")
        #expect(ChatService.withOtherSpellings("How do I change the color?") == "How do I change the color? colour")
        #expect(ChatService.withOtherSpellings("How do I plot data?") == "How do I plot data?")
    }

    @Test func questionWordsAreLookedUpWithoutTheirPossessive() {
        let words = ChatService.contentTerms("How do I check Deno's version, and what's the licence of npm's registry?").map(\.lower)
        #expect(words.contains("deno") && words.contains("npm") && words.contains("registry") && words.contains("licence"), "\(words)")
        #expect(!words.contains { $0.hasSuffix("'s") } && !words.contains("how"), "\(words)")
    }

    @Test func thePolicyDeclinesRareOrManyMissingWordsUnlessASentenceIsVeryClose() {
        let policy = AnswerPolicy()
        func evidence(_ terms: [Term], similarity: Float, passages: Int) -> AnswerEvidence {
            var evidence = AnswerEvidence(terms: terms, bestSimilarity: similarity, bestOverlap: 0.5)
            evidence.searchedPassages = passages
            return evidence
        }
        let covered = Term(word: "window", libraryPassages: nil, inPassages: true, inBestSentences: true, nearestInPassages: 1)
        let dark = Term(word: "dark", libraryPassages: 2, inPassages: false, inBestSentences: false, nearestInPassages: 0.41)
        // In a large library a rare missing word declines; a very close sentence still answers.
        #expect(!policy.answers(evidence([covered, dark], similarity: 0.67, passages: 10_000), embedded: true))
        #expect(policy.needsCloseness(evidence([covered, dark], similarity: 0.67, passages: 10_000)))
        #expect(policy.answers(evidence([covered, dark], similarity: 0.85, passages: 10_000), embedded: true))
        #expect(!policy.needsCloseness(evidence([covered, dark], similarity: 0.85, passages: 10_000)), "similarity settles it")
        // In a library of 40 passages no word is rare: the same question answers.
        #expect(policy.answers(evidence([covered, dark], similarity: 0.67, passages: 40), embedded: true))
        // Three common words the passages never use: they are about something else.
        let common = ["support", "importing", "pro"].map { Term(word: $0, libraryPassages: 20, inPassages: false, inBestSentences: false, nearestInPassages: 0.45) }
        #expect(!policy.answers(evidence([covered] + common, similarity: 0.57, passages: 40), embedded: true))
        #expect(policy.answers(evidence([covered] + common.prefix(2), similarity: 0.57, passages: 40), embedded: true))
        #expect(!policy.answers(evidence([covered] + common, similarity: 0.85, passages: 40), embedded: true), "a close sentence does not make up for them")
        #expect(policy.needsCloseness(evidence([covered] + common, similarity: 0.85, passages: 40)))
        #expect(!policy.answers(evidence([covered], similarity: 0.3, passages: 40), embedded: true), "below the minimum similarity")
        #expect(!policy.needsCloseness(evidence([covered, dark], similarity: 0.3, passages: 10_000)))
    }
}
