public import DocuThinkerCore

/// The OCR part of a quality report (pages whose text layer was unusable, the pages read by OCR
/// and their confidence), which both engines keep in one JSON column.
extension QualityReport {
    private struct OCRColumn: Codable {
        var unusablePages: [Int]?
        var ocrPages: [OCRPageQuality]?
        var ocrConfidence: Double?
    }

    /// The column's value: nil when the report has no OCR part.
    public var ocrColumn: String? {
        guard unusablePages != nil || ocrPages != nil else { return nil }
        return try? StoredJSON.text(OCRColumn(unusablePages: unusablePages, ocrPages: ocrPages, ocrConfidence: ocrConfidence))
    }

    /// Takes the OCR part back from the column.
    public mutating func readOCRColumn(_ text: String?) {
        guard let text, let column = StoredJSON.value(OCRColumn.self, from: text) else { return }
        unusablePages = column.unusablePages
        ocrPages = column.ocrPages
        ocrConfidence = column.ocrConfidence
    }
}
