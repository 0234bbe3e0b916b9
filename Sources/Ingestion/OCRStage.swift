public import Extraction
public import Storage

/// What the OCR stage needs: a page reader and where each page read is kept (the analysis
/// records, deleted with their document), so a job taken over after a crash or a restart reads
/// only the pages not read yet.
public struct OCRStage: Sendable {
    public let reader: any PageReader
    let records: any AnalysisRepository

    public init(reader: any PageReader, records: any AnalysisRepository) {
        self.reader = reader
        self.records = records
    }

    /// One page as OCR read it (offsets within the page's own text).
    func pageKey(_ documentId: String, page: Int) -> AnalysisKey {
        AnalysisKey(documentId: documentId, kind: "ocr-page", parameters: "\(page)", engine: "tesseract",
                    engineVersion: reader.languages.joined(separator: "+"))
    }

    /// The word boxes of every page read by OCR, with offsets in the document's text.
    public static func wordsKey(_ documentId: String) -> AnalysisKey {
        AnalysisKey(documentId: documentId, kind: "ocr-words", parameters: "", engine: "tesseract", engineVersion: "1")
    }
}

/// The word boxes kept for a document's OCR'd pages (so a citation on such a page can be drawn
/// on its image).
public struct OCRWordBoxes: Codable, Sendable {
    public var languages: [String]
    public var pages: [OCRPage]

    public init(languages: [String], pages: [OCRPage]) {
        self.languages = languages
        self.pages = pages
    }
}
