import Analysis
import DocuThinkerCore
import Embeddings
import Evaluation
import Extraction
import Foundation
import Ingestion
import Testing
import TextProcessing

/// Analyses of real manuals nobody here wrote (#16): the development set of
/// `scripts/fetch-dev-manuals` (gnuplot, LilyPond, Octave, R, libtasn1, Python HTML, Node.js
/// Markdown, a DOCX). No summary, key idea, recommendation or discussion point may cite a
/// contents line, licence or copyright notice, bibliography or index entry, running head or glyph
/// soup — counted by the stored labels and, independently, by text patterns.
@Suite("Analyses of real manuals")
struct RealManualAnalysisTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    /// Octave's 1158-page manual and LilyPond's 221-page Learning Manual are left to
    /// `docuthinker evaluate --manuals bench/manuals` (release build): in a debug test run they
    /// would take minutes of both cores from the suites running beside this one.
    static let benchOnly: Set<String> = ["octave.pdf", "lilypond-learning.pdf"]
    static var files: [String] {
        let directory = root.appendingPathComponent("test-data/manuals")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { !$0.hasPrefix(".") && !benchOnly.contains($0) }.sorted().map { directory.appendingPathComponent($0).path }
    }
    static var required: Bool { ProcessInfo.processInfo.environment["DOCUTHINKER_REQUIRE_TEST_DATA"] == "1" }

    @Test func theDevelopmentSetIsPresentWhenRequired() {
        if Self.required { #expect(Self.files.count >= 8, "run scripts/fetch-dev-manuals") }
    }

    @Test(arguments: files)
    func analysesCiteOnlyTheBody(path: String) async throws {
        let name = URL(fileURLWithPath: path).lastPathComponent
        // Heavy work on one low-priority thread, never on the cooperative pool other suites share.
        let executor = IngestionExecutor(threads: 1)
        defer { Task { await executor.shutdown() } }
        let processed = try await executor.run { try DocumentIngestor(extractor: DocumentExtractor()).processSynchronously(fileAt: path) }
        let extraction = processed.extraction
        var document = try await executor.run {
            AnalysisDocument(id: name, text: extraction.text, pages: extraction.pages, blocks: extraction.blocks,
                             sentenceSpans: processed.sentences.map(\.span), sentenceRoles: processed.sentences.map(\.role))
        }
        document.title = extraction.metadata.title
        #expect(document.roles == processed.sentences.map(\.role), "stored roles are used as stored")

        var engine = OfflineAnalysisEngine()
        engine.runner = { work in try await executor.run(work) }
        var cited: [(kind: String, start: Int, text: String)] = []
        var summary = ""
        for result in [try await engine.summary(of: document, sentences: 6), try await engine.bulletSummary(of: document, sentences: 8),
                       try await engine.keyIdeas(of: document, count: 8), try await engine.discussionPoints(of: document, count: 6),
                       try await engine.recommendations(of: document, count: 6)] {
            if result.kind == .summary { summary = result.summary ?? "" }
            for item in result.items {
                for citation in item.citations { cited.append((result.kind.rawValue, citation.start, citation.quote)) }
            }
        }
        #expect(!cited.isEmpty)
        let roleAt = Dictionary(processed.sentences.map { ($0.span.start, $0.role) }, uniquingKeysWith: { a, _ in a })
        let byLabel = cited.filter { roleAt[$0.start] != .body }
        let heads = BoilerplatePatterns.repeatedTopLines(extraction)
        let byPattern = cited.filter { BoilerplatePatterns.matches($0.text, runningHeads: heads) }
        let body = processed.sentences.filter { $0.role == .body }
        let words = body.map { WordCounter.count($0.text) }
        let average = Double(words.reduce(0, +)) / Double(max(1, words.count))
        let oneWord = Double(words.filter { $0 <= 1 }.count) / Double(max(1, words.count))
        print("\(name): \(processed.sentences.count) sentences, \(body.count) body, \(String(format: "%.1f", average)) words per body sentence, "
              + "\(String(format: "%.2f", oneWord * 100)) % one-word; \(cited.count) citations, \(byLabel.count) non-body, \(byPattern.count) boilerplate by pattern")
        #expect(byLabel.isEmpty, "\(byLabel.prefix(3).map { "\($0.kind): \($0.text.prefix(80))" })")
        #expect(byPattern.isEmpty, "\(byPattern.prefix(3).map { "\($0.kind): \($0.text.prefix(80))" })")
        #expect((10...35).contains(average), "average body sentence length \(average)")
        #expect(oneWord < 0.01, "one-word body sentences: \(oneWord)")
        if name == "lilypond-essay.pdf" {
            #expect(summary.contains("This essay describes why LilyPond was created"), "the essay's summary says what it is about: \(summary.prefix(200))")
            #expect(!summary.contains("Music engraving This essay"), "the heading glued to the first line is left out: \(summary.prefix(200))")
            // "Focus on spacing" prefers the essay's sentences about spacing (its "Optical spacing" section and others).
            let focused = try await engine.refineSummary(summary, instruction: "focus on spacing", document: document)
            let quotes = focused.items.flatMap(\.citations).map { $0.quote.lowercased() }
            #expect(focused.summary != summary)
            #expect(quotes.filter { $0.contains("spac") }.count * 2 >= quotes.count, "\(quotes.map { $0.prefix(60) })")
            // With the embedding model, by meaning as well: still about spacing, cited exactly.
            let modelDirectory = Self.root.appendingPathComponent("models/all-MiniLM-L6-v2")
            if FileManager.default.fileExists(atPath: modelDirectory.appendingPathComponent("model.safetensors").path) {
                var embedded = OfflineAnalysisEngine(embedder: try MiniLMEmbedder(directory: modelDirectory))
                embedded.runner = { work in try await executor.run(work) }
                let byMeaning = try await embedded.refineSummary(summary, instruction: "focus on spacing", document: document)
                let meant = byMeaning.items.flatMap(\.citations)
                #expect(meant.filter { $0.quote.lowercased().contains("spac") }.count * 2 >= meant.count, "\(meant.map { $0.quote.prefix(60) })")
                #expect(meant.allSatisfy { document.text.slice($0.start, $0.end) == $0.quote })
            }
        }
        if name == "gnuplot.pdf" {
            #expect(summary.contains("Gnuplot is a portable command-line driven graphing utility"), "\(summary.prefix(200))")
        }
    }
}
