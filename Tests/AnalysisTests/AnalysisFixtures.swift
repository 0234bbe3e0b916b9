import Analysis
import DocuThinkerCore
import TextProcessing

/// Real prose for the analysis tests: passages written for these tests about a town's water.
enum Texts {
    static let report = """
    Riverton Water Report

    The town of Riverton replaced its water filters in March. Since then, lead levels in tap water have fallen by 40 percent. The council says the new filters are the main reason for the improvement.

    However, some residents argue that the older pipes in the north district still leak lead into the supply. The council should publish the test results for every district. Critics claim the sampling was too small to be reliable.

    Costs

    The filter programme cost 2.4 million dollars, which is more than the council planned. Because the costs rose, the council delayed repairs to the library roof. Residents must be told how the remaining budget will be spent.

    Next steps

    Replace the remaining lead pipes in the north district before winter. Test the water in every school each month. We recommend that the council hires an independent laboratory to confirm the results. Dr. Okafor, the health officer, believes the programme is a success, but she warns that the work is not finished.
    """

    static func document(_ text: String = report, id: String = "doc-1") -> AnalysisDocument {
        AnalysisDocument(id: id, text: text)
    }

    /// Every citation's quote is the text at its span and contains the sentence it backs.
    static func checkCitations(_ result: AnalysisResult, in document: AnalysisDocument) -> Bool {
        result.items.allSatisfy { item in
            !item.citations.isEmpty && item.citations.allSatisfy { citation in
                citation.documentId == document.id && document.text.slice(citation.start, citation.end) == citation.quote
                    && document.sentences.contains { $0.span.start == citation.start && $0.span.end == citation.end }
            }
        }
    }
}
