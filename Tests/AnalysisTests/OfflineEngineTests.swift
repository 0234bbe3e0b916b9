import Analysis
import Embeddings
import DocuThinkerCore
import Foundation
import Testing

@Suite("Offline analysis engine on real prose")
struct OfflineEngineTests {
    let engine = OfflineAnalysisEngine()
    let document = Texts.document()

    @Test func summaryPicksCitedSalientSentencesInOrder() async throws {
        let result = try await engine.summary(of: document, sentences: 3)
        #expect(result.kind == .summary && result.engine == "offline")
        #expect(result.items.count == 3)
        #expect(Texts.checkCitations(result, in: document))
        let starts = result.items.map { $0.citations[0].start }
        #expect(starts == starts.sorted(), "summary sentences keep document order")
        #expect(result.summary == result.items.map(\.text).joined(separator: " "))
        #expect(!result.items.contains { ["Costs", "Next steps", "Riverton Water Report"].contains($0.text) })
        #expect(result.summary?.contains("filter") == true)
        let longer = try await engine.summary(of: document, sentences: 6)
        #expect(longer.items.count == 6)
        let again = try await engine.summary(of: document, sentences: 3)
        #expect(again == result, "deterministic")
    }

    @Test func bulletSummaryUsesBullets() async throws {
        let result = try await engine.bulletSummary(of: document, sentences: 4)
        #expect(result.summary?.split(separator: "\n").count == 4)
        #expect(result.summary?.split(separator: "\n").allSatisfy { $0.hasPrefix("- ") } == true)
        #expect(Texts.checkCitations(result, in: document))
    }

    @Test func keyIdeasArePhrasesWithSupportingSentences() async throws {
        let result = try await engine.keyIdeas(of: document, count: 5)
        #expect(result.items.count == 5)
        #expect(Texts.checkCitations(result, in: document))
        let phrases = result.items.compactMap(\.phrase)
        #expect(phrases.contains { $0.contains("council") || $0.contains("filter") || $0.contains("lead") || $0.contains("north district") })
        for item in result.items {
            let stems = Set(Tokenizer.tokens(item.phrase ?? "").map(\.stem))
            for citation in item.citations {
                let quoteStems = Set(Tokenizer.tokens(citation.quote).map(\.stem))
                #expect(stems.isSubset(of: quoteStems), "\(item.phrase ?? "") must appear in \(citation.quote)")
            }
        }
    }

    @Test func keyIdeasLeaveTheTitleOut() async throws {
        let plain = try await engine.keyIdeas(of: document, count: 8)
        let top = try #require(plain.items.first?.phrase)
        var titled = document
        titled.title = top.capitalized
        let result = try await engine.keyIdeas(of: titled, count: 8)
        #expect(!result.items.contains { $0.phrase == top }, "\(top) names the document; it is not one of its ideas")
        #expect(result.items.count == plain.items.count)
    }

    @Test func analyticsCountLikeTheHeaderAndDescribeTheBody() async throws {
        let text = "Widget Manual\n\nCopyright © 2024 Widget Project. All rights reserved. Permission is granted to copy this manual.\n\n"
            + "Widgets are small tools that make daily work faster for everyone. The widget runs on every platform we know of today."
        let analytics = try #require(try await engine.analytics(of: Texts.document(text)).analytics)
        #expect(analytics.words == WordCounter.count(text), "the same word count as the document header")
        #expect(analytics.sentences == 6)
        #expect(analytics.bodySentences == 2 && analytics.bodyWords == 21, "the notice and the heading are not body")
        #expect(analytics.averageSentenceLength == 10.5)
    }

    @Test func discussionPointsAreQuestionsFromContrastingClaims() async throws {
        let result = try await engine.discussionPoints(of: document, count: 4)
        #expect(!result.items.isEmpty)
        #expect(result.items.allSatisfy { $0.text.hasSuffix("?") })
        #expect(Texts.checkCitations(result, in: document))
        let sources = result.items.map { $0.citations[0].quote }
        #expect(sources.contains { $0.hasPrefix("However, some residents argue") })
        for item in result.items {
            // The question quotes its source claim (the end of the sentence, word for word).
            let tail = (item.detail ?? "").dropLast().split(separator: " ").suffix(6).joined(separator: " ")
            #expect(!tail.isEmpty && item.text.contains(tail))
        }
    }

    @Test func recommendationsAreDirectives() async throws {
        let result = try await engine.recommendations(of: document, count: 6)
        #expect(Texts.checkCitations(result, in: document))
        let texts = result.items.map(\.text)
        #expect(texts.contains("Replace the remaining lead pipes in the north district before winter."))
        #expect(texts.contains("We recommend that the council hires an independent laboratory to confirm the results."))
        #expect(texts.contains("The council should publish the test results for every district."))
        #expect(!texts.contains { $0.hasPrefix("The town of Riverton replaced") })
        let none = try await engine.recommendations(of: Texts.document("The sky was grey. The train left at noon. Nobody spoke on the platform that day."), count: 3)
        #expect(none.items.isEmpty && !none.notes.isEmpty)
    }

