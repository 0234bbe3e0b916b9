import DocuThinkerCore
import TextProcessing
import Foundation

/// Document sentiment: the mean of sentence scores (neutral sentences count), shares of positive
/// and negative sentences, and a breakdown per section (headings, else pages, else fifths).
struct SentimentAnalyzer {
    static let threshold = 0.05
    /// When present, the embedding signal is blended into every sentence score.
    var prototypes: SentimentPrototypes? = nil

    struct Section {
        var title: String
        var sentences: Range<Int>
    }

    func analyze(_ document: AnalysisDocument) -> (report: SentimentReport, sections: [AnalysisItem]) {
        var scores = document.sentences.map { SentimentScorer.score($0.text) }
        if let prototypes { scores = prototypes.blend(scores, sentences: document.sentences.map(\.text)) }
        let report = Self.report(scores)
        var items: [AnalysisItem] = []
        for section in sections(of: document) where !section.sentences.isEmpty {
            let sectionScores = Array(scores[section.sentences])
            let sectionReport = Self.report(sectionScores)
            // Cite the sentence that drives the section's sentiment most.
            let strongest = section.sentences.max { abs(scores[$0]) < abs(scores[$1]) } ?? section.sentences.lowerBound
            items.append(AnalysisItem(
                text: "\(section.title): \(sectionReport.label) (\(Self.format(sectionReport.score)))",
                citations: [document.citation(ofSentence: strongest)], score: sectionReport.score,
                detail: document.sentences[strongest].text, label: sectionReport.label))
        }
        return (report, items)
    }

    /// Score, label and description of a list of sentence scores.
    static func report(_ scores: [Double]) -> SentimentReport {
        let count = Double(max(1, scores.count))
        let mean = scores.reduce(0, +) / count
        let positive = Double(scores.filter { $0 > threshold }.count) / count
        let negative = Double(scores.filter { $0 < -threshold }.count) / count
        let label: String
        if positive >= 0.25, negative >= 0.25, abs(mean) < 0.15 { label = "mixed" }
        else if mean > threshold { label = "positive" }
        else if mean < -threshold { label = "negative" }
        else { label = "neutral" }
        let strength = abs(mean) > 0.5 ? "strongly " : abs(mean) > 0.2 ? "" : abs(mean) > threshold ? "mildly " : ""
        let lead = label == "neutral" || label == "mixed" ? "\(label) in tone" : "\(strength)\(label) overall"
        let sentence = "\(lead) (score \(format(mean))): \(percent(positive)) of sentences positive, \(percent(negative)) negative."
        let description = sentence.prefix(1).uppercased() + sentence.dropFirst()
        return SentimentReport(
            score: (mean * 1000).rounded() / 1000, label: label, description: description,
            positiveShare: (positive * 1000).rounded() / 1000, negativeShare: (negative * 1000).rounded() / 1000,
            neutralShare: ((1 - positive - negative) * 1000).rounded() / 1000)
    }

    func sections(of document: AnalysisDocument) -> [Section] {
        let n = document.sentences.count
        let headings = document.headingSentences.sorted()
        if !headings.isEmpty {
            var sections: [Section] = []
            if headings[0] > 0 { sections.append(Section(title: "Opening", sentences: 0..<headings[0])) }
            for (k, heading) in headings.enumerated() {
                let end = k + 1 < headings.count ? headings[k + 1] : n
                sections.append(Section(title: document.sentences[heading].text, sentences: (heading + 1)..<max(heading + 1, end)))
            }
            return merge(sections.filter { !$0.sentences.isEmpty }, limit: 40)
        }
        if document.pages.count > 1 {
            var sections: [Section] = []
            var start = 0
            for page in document.pages {
                var end = start
                while end < n, document.sentences[end].span.page <= page.number { end += 1 }
                if end > start { sections.append(Section(title: "Page \(page.number)", sentences: start..<end)) }
                start = end
            }
            return merge(sections, limit: 40)
        }
        let parts = min(5, max(1, n / 3))
        return (0..<parts).map { k in
            Section(title: "Part \(k + 1) of \(parts)", sentences: (k * n / parts)..<((k + 1) * n / parts))
        }
    }

    /// Merges neighbouring sections until at most `limit` remain.
    private func merge(_ sections: [Section], limit: Int) -> [Section] {
        guard sections.count > limit else { return sections }
        let size = (sections.count + limit - 1) / limit
        return stride(from: 0, to: sections.count, by: size).map { start in
            let group = sections[start..<min(sections.count, start + size)]
            let title = group.count == 1 ? group.first!.title : "\(group.first!.title) – \(group.last!.title)"
            return Section(title: title, sentences: group.first!.sentences.lowerBound..<group.last!.sentences.upperBound)
        }
    }

    static func format(_ value: Double) -> String { String(format: "%+.2f", value) }
    static func percent(_ share: Double) -> String { "\(Int((share * 100).rounded()))%" }
}
