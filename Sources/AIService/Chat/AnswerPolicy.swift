/// When chat answers from what it retrieved and when it says it cannot: thresholds on the best
/// sentence's similarity to the question and on the question's words the passages never use
/// (`AnswerEvidence`), calibrated with `docuthinker evaluate --manuals … --evidence-output`.
public struct AnswerPolicy: Sendable {
    /// Minimum cosine between question and best sentence to answer. Calibrated with
    /// `docuthinker evaluate --retrieval … --unrelated …` on 100 questions about the R manuals and
    /// 20 unrelated ones: at 0.35 all were answered and all unrelated refused, at 0.42 98% / 100%,
    /// at 0.50 89% / 100%; 0.38 keeps a margin on both sides.
    public var minimumSimilarity: Float = 0.38
    /// With a content word of the question that no searched document contains, the similarity a
    /// sentence needs to answer anyway (calibrated on bench/manuals: see `AnswerEvidence`).
    public var unknownTermSimilarity: Float = 0.8
    /// A word the documents never use but this close to a retrieved word is that word spelled
    /// differently ("computer-engraved", 0.87 from the manual's "computerengraved"; unknown
    /// product names on bench/manuals come at most 0.60 from anything retrieved).
    public var respelledWord: Float = 0.75
    /// A question word used by fewer library passages than this (and than `rareTermShare` of the
    /// library's passages: in a small library no word is rare), absent from the passages
    /// retrieved and not within `closeWord` of a word of the best sentences, declines the
    /// question (`AnswerEvidence.uncovered`) unless a sentence is within `uncoveredTermSimilarity`.
    /// So do `missingTermLimit` such words however common and however close a sentence comes: the
    /// passages are about something else.
    /// Calibrated on bench/manuals (97 answerable, 48 near-topic unanswerable; see its results).
    public var rareTermPassages = 10
    public var rareTermShare = 0.01
    public var missingTermLimit = 3
    public var closeWord: Float = 0.6
    public var uncoveredTermSimilarity: Float = 0.8

    public init() {}

    /// Whether the evidence is good enough to answer from. With the embedding model: the best
    /// sentence must come within `minimumSimilarity` of the question, and a question with a word
    /// the documents never use (and nothing retrieved comes within `respelledWord` of) needs a very
    /// close sentence (`unknownTermSimilarity`); all but `missingTermLimit - 1` of the question's
    /// words, and below `uncoveredTermSimilarity` every rare one, must be in (or close to) what
    /// was retrieved. Without
    /// it: most of the question's content words must be in the best sentence.
    public func answers(_ evidence: AnswerEvidence, embedded: Bool) -> Bool {
        guard embedded else { return evidence.bestOverlap >= 0.6 && evidence.unknown(closeness: 2).isEmpty }
        guard evidence.bestSimilarity >= minimumSimilarity else { return false }
        if !evidence.unknown(closeness: respelledWord).isEmpty, evidence.bestSimilarity < unknownTermSimilarity { return false }
        // Most of what is asked is nowhere in what was found, however close a sentence about the
        // same product comes ("an official gnuplot app for iOS?" and "gnuplot has been developed since 1986", 0.82).
        if evidence.missing(closeness: closeWord).count >= missingTermLimit { return false }
        // Passages on the topic that never say what the question is specifically about.
        return evidence.bestSimilarity >= uncoveredTermSimilarity || evidence.uncovered(closeness: closeWord, rarerThan: rareLimit(evidence)).isEmpty
    }

    /// Fewer library passages than this make a word rare.
    public func rareLimit(_ evidence: AnswerEvidence) -> Int {
        min(rareTermPassages, Int(Double(evidence.searchedPassages) * rareTermShare))
    }

    /// Whether comparing the missing words with the best sentences' words (an embedding batch)
    /// can change the decision: the similarity alone does not settle it and a missing word could
    /// make the question decline (or, close to a retrieved word, not count as unknown).
    public func needsCloseness(_ evidence: AnswerEvidence) -> Bool {
        let similarity = evidence.bestSimilarity
        guard similarity >= minimumSimilarity else { return false }
        let missing = evidence.terms.filter { !$0.inPassages }
        if similarity < unknownTermSimilarity, missing.contains(where: { $0.libraryPassages == 0 }) { return true }
        if missing.count >= missingTermLimit { return true }
        guard similarity < uncoveredTermSimilarity else { return false }
        return missing.contains { ($0.libraryPassages ?? AnswerEvidence.frequencyCap) < rareLimit(evidence) }
    }
}
