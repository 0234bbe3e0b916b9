@testable import Analysis
import Embeddings
import Foundation
import Testing

/// "Focus on X" prefers sentences about X by meaning, not only those that say X (#16).
@Suite("Focus by meaning")
struct FocusByMeaningTests {
    let text = """
        The village library reopened in March after a long renovation. Volunteers painted the reading room and repaired the old shelves. \
        The renovation cost the council forty thousand pounds, twice the original budget. Children's story hour now runs every Saturday morning. \
        Membership fees rose to twelve pounds a year to cover the heating bills. A local author donated two hundred signed books to the collection. \
        The new opening hours suit commuters who visit in the evening. The library garden hosts a poetry reading each summer. \
        Printing now costs ten pence a page at the front desk. Several retired teachers run a homework club on weekday afternoons.
        """
    let spending = ["forty thousand pounds", "Membership fees", "ten pence"]

    @Test func focusOnAWordTheTextNeverUsesFindsTheSentencesAboutIt() async throws {
        let document = Texts.document(text)
        let embedded = OfflineAnalysisEngine(embedder: try MiniLMEmbedder(directory: EmbeddingSentimentTests.model))
        let base = try await embedded.summary(of: document, sentences: 3)
        let focused = try await embedded.refineSummary(base.summary!, instruction: "focus on money", document: document)
        let about = focused.items.filter { item in spending.contains { item.text.contains($0) } }
        #expect(about.count >= 2, "\(focused.items.map(\.text))")
        #expect(Texts.checkCitations(focused, in: document))
        // By words alone "money" names nothing here.
        let lexical = try await OfflineAnalysisEngine().refineSummary(base.summary!, instruction: "focus on money", document: document)
        #expect(lexical.items.filter { item in spending.contains { item.text.contains($0) } }.count < about.count, "\(lexical.items.map(\.text))")
    }
}
