import DocuThinkerCore
import Extraction
import Foundation
import Ingestion
import Testing
import TextProcessing

/// Sentences of real manuals (Debian's R and libtasn1 PDFs, fetched by `scripts/fetch-test-data`):
/// contents pages with dot leaders must not turn into thousands of one-character "sentences",
/// and no control character may reach a sentence (#16).
@Suite("Sentences of real manuals")
struct RealDocumentSentenceTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("test-data/pdf")
    static var pdfs: [String] {
        ["R-intro.pdf", "R-FAQ.pdf", "R-data.pdf", "libtasn1.pdf"].map { directory.appendingPathComponent($0).path }
            .filter { FileManager.default.fileExists(atPath: $0) }
    }
    static var required: Bool { ProcessInfo.processInfo.environment["DOCUTHINKER_REQUIRE_TEST_DATA"] == "1" }

    @Test func theManualsArePresentWhenRequired() {
        if Self.required { #expect(Self.pdfs.count == 4, "run scripts/fetch-test-data") }
    }

    @Test(arguments: pdfs)
    func contentsPagesAndControlCharactersMakeNoSentences(path: String) async throws {
        // On a low-priority thread of its own, never on the cooperative pool other suites share.
        let executor = IngestionExecutor(threads: 1)
        defer { Task { await executor.shutdown() } }
        let processed = try await executor.run { try DocumentIngestor(extractor: DocumentExtractor()).processSynchronously(fileAt: path) }
        // Page numbers, running heads and contents or index lines are cut out as sentences of their
        // own (labelled, so nothing reads them as prose); the share is of the rest, and of the body.
        let sentences = processed.sentences.filter { ![.pageNumber, .runningHead, .contents, .index].contains($0.role) }
        let body = processed.sentences.filter { $0.role == .body }
        let bodyOneWord = body.filter { $0.text.split(whereSeparator: \.isWhitespace).count <= 1 }.count
        #expect(bodyOneWord * 100 < body.count, "one-word body sentences: \(bodyOneWord) of \(body.count)")
        let words = sentences.map { $0.text.split(whereSeparator: \.isWhitespace).count }
        let oneWord = words.filter { $0 <= 1 }.count
        let punctuationOnly = sentences.filter { !$0.text.unicodeScalars.contains { $0.properties.isAlphabetic || $0.properties.numericType != nil } }
        let controls = sentences.filter { $0.text.unicodeScalars.contains { ($0.value < 0x20 && $0 != "\n" && $0 != "\t" && $0 != "\r") || $0.value == 0x7F } }
        let share = Double(oneWord) / Double(max(1, sentences.count))
        print("\(URL(fileURLWithPath: path).lastPathComponent): \(sentences.count) sentences, \(oneWord) of one word (\(String(format: "%.1f", share * 100)) %), \(punctuationOnly.count) punctuation only, mean \(String(format: "%.1f", Double(words.reduce(0, +)) / Double(max(1, sentences.count)))) words")
        #expect(punctuationOnly.isEmpty, "\(punctuationOnly.prefix(3).map(\.text))")
        #expect(controls.isEmpty, "\(controls.prefix(3).map(\.text))")
        #expect(share < 0.05, "one-word sentences: \(oneWord) of \(sentences.count)")
    }
}
