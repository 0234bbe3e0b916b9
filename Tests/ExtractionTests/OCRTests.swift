import DocuThinkerCore
@testable import Extraction
import Foundation
import Testing

@Suite("OCR: Tesseract's words, text-layer verdicts, image headers")
struct OCRTests {
    /// A real TSV Tesseract wrote for a rendered manual page (its first 45 rows).
    @Test func tsvBecomesLinesAndParagraphsWithWordOffsets() throws {
        let tsv = try String(contentsOf: Fixtures.directory.appendingPathComponent("ocr/page.tsv"), encoding: .utf8)
        let page = TesseractTSV.page(tsv, number: 3, dpi: 300)
        #expect(page.page == 3 && page.dpi == 300)
        #expect(page.width == 2550 && page.height == 3300)
        #expect(page.words.count == 33)
        #expect(page.text.hasPrefix("Chapter 1: Introduction and preliminaries 6\n\nThe recall and editing capabilities"))
        #expect(page.text.contains("\n\n"), "a new paragraph starts after a blank line")
        let scalars = Array(page.text.unicodeScalars)
        for word in page.words {
            #expect(String(String.UnicodeScalarView(scalars[word.start..<word.end])) == word.text)
            #expect(word.box.count == 4 && word.box[2] > 0 && word.box[3] > 0)
        }
        #expect(page.words.first?.box == [378, 209, 157, 41])
        #expect(page.confidence > 0.9 && page.confidence <= 1)
    }

    @Test func scannerNoiseIsDroppedButShortWordsStay() {
        let tsv = """
            level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext
            1\t1\t0\t0\t0\t0\t0\t0\t100\t100\t-1\t
            5\t1\t1\t1\t1\t1\t1\t1\t5\t5\t12.5\t|
            5\t1\t1\t1\t1\t2\t10\t1\t5\t5\t20.0\ta
            5\t1\t1\t1\t1\t3\t20\t1\t5\t5\t91.0\tword
            5\t1\t1\t1\t2\t1\t1\t10\t5\t5\t88.0\tnext
            5\t2\t1\t1\t1\t1\t1\t1\t5\t5\t99.0\tsecond-image
            """
        let page = TesseractTSV.page(tsv, number: 1, dpi: nil)
        #expect(page.text == "a word\nnext", "noise without letters goes; a second image of a TIFF is not this page")
        #expect(page.words.map(\.text) == ["a", "word", "next"])
    }

    @Test func textLayerVerdicts() {
        let prose = String(repeating: "The quick brown fox jumps over the lazy dog near the river bank. ", count: 4)
        #expect(TextLayerCheck.verdict(prose) { 1 } == .usable, "plenty of real text is used even over an image")
        #expect(TextLayerCheck.verdict(" \n ") { 0 } == .empty)
        #expect(TextLayerCheck.verdict(String(repeating: "\u{FFFD}\u{E012}ab ", count: 20)) { 0 } == .unusable, "replacement and private-use characters")
        #expect(TextLayerCheck.verdict(String(repeating: "#$%&'()*+,-./ ", count: 6)) { 0 } == .unusable, "punctuation soup")
        #expect(TextLayerCheck.verdict(String(repeating: "Tkf Rspl Hbdgk Wxz Qrt ", count: 6)) { 0 } == .unusable, "words without vowels")
        #expect(TextLayerCheck.verdict("Page 12") { 0.95 } == .unusable, "a page number stamped on a scanned image")
        #expect(TextLayerCheck.verdict("Page 12") { 0 } == .usable, "a short page without images is just short")
        #expect(TextLayerCheck.verdict("Schöne Grüße aus München, wir sehen uns übermorgen im Büro an der Isar.") { 0 } == .usable)
        #expect(TextLayerCheck.verdict(String(repeating: "Привет мир как дела сегодня ", count: 8)) { 0 } == .usable, "other scripts are not judged by Latin vowels")
    }

    @Test func imageHeadersGiveSizesAndRefuseBombsAndDamage() throws {
        func png(_ width: UInt32, _ height: UInt32) -> Data {
            var bytes: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13] + Array("IHDR".utf8)
            for value in [width, height] { bytes += [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: value >> $0) } }
            return Data(bytes + [8, 0, 0, 0, 0])
        }
        #expect(ImageHeader.size(png(2480, 3508), format: .png)! == (2480, 3508))
        let jpeg = Data([0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x04, 0x00, 0x00, 0xFF, 0xC0, 0x00, 0x11, 0x08, 0x0B, 0xB8, 0x07, 0xD0, 0x01, 0, 0, 0, 0, 0])
        #expect(ImageHeader.size(jpeg, format: .jpeg)! == (2000, 3000))
        let tiff = Data([0x49, 0x49, 0x2A, 0x00, 0x08, 0x00, 0x00, 0x00, 0x02, 0x00,
                         0x00, 0x01, 0x03, 0x00, 0x01, 0x00, 0x00, 0x00, 0x40, 0x06, 0x00, 0x00,
                         0x01, 0x01, 0x04, 0x00, 0x01, 0x00, 0x00, 0x00, 0x98, 0x08, 0x00, 0x00])
        #expect(ImageHeader.size(tiff, format: .tiff)! == (1600, 2200))

        let extractor = DocumentExtractor()
        #expect(try extractor.inspect(png(2480, 3508)).format == .png)
        #expect(try extractor.inspect(png(2480, 3508)).pageCount == 1)
        #expect(throws: ExtractionError(.tooLarge, "The image is 100000 × 100000 pixels; the limit is 60 million pixels.")) {
            try extractor.inspect(png(100_000, 100_000))
        }
        #expect(throws: ExtractionError.self) { try extractor.inspect(png(0, 10)) }
        let gif = Data("GIF89a".utf8 + [1, 0, 1, 0, 0, 0, 0, 0x3B])
        #expect(throws: ExtractionError.self) { try extractor.inspect(gif) }
        do {
            _ = try extractor.inspect(gif)
        } catch let error as ExtractionError {
            #expect(error.code == .unsupportedFormat)
        }
    }

    /// An image extracts to one empty page that asks to be read, then takes what OCR read.
    @Test func anImageIsOnePageReadByOCR() throws {
        let data = try Data(contentsOf: Fixtures.directory.appendingPathComponent("ocr/page.tsv"))
        let page = TesseractTSV.page(String(decoding: data, as: UTF8.self), number: 1, dpi: nil)
        var bytes: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13] + Array("IHDR".utf8)
        bytes += [0, 0, 0x09, 0xF6, 0, 0, 0x0C, 0xE4, 8, 0, 0, 0, 0]
        let extractor = DocumentExtractor()
        let before = try extractor.extract(Data(bytes))
        #expect(before.format == .png && before.text.isEmpty && before.ocrRequests == [OCRRequest(page: 1, pointSize: nil)])
        #expect(!before.quality.warnings.contains { $0.contains("No text was found") }, "not before OCR had its turn")
        let after = try extractor.extract(Data(bytes), ocr: [1: page])
        #expect(after.ocrRequests.isEmpty && after.pages.count == 1)
        #expect(after.quality.ocrPages == [OCRPageQuality(page: 1, words: 33, confidence: page.confidence, dpi: nil)])
        #expect(after.quality.emptyPages.isEmpty && after.quality.words >= 33)
        let scalars = Array(after.text.unicodeScalars)
        #expect(after.ocrPages.count == 1 && after.ocrPages[0].words.count == 33)
        for word in after.ocrPages[0].words {
            #expect(String(String.UnicodeScalarView(scalars[word.start..<word.end])) == word.text, "offsets are the document's")
        }
    }
}
