import Foundation

/// Renders analysis results as Markdown with page references, for people and the CLI.
public enum MarkdownReport {
    public static func render(_ results: [AnalysisResult], title: String) -> String {
        var lines = ["# \(title)", ""]
        for result in results {
            lines.append("## \(heading(result.kind))")
            lines.append("")
            switch result.kind {
            case .summary, .refineSummary:
                lines.append(result.items.map { "\($0.text) \(pages($0))" }.joined(separator: " "))
            case .sentiment:
                if let sentiment = result.sentiment { lines.append(sentiment.description) }
                lines.append("")
                lines += result.items.map { "- \($0.text)" }
            case .analytics:
                if let a = result.analytics {
                    lines.append("- \(a.words) words, \(a.sentences) sentences, \(a.paragraphs) paragraphs; about \(a.readingTimeMinutes) min to read")
                    lines.append("- Flesch reading ease \(a.fleschReadingEase), Flesch–Kincaid grade \(a.fleschKincaidGrade)")
                    lines.append("- Lexical diversity \(a.lexicalDiversity)")
                    lines.append("- Top keywords: " + a.topKeywords.map { "\($0.keyword) (\($0.count))" }.joined(separator: ", "))
                }
            case .keyIdeas:
                lines += result.items.map { "- **\($0.text)** — \($0.detail ?? "") \(pages($0))" }
            default:
                lines += result.items.map { "- \($0.text) \(pages($0))" }
            }
            for note in result.notes { lines.append("> \(note)") }
            lines.append("")
        }
        return lines.joined(separator: "\n")
    }

    static func heading(_ kind: AnalysisKind) -> String {
        switch kind {
        case .summary: "Summary"
        case .bulletSummary: "Bullet summary"
        case .keyIdeas: "Key ideas"
        case .discussionPoints: "Discussion points"
        case .recommendations: "Recommendations"
        case .refineSummary: "Refined summary"
        case .sentiment: "Sentiment"
        case .analytics: "Analytics"
        case .summaryInLanguage: "Summary in another language"
        case .rewrite: "Rewritten text"
        }
    }

    static func pages(_ item: AnalysisItem) -> String {
        let numbers = Array(Set(item.citations.map(\.page))).sorted()
        guard !numbers.isEmpty else { return "" }
        return "(p. " + numbers.map(String.init).joined(separator: ", ") + ")"
    }
}
