import AIService
import Testing

/// Follow-ups are read against the previous turn (#16).
@Suite("Follow-up questions")
struct FollowUpQuestionTests {
    @Test func aFollowUpCarriesThePreviousQuestionsWords() {
        let previous = "How do I make gnuplot read commas as the column separator?"
        let resolved = FollowUpQuestion.resolve("And how do I switch it back to whitespace?", previous: previous)
        #expect(resolved.hasPrefix("And how do I switch it back to whitespace?"), "the question is kept as asked")
        for word in ["gnuplot", "commas", "column", "separator"] { #expect(resolved.contains(word), "\(resolved)") }
        #expect(FollowUpQuestion.resolve("What about the y axis?", previous: "How do I set the range of the x axis?").contains("range"))
    }

    @Test func aStandaloneQuestionIsSearchedAsAsked() {
        let previous = "How do I make gnuplot read commas as the column separator?"
        for question in ["How do I put the legend outside the plot?", "Which licence is the LilyPond essay released under?",
                         "What is the default terminal type for gnuplot on Linux when no display is available?"] {
            #expect(FollowUpQuestion.resolve(question, previous: previous) == question)
        }
        #expect(FollowUpQuestion.resolve("And how do I switch it back?", previous: nil) == "And how do I switch it back?", "the first turn has nothing to lean on")
    }
}
