import DocuThinkerCore
import Extraction
import Foundation
import Testing

/// Our own scans (`scripts/make-scans`: pages of real manuals rendered to images, some rotated
/// 90°, 180° and 270°, skewed and blurred, or at 100 dpi, as image-only PDFs and as PNG, JPEG and
/// TIFF files) read by the real Tesseract, judged by word recall against the source page's text
/// layer. `make test` makes them and installs Tesseract, so nothing is skipped there.
@Suite("OCR word recall on scanned pages", .serialized)  // one Tesseract at a time beside the other suites
struct OCRRecallTests {
    struct Scan: Decodable, CustomTestStringConvertible, Sendable {
        var file: String
        var variant: String
        var truth: String
        var scannedPages: [Int]?
        var testDescription: String { "\(file) (\(variant))" }
    }

    static let directory = Fixtures.testData.appendingPathComponent("scans")
    static var scans: [Scan] {
        guard let data = try? String(contentsOf: directory.appendingPathComponent("manifest.jsonl"), encoding: .utf8) else { return [] }
        return data.split(separator: "\n").compactMap { try? JSONDecoder().decode(Scan.self, from: Data($0.utf8)) }
    }
    static var required: Bool { ProcessInfo.processInfo.environment["DOCUTHINKER_REQUIRE_TEST_DATA"] == "1" }
    static let reader = try? TesseractOCR.locate(OCRSettings()).get()

    @Test func scansAndTesseractAreThereWhenRequired() {
        if Self.required {
            #expect(Self.scans.count >= 10, "run scripts/make-scans")
            #expect(Self.reader != nil, "install tesseract-ocr (scripts/bootstrap)")
        } else if Self.scans.isEmpty || Self.reader == nil {
            print("⚠️  no scans or no tesseract: OCR recall tests skipped (scripts/bootstrap, scripts/make-scans)")
        }
    }

    /// Multiset word recall: the share of the truth's words (lower-cased letters and digits) found.
    static func recall(truth: String, read: String) -> Double {
        func words(_ text: String) -> [String: Int] {
            var counts: [String: Int] = [:]
            for word in text.lowercased().split(whereSeparator: { !($0.isLetter || $0.isNumber) }) { counts[String(word), default: 0] += 1 }
            return counts
        }
        let expected = words(truth), found = words(read)
        let total = expected.values.reduce(0, +)
        guard total > 0 else { return 1 }
        return Double(expected.reduce(0) { $0 + min($1.value, found[$1.key] ?? 0) }) / Double(total)
    }

    /// Extracts the file, reads the pages it asks for, and extracts again with them.
    static func read(_ scan: Scan, reader: TesseractOCR) throws -> (before: ExtractionResult, after: ExtractionResult) {
        let path = directory.appendingPathComponent(scan.file).path
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let extractor = DocumentExtractor()
        let before = try extractor.extract(data)
        var pages: [Int: OCRPage] = [:]
        for request in before.ocrRequests { pages[request.page] = try reader.read(request, file: path, interrupt: nil) }
        return (before, try extractor.extract(data, ocr: pages))
    }

    @Test(arguments: scans.filter { !$0.truth.isEmpty })
    func scannedPageReachesNinetyPercentWordRecall(scan: Scan) throws {
        guard let reader = Self.reader else { return }
        let (before, after) = try Self.read(scan, reader: reader)
        #expect(before.ocrRequests.map(\.page) == (scan.scannedPages ?? [1]), "only pages without a text layer are read")
        let read = scan.scannedPages.map { pages in
            pages.map { page in after.pages.first { $0.number == page }.map { String(String.UnicodeScalarView(Array(after.text.unicodeScalars)[$0.start..<$0.end])) } ?? "" }
                .joined(separator: "\n")
        } ?? after.text
        let recall = Self.recall(truth: scan.truth, read: read)
        print("OCR recall \(scan.file) (\(scan.variant)): \(String(format: "%.3f", recall)), confidence \(String(format: "%.2f", after.quality.ocrConfidence ?? 0))")
        #expect(recall >= 0.9, "\(scan.file): word recall \(recall)")
        #expect((after.quality.ocrConfidence ?? 0) > 0.7)
        #expect(after.quality.ocrPages?.map(\.page) == (scan.scannedPages ?? [1]))
        // Every word box points at its own word in the document's text.
        let scalars = Array(after.text.unicodeScalars)
        let words = after.ocrPages.flatMap(\.words)
        #expect(words.count > 100)
        for word in words {
            #expect(String(String.UnicodeScalarView(scalars[word.start..<word.end])) == word.text)
        }
    }

    @Test func blankScanYieldsNoText() throws {
        guard let reader = Self.reader, let blank = Self.scans.first(where: { $0.file == "blank.pdf" }) else { return }
        let (before, after) = try Self.read(blank, reader: reader)
        #expect(before.ocrRequests.count == 1)
        #expect(!after.text.unicodeScalars.contains { !$0.properties.isWhitespace }, "read: \(after.text.prefix(80))")
    }

    @Test func aStoppedReadLeavesNoProgramRunning() throws {
        guard let reader = Self.reader else { return }
        // Private copies, so the processes found are this test's own (other suites read scans too).
        let copies = FileManager.default.temporaryDirectory.appendingPathComponent("stop-test-" + UUID().uuidString)
        try FileManager.default.createDirectory(at: copies, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: copies) }
        for (file, size, stopAt) in [("upright-300dpi.pdf", [612.0, 792.0] as [Double]?, 2), ("page.png", nil, 10)] {
            let path = copies.appendingPathComponent(file).path
            try FileManager.default.copyItem(atPath: Self.directory.appendingPathComponent(file).path, toPath: path)
            let asked = Atomic(0)
            #expect(throws: CancellationError.self) {   // pdftoppm rendering, then Tesseract reading an image
                try reader.read(OCRRequest(page: 1, pointSize: size), file: path) { asked.add(1) >= stopAt }
            }
            #expect(Self.programsReading(path).isEmpty, "\(file): killed, not left running")
        }
    }

    /// Processes whose command line names `path` (Linux /proc).
    static func programsReading(_ path: String) -> [String] {
        let ids = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return ids.filter { Int($0) != nil }.compactMap { id in
            guard let data = FileManager.default.contents(atPath: "/proc/\(id)/cmdline") else { return nil }
            let line = String(decoding: data, as: UTF8.self).replacingOccurrences(of: "\u{0}", with: " ")
            return line.contains(path) ? line : nil
        }
    }
}

/// A counter the stop check can bump from the reading thread.
final class Atomic: @unchecked Sendable {
    private var value: Int
    private let lock = NSLock()
    init(_ value: Int) { self.value = value }
    /// Adds and returns the new value.
    func add(_ amount: Int) -> Int { lock.withLock { value += amount; return value } }
}
