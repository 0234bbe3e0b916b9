import DocuThinkerCore
import Foundation
import TextProcessing

/// Refines a summary offline: "shorter" halves it, "longer" doubles it, "focus on <term>"
/// prefers sentences about the term. The new summary is again made of cited document sentences.
struct SummaryRefiner {
    let engine: OfflineAnalysisEngine

    func refine(_ summary: String, instruction: String, document: AnalysisDocument) throws -> AnalysisResult {
        let lower = instruction.lowercased()
        let current = max(1, currentLength(summary))
        var budget = current
        var notes: [String] = []
        var understood = false
        if ["short", "concise", "brief", "condense", "fewer", "trim", "less", "tighter", "tldr"].contains(where: lower.contains) {
            budget = max(1, current / 2)
            understood = true
            notes.append("Shortened from \(current) to \(budget) sentences.")
        } else if ["long", "more detail", "expand", "elaborate", "detailed", "more"].contains(where: lower.contains) {
            budget = min(30, current * 2)
            understood = true
            notes.append("Expanded from \(current) to \(budget) sentences.")
        }
        let focus = focusTerms(lower)
        if !focus.isEmpty {
            understood = true
            notes.append("Focused on: \(focus.sorted().joined(separator: ", ")).")
        }
        if !understood {
            notes.append("The offline engine understands \"shorter\", \"longer\" and \"focus on …\"; other instructions need an LLM provider. The summary was re-ranked unchanged in length.")
        }
        var result = try engine.summarySync(
            document, sentences: budget, kind: .refineSummary, focus: Set(focus.map(Tokenizer.stem)),
            focusPhrase: focus.isEmpty ? nil : focus.joined(separator: " "), notes: notes)
        result.parameters = "instruction=\(instruction)"
        return result
    }

    /// Sentences in the summary being refined.
    private func currentLength(_ summary: String) -> Int {
        summary.split(separator: "\n").count > 1 && summary.split(separator: "\n").allSatisfy({ $0.hasPrefix("- ") })
            ? summary.split(separator: "\n").count
            : SentenceSegmenterBridge.count(summary)
    }

    /// Terms after "focus on", "about", "emphasise", "more on", "regarding".
    func focusTerms(_ lower: String) -> [String] {
        for marker in ["focus on ", "focusing on ", "focused on ", "about ", "emphasise ", "emphasize ", "more on ", "regarding ", "on the "] {
            guard let range = lower.range(of: marker) else { continue }
            let rest = lower[range.upperBound...]
            return Tokenizer.tokens(String(rest)).filter { !$0.isStopword && $0.lower.count > 2 }.map(\.lower)
        }
        return []
    }
}

/// Counts sentences of free text with the product's segmenter.
enum SentenceSegmenterBridge {
    static func count(_ text: String) -> Int { SentenceSegmenter().segment(text).count }
}