    @Test func refineShorterLongerAndFocus() async throws {
        let base = try await engine.summary(of: document, sentences: 4)
        let shorter = try await engine.refineSummary(base.summary!, instruction: "make it shorter", document: document)
        #expect(shorter.items.count == 2)
        let longer = try await engine.refineSummary(base.summary!, instruction: "longer please", document: document)
        #expect(longer.items.count == 8)
        let focused = try await engine.refineSummary(base.summary!, instruction: "focus on costs and budget", document: document)
        #expect(focused.items.contains { $0.text.contains("2.4 million") || $0.text.contains("budget") })
        #expect(Texts.checkCitations(focused, in: document))
        let unknown = try await engine.refineSummary(base.summary!, instruction: "rhyme it", document: document)
        #expect(unknown.notes.contains { $0.contains("LLM") })
    }

    @Test func sentimentScoresLabelsAndSections() async throws {
        let positive = try await engine.sentiment(of: Texts.document("The festival was wonderful and the music was brilliant. Everyone loved the friendly, joyful crowd."))
        #expect(positive.sentiment!.score > 0.3 && positive.sentiment!.label == "positive")
        let negative = try await engine.sentiment(of: Texts.document("The service was terrible and the food was awful. I hated the rude staff and the dirty tables."))
        #expect(negative.sentiment!.score < -0.3 && negative.sentiment!.label == "negative")
        let negated = try await engine.sentiment(of: Texts.document("The film was not good at all."))
        #expect(negated.sentiment!.score < 0)
        let contrast = try await engine.sentiment(of: Texts.document("The start was slow and dull, but the ending was absolutely fantastic."))
        #expect(contrast.sentiment!.score > 0)
        let report = try await engine.sentiment(of: document)
        #expect((-1...1).contains(report.sentiment!.score))
        #expect(report.items.map { $0.text.components(separatedBy: ":")[0] } == ["Riverton Water Report", "Costs", "Next steps"])
        #expect(Texts.checkCitations(report, in: document))
        #expect(report.sentiment!.description.contains("score"))
    }

    @Test func analyticsCountsAndReadability() async throws {
        let result = try await engine.analytics(of: Texts.document("The cat sat on the mat. The dog ran to the park and played."))
        let analytics = try #require(result.analytics)
        #expect(analytics.words == 14)
        #expect(analytics.sentences == 2)
        #expect(analytics.averageSentenceLength == 7)
        #expect(abs(analytics.readingTimeMinutes - 0.1) < 0.001)
        #expect(analytics.fleschReadingEase > 90)
        #expect(analytics.fleschKincaidGrade < 3)
        #expect(analytics.topKeywords.map(\.keyword).contains("cat"))
        #expect(abs(analytics.lexicalDiversity - 11.0 / 14.0) < 0.001)
        let hard = try await engine.analytics(of: document)
        #expect(hard.analytics!.fleschReadingEase < analytics.fleschReadingEase)
        #expect(hard.analytics!.paragraphs == 4)
    }

    @Test func translationAndRewriteNeedAnLLM() async {
        await #expect(throws: AnalysisError.self) { try await engine.summaryInLanguage(of: document, language: "French") }
        do {
            _ = try await engine.rewrite(document, style: "formal")
            Issue.record("rewrite must not produce output offline")
        } catch let error as AnalysisError {
            #expect(error.code == .llmUnavailable)
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func emptyDocumentIsATypedError() async {
        await #expect(throws: AnalysisError(.noText, "The document has no text to analyse.")) {
            try await engine.summary(of: Texts.document("   "), sentences: 3)
        }
    }

    @Test func syllablesAndRouge() {
        #expect(TextAnalyticsSupport.syllables("water") == 2)
        #expect(TextAnalyticsSupport.syllables("the") == 1)
        #expect(TextAnalyticsSupport.syllables("recommendation") == 5)
        let exact = Rouge.l(candidate: "the cat sat on the mat", reference: "the cat sat on the mat")
        #expect(exact.f1 == 1)
        let partial = Rouge.n(2, candidate: "the cat sat", reference: "the cat ran")
        #expect(abs(partial.f1 - 0.5) < 1e-9)
        #expect(Rouge.l(candidate: "a b c d", reference: "a c d").recall == 1)
    }
}

@Suite("Sentiment with the embedding signal")
struct EmbeddingSentimentTests {
    static let model = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("models/all-MiniLM-L6-v2")

    @Test func embeddingCatchesWhatTheLexiconMisses() async throws {
        let blended = OfflineAnalysisEngine(embedder: try MiniLMEmbedder(directory: Self.model))
        let lexicon = OfflineAnalysisEngine()
        #expect(blended.version != lexicon.version, "cached results of the two are kept apart")
        // No lexicon word carries this one; the embedding reads it as negative.
        let text = Texts.document("It never gets off the ground.")
        #expect(try await lexicon.sentiment(of: text).sentiment!.score == 0)
        #expect(try await blended.sentiment(of: text).sentiment!.score < -0.05)
        let happy = try await blended.sentiment(of: Texts.document("What a wonderful, joyful and moving film. I loved every minute."))
        #expect(happy.sentiment!.label == "positive")
        #expect(happy.sentiment!.description.hasPrefix("Strongly positive") || happy.sentiment!.description.hasPrefix("Positive"))
        let report = try await blended.sentiment(of: Texts.document())
        #expect(Texts.checkCitations(report, in: Texts.document()))
    }
}
