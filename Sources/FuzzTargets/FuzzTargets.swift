public import Foundation
import DocuThinkerCore
import Extraction
import WebAuthn
import WireFormats

/// What the fuzzers feed hostile bytes to: each target runs one reader the product exposes to
/// uploads on arbitrary input, under tight limits, and must return (a typed error is fine; a
/// crash, a hang or a runaway allocation is a bug). `scripts/fuzz` drives them with libFuzzer;
/// `FuzzRegressionTests` replays every input a fuzzer ever found (`Tests/Fixtures/fuzz/TARGET/`).
public enum FuzzTargets {
    /// The targets, by the name `scripts/fuzz` takes.
    public static let names = ["detect", "pdf", "docx", "html", "text", "image", "ocr-tsv",
                               "multipart", "sse", "event-stream", "json", "passkey"]

    /// Limits small enough that each input takes milliseconds.
    static let limits = ExtractionLimits(maxBytes: 4_000_000, maxPages: 64, maxArchiveUncompressedBytes: 8_000_000,
                                         maxArchiveEntries: 256, timeout: .seconds(5))

    /// Runs `target` on `data`; false for an unknown target.
    @discardableResult
    public static func run(_ target: String, _ data: Data) -> Bool {
        let extractor = DocumentExtractor(limits: limits)
        switch target {
        case "detect":
            _ = try? FormatDetector.detect(data)
        case "pdf":
            // Mutations keep the signature, so every input reaches poppler and the page reader.
            let pdf = data.starts(with: Data("%PDF-".utf8)) ? data : Data("%PDF-1.4\n".utf8) + data
            _ = try? extractor.inspect(pdf)
            _ = try? extractor.extract(pdf)
        case "docx", "html", "text":
            // The detector routes by content: a ZIP to the DOCX reader, markup to HTML, the rest to text or Markdown.
            _ = try? extractor.inspect(data)
            _ = try? extractor.extract(data)
        case "image":
            for signature in [[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], [0xFF, 0xD8, 0xFF], [0x49, 0x49, 0x2A, 0x00]] as [[UInt8]] {
                let image = data.starts(with: signature) ? data : Data(signature) + data
                _ = try? extractor.inspect(image)
                _ = try? extractor.extract(image)
            }
        case "ocr-tsv":
            let page = TesseractOCR.page(tsv: String(decoding: data, as: UTF8.self), number: 1, dpi: 300)
            let scalars = Array(page.text.unicodeScalars)
            for word in page.words {
                // Every word's offsets must hold inside the text it points into.
                precondition(word.start >= 0 && word.start <= word.end && word.end <= scalars.count, "word offsets out of range")
            }
        case "multipart":
            WireTargets.multipart(data)
        case "sse":
            WireTargets.sse(data)
        case "event-stream":
            WireTargets.eventStream(data)
        case "json":
            WireTargets.json(data)
        case "passkey":
            WireTargets.passkey(data)
        default:
            return false
        }
        return true
    }
}
