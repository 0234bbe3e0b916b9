import DocuThinkerCore
import Extraction
import Foundation
import Testing

/// Real third-party PDFs fetched by `scripts/fetch-test-data` (never committed).
/// `make test` fetches them and sets DOCUTHINKER_REQUIRE_TEST_DATA=1, so they cannot be skipped there.
@Suite("Real PDFs from Debian packages")
struct RealDocumentTests {
    static var pdfs: [URL] {
        let directory = Fixtures.testData.appendingPathComponent("pdf")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix(".pdf") }.sorted().map { directory.appendingPathComponent($0) }
    }

    static var required: Bool { ProcessInfo.processInfo.environment["DOCUTHINKER_REQUIRE_TEST_DATA"] == "1" }

    @Test func realPDFsAreAvailableWhenRequired() {
        if Self.required {
            #expect(Self.pdfs.count >= 3, "run scripts/fetch-test-data")
        } else if Self.pdfs.isEmpty {
            print("⚠️  test-data/pdf is empty: real-PDF tests skipped (run scripts/fetch-test-data)")
        }
    }

    @Test(arguments: pdfs.prefix(6))
    func realPDFExtractsWithConsistentOffsets(url: URL) throws {
        let result = try DocumentExtractor().extract(fileAt: url)
        #expect(result.metadata.pageCount > 0)
        #expect(result.pages.count == result.metadata.pageCount)
        #expect(result.quality.characters > result.metadata.pageCount * 100, "too little text for \(url.lastPathComponent)")
        #expect(result.quality.language == "en")
        #expect(!result.quality.likelyScanned)
        let text = ScalarText(result.text)
        #expect(text.count == result.quality.characters)
        for block in result.blocks.prefix(2_000) {
            #expect(block.start < block.end && block.end <= text.count)
        }
        // Each page range holds that page's words: the first page's text appears inside page 1.
        let first = text.slice(result.pages[0].start, result.pages[0].end)
        #expect(!first.isEmpty)
        if url.lastPathComponent.count < 40, result.metadata.pageCount < 400 {
            Fixtures.checkOffsets(result)
        }
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/pdftotext"),
                   "needs /usr/bin/pdftotext (poppler-utils, installed by scripts/bootstrap)"),
          arguments: pdfs.prefix(6))
    func matchesPdftotextWordCount(url: URL) throws {
        let pdftotext = "/usr/bin/pdftotext"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: pdftotext)
        process.arguments = [url.path, "-"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let reference = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let theirs = WordCounter.count(String(decoding: reference, as: UTF8.self))
        let ours = try DocumentExtractor().extract(fileAt: url).quality.words
        let ratio = Double(ours) / Double(max(1, theirs))
        #expect(ratio > 0.97 && ratio < 1.03, "words: ours \(ours), pdftotext \(theirs)")
    }
}
