import Foundation

/// The instructions given to language models, one per analysis. Every prompt shows numbered
/// source sentences `[S1] …` and asks for JSON whose items name the sources they rest on, so each
/// generated point can be mapped back to exact spans and checked.
enum LLMPrompts {
    static let system = """
    You analyse documents for a reader. Use only the numbered source sentences you are given; never invent facts. \
    Every item you write must list the numbers of the source sentences it is based on in "sources". \
    Answer with one JSON object and nothing else.
    """

    static func task(_ kind: AnalysisKind, sentences: Int, count: Int, language: String?, style: String?, instruction: String?,
                     summary: String?) -> String {
        switch kind {
        case .summary:
            "Summarise the document in about \(sentences) sentences of plain, readable prose. JSON: {\"items\": [{\"text\": sentence, \"sources\": [numbers]}]}"
        case .bulletSummary:
            "Summarise the document as about \(sentences) short bullet points. JSON: {\"items\": [{\"text\": bullet, \"sources\": [numbers]}]}"
        case .keyIdeas:
            "List the \(count) key ideas of the document, each as a short phrase and one explaining sentence. JSON: {\"items\": [{\"phrase\": phrase, \"text\": sentence, \"sources\": [numbers]}]}"
        case .discussionPoints:
            "Write \(count) discussion questions a reader would debate about this document, each grounded in the sources. JSON: {\"items\": [{\"text\": question, \"sources\": [numbers]}]}"
        case .recommendations:
            "Write \(count) actionable recommendations and next steps (follow-up actions, decisions to make, critical takeaways). JSON: {\"items\": [{\"text\": recommendation, \"sources\": [numbers]}]}"
        case .refineSummary:
            "Here is a summary:\n\(summary ?? "")\n\nRefine it following this instruction: \(instruction ?? ""). JSON: {\"items\": [{\"text\": sentence, \"sources\": [numbers]}]}"
        case .sentiment:
            "Analyse the sentiment of the document. JSON: {\"score\": number from -1 (very negative) to 1 (very positive), \"label\": \"positive\"|\"negative\"|\"neutral\"|\"mixed\", \"description\": one sentence, \"items\": [{\"text\": the main evidence, \"sources\": [numbers]}]}"
        case .summaryInLanguage:
            "Summarise the document in \(language ?? "English"), in about \(sentences) sentences, written entirely in that language. JSON: {\"items\": [{\"text\": sentence in \(language ?? "English"), \"sources\": [numbers]}]}"
        case .rewrite:
            "Rewrite the document in a \(style ?? "clear") style and tone, paragraph by paragraph, keeping its meaning. JSON: {\"items\": [{\"text\": rewritten paragraph, \"sources\": [numbers]}]}"
        case .analytics:
            "Return {\"items\": []}."
        }
    }

    /// `[S1] sentence` lines.
    static func sources(_ numbered: [(number: Int, text: String)]) -> String {
        numbered.map { "[S\($0.number)] \($0.text)" }.joined(separator: "\n")
    }

    static let repair = "Your previous answer was not a valid JSON object of the requested shape. Reply again with only that JSON object."
}
