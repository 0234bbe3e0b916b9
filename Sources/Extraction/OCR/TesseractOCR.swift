public import Foundation

/// How pages are read by OCR (`DOCUTHINKER_OCR_*`).
public struct OCRSettings: Sendable, Hashable {
    /// Tesseract language codes, joined with `+` on its command line (`DOCUTHINKER_OCR_LANGUAGES`, default `eng`).
    public var languages: [String]
    /// Resolution PDF pages are rendered at (`DOCUTHINKER_OCR_DPI`, default 300); lowered for a
    /// page so large that it would exceed `maxPixels`.
    public var dpi: Int
    /// Largest image read, in pixels (rendered pages and uploaded images).
    public var maxPixels: Int
    /// Longest time one page may take to render or read (`DOCUTHINKER_OCR_PAGE_TIMEOUT_SECONDS`, default 120).
    public var pageTimeout: Duration

    public init(languages: [String] = ["eng"], dpi: Int = 300, maxPixels: Int = 60_000_000, pageTimeout: Duration = .seconds(120)) {
        self.languages = languages
        self.dpi = dpi
        self.maxPixels = maxPixels
        self.pageTimeout = pageTimeout
    }
}

/// Reads one page by OCR: a page of a PDF (rendered first) or an image file.
public protocol PageReader: Sendable {
    /// The languages the reader reads, for the quality report.
    var languages: [String] { get }
    /// Reads `request.page` of the file at `path`; throws `CancellationError` when `interrupt`
    /// says so, and `ExtractionError` (`ocr_failed`) when the page cannot be read.
    func read(_ request: OCRRequest, file path: String, interrupt: (@Sendable () -> Bool)?) throws -> OCRPage
}

/// Why OCR is off on this machine, in words that say how to turn it on.
public struct OCRUnavailable: Error, Hashable, Sendable, CustomStringConvertible {
    public var description: String

    public init(description: String) {
        self.description = description
    }
}

/// OCR through the `tesseract` program (page segmentation with orientation detection, so pages
/// scanned sideways or upside down are read upright; one thread per page), with PDF pages
/// rendered by poppler's `pdftoppm` in grey at the configured resolution. Each page runs in a
/// scratch directory under a time limit, and a cancelled job kills the program at once.
public struct TesseractOCR: PageReader {
    public let settings: OCRSettings
    let tesseract: String
    let pdftoppm: String

    public var languages: [String] { settings.languages }

    /// The reader, once the programs and every language's data are found; otherwise what is missing.
    public static func locate(_ settings: OCRSettings) -> Result<TesseractOCR, OCRUnavailable> {
        guard let tesseract = BoundedProcess.find("tesseract") else {
            return .failure(OCRUnavailable(description: "the tesseract program is not installed (apt-get install tesseract-ocr, or run scripts/bootstrap)"))
        }
        guard let pdftoppm = BoundedProcess.find("pdftoppm") else {
            return .failure(OCRUnavailable(description: "the pdftoppm program is not installed (apt-get install poppler-utils, or run scripts/bootstrap)"))
        }
        let installed: Set<String>
        do {
            installed = try installedLanguages(tesseract)
        } catch {
            return .failure(OCRUnavailable(description: "tesseract does not answer (\(error))"))
        }
        let missing = settings.languages.filter { !installed.contains($0) }
        guard missing.isEmpty else {
            let packages = missing.map { "tesseract-ocr-" + $0.lowercased().replacingOccurrences(of: "_", with: "-") }
            return .failure(OCRUnavailable(description:
                "language data for \(missing.joined(separator: ", ")) is not installed (apt-get install \(packages.joined(separator: " ")); installed: \(installed.sorted().joined(separator: ", ")))"))
        }
        return .success(TesseractOCR(settings: settings, tesseract: tesseract, pdftoppm: pdftoppm))
    }

    static func installedLanguages(_ tesseract: String) throws -> Set<String> {
        try withScratchDirectory { directory in
            let output = directory.appendingPathComponent("langs.txt")
            try BoundedProcess.run(tesseract, ["--list-langs"], in: directory, standardOutput: output, timeout: .seconds(20), interrupt: nil)
            let lines = String(decoding: try Data(contentsOf: output).prefix(65_536), as: UTF8.self).split(separator: "\n")
            return Set(lines.dropFirst().map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty && $0 != "osd" })
        }
    }

    public func read(_ request: OCRRequest, file path: String, interrupt: (@Sendable () -> Bool)?) throws -> OCRPage {
        // The programs run in a scratch directory: a relative path is made absolute first.
        let path = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        return try Self.withScratchDirectory { directory in
            var image = path
            var renderedAt: Int?
            if let size = request.pointSize, size.count == 2 {
                let dpi = resolution(width: size[0], height: size[1])
                try step("rendering page \(request.page)") {
                    try BoundedProcess.run(pdftoppm, ["-f", "\(request.page)", "-l", "\(request.page)", "-r", "\(dpi)", "-gray", "-png",
                                                      "-singlefile", path, directory.appendingPathComponent("page").path],
                                           in: directory, timeout: settings.pageTimeout, interrupt: interrupt)
                }
                image = directory.appendingPathComponent("page.png").path
                renderedAt = dpi
            }
            let base = directory.appendingPathComponent("words")
            try step("reading page \(request.page)") {
                try BoundedProcess.run(tesseract, [image, base.path, "--psm", "1", "-l", settings.languages.joined(separator: "+"), "tsv"],
                                       in: directory, environment: ["OMP_THREAD_LIMIT": "1"], timeout: settings.pageTimeout, interrupt: interrupt)
            }
            let tsvURL = base.appendingPathExtension("tsv")
            let size = (try? FileManager.default.attributesOfItem(atPath: tsvURL.path)[.size] as? Int) ?? 0
            guard size <= 32_000_000 else { throw ExtractionError(.ocrFailed, "OCR of page \(request.page) produced too much output.") }
            let tsv = String(decoding: try Data(contentsOf: tsvURL), as: UTF8.self)
            return TesseractTSV.page(tsv, number: request.page, dpi: renderedAt)
        }
    }

    /// The page read from Tesseract's TSV output (lines of words, a blank line between paragraphs,
    /// each word with its box, confidence and offsets in that text).
    public static func page(tsv: String, number: Int, dpi: Int?) -> OCRPage {
        TesseractTSV.page(tsv, number: number, dpi: dpi)
    }

    /// The resolution a page of `width` × `height` points is rendered at: the configured one,
    /// lowered so the image stays within `maxPixels` (a poster-sized page), never below 72.
    func resolution(width: Double, height: Double) -> Int {
        let square = max(1, width / 72) * max(1, height / 72)
        return max(72, min(settings.dpi, Int((Double(settings.maxPixels) / square).squareRoot())))
    }

    /// Runs `work`, turning a helper program's failure into `ocr_failed` (cancellation passes through).
    private func step(_ what: String, _ work: () throws -> Void) throws {
        do {
            try work()
        } catch let failure as BoundedProcess.Failure {
            throw ExtractionError(.ocrFailed, "OCR failed while \(what): \(failure).")
        }
    }

    static func withScratchDirectory<T>(_ work: (URL) throws -> T) throws -> T {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("docuthinker-ocr-" + UUID().uuidString)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        return try work(directory)
    }
}
