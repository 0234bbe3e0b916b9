import Extraction
import DocuThinkerCore
import Foundation

/// Boilerplate recognised by text patterns alone, independent of the structure labeller: dot
/// leaders and index lines, licence and copyright phrases, reference-list entries, a running
/// head standing as a line, control characters and text with few letters. Used to check that
/// analyses cite the body (tests and `docuthinker evaluate --manuals`).
public enum BoilerplatePatterns {
    /// Lines that stand first on at least three pages once digits are removed (running heads).
    public static func repeatedTopLines(_ extraction: ExtractionResult) -> Set<String> {
        guard extraction.pages.count >= 4 else { return [] }
        let text = ScalarText(extraction.text)
        var counts: [String: Int] = [:]
        for page in extraction.pages {
            let lines = text.slice(page.start, page.end).split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let first = lines.first(where: { !$0.isEmpty }) else { continue }
            let key = first.filter { !$0.isNumber }.trimmingCharacters(in: .whitespaces)
            if key.count > 3 { counts[key, default: 0] += 1 }
        }
        return Set(counts.filter { $0.value >= 3 }.keys)
    }

    /// Whether a cited text is boilerplate by these patterns.
    public static func matches(_ text: String, runningHeads: Set<String>) -> Bool {
        let lower = text.lowercased()
        if text.range(of: #"(\. ?){4,}\s*[0-9ivxlc]+"#, options: .regularExpression) != nil { return true }
        if text.range(of: #"(?m)^[^\n,.]{1,40}(, [0-9]+)+$"#, options: .regularExpression) != nil { return true }
        let notices = ["permission is granted", "free documentation license", "invariant sections", "copyright", "all rights reserved",
                       "without any warranty", "front-cover", "general public license", "isbn"]
        if notices.contains(where: lower.contains) { return true }
        if text.range(of: #"\b(1[5-9]|20)[0-9]{2}\b"#, options: .regularExpression) != nil,
           ["pp. ", "vol. ", " press", "journal", "proceedings", "technical report", "publishing"].contains(where: lower.contains) { return true }
        for line in text.split(separator: "\n") where runningHeads.contains(line.filter { !$0.isNumber }.trimmingCharacters(in: .whitespaces)) {
            return true
        }
        if text.unicodeScalars.contains(where: { $0.value < 0x20 && $0 != "\n" && $0 != "\t" || (0x7F...0x9F).contains($0.value) }) { return true }
        let visible = text.unicodeScalars.filter { !$0.properties.isWhitespace }
        let letters = visible.filter { $0.properties.isAlphabetic }
        return visible.count >= 6 && letters.count * 2 < visible.count
    }
}
