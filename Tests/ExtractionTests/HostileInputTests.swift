import Extraction
import Foundation
import Testing

@Suite("Hostile and broken inputs give typed errors")
struct HostileInputTests {
    private func code(of name: String, limits: ExtractionLimits = ExtractionLimits()) -> ExtractionError.Code? {
        do {
            _ = try Fixtures.extract(name, limits: limits)
            return nil
        } catch let error as ExtractionError {
            return error.code
        } catch {
            Issue.record("untyped error \(error)")
            return nil
        }
    }

    @Test func encryptedPDF() { #expect(code(of: "encrypted.pdf") == .passwordProtected) }
    @Test func corruptPDF() { #expect(code(of: "corrupt.pdf") == .unreadable) }
    @Test func truncatedPDF() { #expect(code(of: "truncated.pdf") == .unreadable) }
    @Test func truncatedDOCX() { #expect(code(of: "truncated.docx") == .unreadable) }
    /// A DTD declaring entities would have its references dropped silently (and is an expansion attack).
    @Test func docxDeclaringEntities() { #expect(code(of: "entity-declared.docx") == .unreadable) }
    @Test func emptyFile() { #expect(code(of: "empty.txt") == .empty) }
    /// PNG, JPEG and TIFF are read by OCR; this one is only a PNG signature followed by zeros.
    @Test func damagedImageIsUnreadable() { #expect(code(of: "image.png") == .unreadable) }

    @Test func zipBombByDeclaredSize() {
        #expect(code(of: "bomb.docx") == .archiveLimit)
    }

    @Test func zipBombWithForgedSizesIsBounded() {
        // Its directory claims 1 KB for a 20 MB part: inflation stops at the claim, so the
        // body is cut short and rejected; nothing near 20 MB is ever allocated.
        #expect(code(of: "lying-bomb.docx") == .unreadable)
    }

    @Test func inflationBudgetIsEnforcedWhileReading() {
        let limits = ExtractionLimits(maxArchiveUncompressedBytes: 1_500)
        #expect(code(of: "sample.docx", limits: limits) == .archiveLimit)
    }

    @Test func tooManyEntries() {
        #expect(code(of: "sample.docx", limits: ExtractionLimits(maxArchiveEntries: 2)) == .archiveLimit)
    }

    @Test func byteAndPageLimits() {
        #expect(code(of: "sample.pdf", limits: ExtractionLimits(maxBytes: 1_000)) == .tooLarge)
        #expect(code(of: "sample.pdf", limits: ExtractionLimits(maxPages: 2)) == .tooManyPages)
    }

    @Test func timeLimit() {
        #expect(code(of: "sample.pdf", limits: ExtractionLimits(timeout: .zero)) == .timeout)
    }

    @Test func otherZipAndBinaryAreUnsupported() throws {
        var zip = try Fixtures.data("sample.docx")
        // Rename the body part inside the archive: still a ZIP, no longer a Word document.
        let name = Data("word/document.xml".utf8), other = Data("word/documenX.xml".utf8)
        while let range = zip.range(of: name) { zip.replaceSubrange(range, with: other) }
        #expect(throws: ExtractionError.self) { try DocumentExtractor().extract(zip) }
        #expect((try? FormatDetector.detect(zip)) == nil)
        let binary = Data([0x01, 0x02, 0x03, 0x00, 0x05] + Array(repeating: UInt8(0), count: 100))
        #expect(throws: ExtractionError(.unsupportedFormat, "The file looks binary, not text.")) {
            try DocumentExtractor().extract(binary)
        }
    }

    /// Garbage with a known seed: printed, and taken from `DOCUTHINKER_FUZZ_SEED` to replay a failure.
    @Test func randomBytesNeverCrash() {
        let seed = ProcessInfo.processInfo.environment["DOCUTHINKER_FUZZ_SEED"].flatMap(UInt64.init) ?? UInt64.random(in: 0...UInt64.max)
        print("randomBytesNeverCrash seed: \(seed) (replay with DOCUTHINKER_FUZZ_SEED=\(seed))")
        var generator = SeededGenerator(seed: seed)
        for length in [1, 7, 100, 5_000] {
            for prefix in [Data(), Data("%PDF-1.4\n".utf8), Data([0x50, 0x4B, 0x03, 0x04]), Data("<html>".utf8)] {
                let noise = Data((0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) })
                do {
                    _ = try DocumentExtractor().extract(prefix + noise)
                } catch is ExtractionError {
                    // A typed error is the expected outcome for garbage.
                } catch {
                    Issue.record("untyped error for \(prefix.count)+\(length) bytes: \(error)")
                }
            }
        }
    }

    /// Markdown goes through a parser (Ink): random markup, deep nesting and unclosed constructs
    /// must give text or a typed error, never a crash (a crash here ends the test run).
    @Test func markdownParserSurvivesHostileMarkup() throws {
        var generator = SeededGenerator(seed: 16)
        let alphabet = Array("##**__[]()!<>`|-~:=\\\"' \n\n\t1.x+>aZ&;")
        for _ in 0..<1_500 {
            let length = Int(generator.next() % 400) + 1
            let body = String((0..<length).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] })
            Self.extractQuietly("# Random markup\n\n" + body)
        }
        let deep = [
            String(repeating: ">", count: 5_000) + " quoted",
            (0..<2_000).map { String(repeating: "  ", count: $0) + "- item" }.joined(separator: "\n"),
            String(repeating: "[", count: 20_000) + "x" + String(repeating: "](", count: 5_000),
            String(repeating: "*_", count: 20_000) + "text",
            "```\n" + String(repeating: "unclosed fence\n", count: 10_000),
            "| a | b |\n|---|\n" + String(repeating: "| 1 |\n", count: 5_000),
            "# t\n\n" + String(repeating: "<div>", count: 5_000) + "html",
            "# t\n\ntext ending in markers **\n\n\n_\n\n\n`",
        ]
        for source in deep { Self.extractQuietly("# Deep markup\n\n" + source) }
    }

    private static func extractQuietly(_ source: String) {
        do {
            let result = try DocumentExtractor().extract(Data(source.utf8))
            Fixtures.checkOffsets(result)
        } catch is ExtractionError {
        } catch {
            Issue.record("untyped error \(error)")
        }
    }
}

/// SplitMix64: a small, fast, seedable generator for reproducible test noise.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
