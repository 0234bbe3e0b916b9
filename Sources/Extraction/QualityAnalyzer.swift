import DocuThinkerCore

/// Computes the quality report: counts, empty (likely scanned) pages and a language guess.
enum QualityAnalyzer {
    static func report(text: String, characters: Int, pageCount: Int, emptyPages: [Int], warnings: [String], ocrPending: Bool = false) -> QualityReport {
        let guess = LanguageGuesser.guess(text)
        var allWarnings = warnings
        let likelyScanned = pageCount > 0 && emptyPages.count * 2 > pageCount
        if !emptyPages.isEmpty {
            allWarnings.append("\(emptyPages.count) of \(pageCount) pages have no text layer (scanned images need OCR).")
        }
        if characters == 0, !ocrPending { allWarnings.append("No text was found in the document.") }
        return QualityReport(
            characters: characters, words: WordCounter.count(text), pageCount: pageCount, emptyPages: emptyPages,
            likelyScanned: likelyScanned, language: guess.language, languageConfidence: guess.confidence,
            warnings: allWarnings)
    }
}
