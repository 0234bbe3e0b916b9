import DocuThinkerCore
import TextProcessing
import Foundation
import NIOPosix
public import Embeddings

/// The always-available engine: deterministic, extractive, no network, no key. Every item is
/// built from the document's own sentences and cites them. Work runs on NIO's thread pool, or
/// wherever `runner` puts it (ingestion jobs: their own low-priority threads).
public struct OfflineAnalysisEngine: AnalysisEngine {
    /// Runs one analysis's CPU-bound work off the cooperative pool.
    public typealias Runner = @Sendable (@escaping @Sendable () throws -> AnalysisResult) async throws -> AnalysisResult

    public let name = "offline"
    /// Bump whenever an algorithm change alters results (cached results are keyed by it).
    public let version: String
    let ranker = SentenceRanker()
    /// The embedding signal for sentiment (nil: lexicon and rules only).
    let prototypes: SentimentPrototypes?
    /// The sentence-embedding model, for "focus on X" by meaning as well as by words.
    let embedder: MiniLMEmbedder?
    /// Where the work runs (default: NIO's shared thread pool).
    public var runner: Runner = { work in try await NIOThreadPool.singleton.runIfActive(work) }

    /// - Parameter embedder: the sentence-embedding model; when given, sentiment blends the
    ///   lexicon score with similarity to positive and negative prototype statements, and "focus
    ///   on X" also prefers sentences close in meaning to X.
    public init(embedder: MiniLMEmbedder? = nil) {
        self.embedder = embedder
        prototypes = embedder.map(SentimentPrototypes.init)
        version = embedder == nil ? "1.4" : "1.4+embedding"
    }

    public func summary(of document: AnalysisDocument, sentences: Int) async throws -> AnalysisResult {
        try await compute { try summarySync(document, sentences: sentences, kind: .summary) }
    }

    public func bulletSummary(of document: AnalysisDocument, sentences: Int) async throws -> AnalysisResult {
        try await compute { try summarySync(document, sentences: sentences, kind: .bulletSummary) }
    }

    public func keyIdeas(of document: AnalysisDocument, count: Int) async throws -> AnalysisResult {
        try await compute { try keyIdeasSync(document, count: count) }
    }

    public func discussionPoints(of document: AnalysisDocument, count: Int) async throws -> AnalysisResult {
        try await compute { try statementsSync(document, count: count, kind: .discussionPoints) }
    }

    public func recommendations(of document: AnalysisDocument, count: Int) async throws -> AnalysisResult {
        try await compute { try statementsSync(document, count: count, kind: .recommendations) }
    }

    public func refineSummary(_ summary: String, instruction: String, document: AnalysisDocument) async throws -> AnalysisResult {
        try await compute { try SummaryRefiner(engine: self).refine(summary, instruction: instruction, document: document) }
    }

    public func sentiment(of document: AnalysisDocument) async throws -> AnalysisResult {
        try await compute {
            try requireText(document)
            let (report, sections) = SentimentAnalyzer(prototypes: prototypes).analyze(document)
            return result(.sentiment, document, items: sections, sentiment: report, parameters: "")
        }
    }

    public func analytics(of document: AnalysisDocument) async throws -> AnalysisResult {
        try await compute {
            let features = SentenceFeatures(document: document)
            return result(.analytics, document, items: [],
                          analytics: TextAnalyticsCalculator.analytics(document, features: features), parameters: "")
        }
    }

    public func summaryInLanguage(of document: AnalysisDocument, language: String) async throws -> AnalysisResult {
        throw AnalysisError(.llmUnavailable, AnalysisKind.summaryInLanguage.needsLLMBecause ?? "")
    }

    public func rewrite(_ document: AnalysisDocument, style: String) async throws -> AnalysisResult {
        throw AnalysisError(.llmUnavailable, AnalysisKind.rewrite.needsLLMBecause ?? "")
    }

    // MARK: - Synchronous cores

    func summarySync(_ document: AnalysisDocument, sentences budget: Int, kind: AnalysisKind,
                     focus: Set<String> = [], focusPhrase: String? = nil, notes: [String] = []) throws -> AnalysisResult {
        try requireText(document)
        let features = SentenceFeatures(document: document)
        var scores = ranker.salience(document, features: features)
        var boost: [Float]?
        let sections = Self.sections(document)
        if !focus.isEmpty {
            // About X: sentences naming it, and the body of sections whose heading names it
            // ("focus on spacing" → the essay's "Optical spacing" section, also where a sentence
            // speaks of "the gaps between notes" without the word).
            let focused = Set(document.roles.indices.filter { document.roles[$0] == .heading && features.overlap($0, stems: focus) > 0 }.map { sections[$0] })
            var byTerms = document.sentences.indices.map { index in
                (features.overlap(index, stems: focus) > 0 ? 1.5 : 0) + (focused.contains(sections[index]) ? 1 : 0) as Float
            }
            if let embedder, let focusPhrase {
                FocusByMeaning.boost(&byTerms, phrase: focusPhrase, document: document, salience: scores, embedder: embedder)
            }
            boost = byTerms
        } else if let lead = leadSentence(document, features: features) {
            // Say first what the document is: its opening "X is a …" / "This manual describes …".
            if scores[lead] == 0 { scores[lead] = (scores.max() ?? 1) / 2 }
            boost = document.sentences.indices.map { $0 == lead ? 2 : 0 }
        }
        // Spread over sections, unless asked to focus (then one section may give several points).
        let chosen = ranker.select(budget, scores: scores, features: features, boost: boost, groups: focus.isEmpty ? sections : nil)
        let items = chosen.map { index in
            AnalysisItem(text: Self.clean(document.sentences[index].text), citations: [document.citation(ofSentence: index)],
                         score: (Double(scores[index]) * 10_000).rounded() / 10_000)
        }
        let joined = kind == .bulletSummary
            ? items.map { "- \($0.text)" }.joined(separator: "\n") : items.map(\.text).joined(separator: " ")
        var allNotes = notes
        if items.count < budget { allNotes.append("The document has only \(items.count) sentences suitable for a summary.") }
        return result(kind, document, items: items, summary: joined, parameters: "sentences=\(budget)", notes: allNotes)
    }

    func keyIdeasSync(_ document: AnalysisDocument, count: Int) throws -> AnalysisResult {
        try requireText(document)
        let features = SentenceFeatures(document: document)
        let scores = ranker.salience(document, features: features)
        let phrases = KeyPhraseExtractor().extract(document, features: features, salience: scores, count: count)
        let items = phrases.map { phrase in
            AnalysisItem(
                text: phrase.phrase.prefix(1).uppercased() + phrase.phrase.dropFirst(),
                citations: phrase.sentences.map(document.citation(ofSentence:)), score: (phrase.score * 1000).rounded() / 1000,
                phrase: phrase.phrase, detail: phrase.sentences.first.map { Self.clean(document.sentences[$0].text) })
        }
        return result(.keyIdeas, document, items: items, parameters: "count=\(count)")
    }

    func statementsSync(_ document: AnalysisDocument, count: Int, kind: AnalysisKind) throws -> AnalysisResult {
        try requireText(document)
        let features = SentenceFeatures(document: document)
        let scores = ranker.salience(document, features: features)
        let maxCentrality = features.centrality.max() ?? 1
        var weighted = [Float](repeating: 0, count: document.sentences.count)
        var flavours: [Int: StatementFinder.Flavour] = [:]
        let hasBody = document.roles.contains(where: \.isBody)
        for (index, sentence) in document.sentences.enumerated() where document.roles[index].isBody || !hasBody && !document.headingSentences.contains(index) && !document.roles[index].isApparatus {
            let words = features.tokens[index].map(\.lower)
            guard words.count >= 5, features.isProse[index] else { continue }
            let lower = " " + words.joined(separator: " ") + " "
            let isQuestion = sentence.text.trimmingCharacters(in: .whitespacesAndNewlines).hasSuffix("?")
            let strength: Double
            if kind == .discussionPoints {
                let (value, flavour) = StatementFinder.discussionStrength(words, lowerText: lower, isQuestion: isQuestion)
                strength = value
                flavours[index] = flavour
            } else {
                let stripped = Self.stripListMarker(words)
                strength = StatementFinder.directiveStrength(stripped, lowerText: lower, isQuestion: isQuestion)
            }
            guard strength > 0.3 else { continue }
            // Salience of every sentence: graph rank where computed, else centrality.
            let salience = scores[index] > 0 ? scores[index] : 0.5 * features.centrality[index] / max(maxCentrality, 1e-6)
            weighted[index] = (0.2 + salience) * Float(strength)
        }
        let properNouns = Self.properNouns(features)
        let chosen = ranker.select(count, scores: weighted, features: features)
            .sorted { weighted[$0] > weighted[$1] || (weighted[$0] == weighted[$1] && $0 < $1) }
        let items: [AnalysisItem] = chosen.map { index in
            let sentence = Self.clean(document.sentences[index].text)
            let text = kind == .discussionPoints
                ? StatementFinder.question(from: sentence, flavour: flavours[index] ?? .evaluative,
                                           isProperNoun: { properNouns.contains($0.lowercased()) }) : sentence
            return AnalysisItem(text: text, citations: [document.citation(ofSentence: index)],
                                score: (Double(weighted[index]) * 1000).rounded() / 1000, detail: sentence)
        }
        var notes: [String] = []
        if items.isEmpty {
            notes.append(kind == .discussionPoints
                ? "No contrasting, evaluative or causal statements were found to discuss."
                : "The document contains no directive or advisory statements (\"should\", \"must\", \"we recommend\", imperatives).")
        }
        return result(kind, document, items: items, parameters: "count=\(count)", notes: notes)
    }

    // MARK: - Helpers

    func result(_ kind: AnalysisKind, _ document: AnalysisDocument, items: [AnalysisItem], summary: String? = nil,
                sentiment: SentimentReport? = nil, analytics: TextAnalytics? = nil, parameters: String,
                notes: [String] = []) -> AnalysisResult {
        AnalysisResult(kind: kind, engine: name, engineVersion: version, documentId: document.id, items: items,
                       summary: summary, sentiment: sentiment, analytics: analytics, parameters: parameters, notes: notes)
    }

    private func requireText(_ document: AnalysisDocument) throws {
        guard !document.sentences.isEmpty else { throw AnalysisError(.noText, "The document has no text to analyse.") }
    }

    private func compute(_ work: @escaping @Sendable () throws -> AnalysisResult) async throws -> AnalysisResult {
        try await runner(work)
    }

    /// The early body sentence that says what the document is ("Gnuplot is a portable …",
    /// "This essay describes …"): among the first body sentences fit for a summary (5%, 40 to 150), one with
    /// a definition cue, preferring one that names the title's words early, then the most central.
    func leadSentence(_ document: AnalysisDocument, features: SentenceFeatures) -> Int? {
        let titleStems = Set(Tokenizer.tokens(document.title ?? "").filter { !$0.isStopword && $0.lower.count > 2 }.map(\.stem))
        let window = min(150, max(40, document.roles.filter(\.isBody).count / 20))
        let early = document.sentences.indices.lazy
            .filter { document.roles[$0].isBody && ranker.isEligible($0, document: document, features: features) }.prefix(window)
        func value(_ index: Int) -> Float {
            // "Gnuplot is a …" (the title's subject defined) before "This document corresponds to …".
            let tokens = Array(features.tokens[index].prefix(10))
            let namesTitle = tokens.prefix(6).contains { titleStems.contains($0.stem) }
            let verb = tokens.firstIndex { $0.lower == "is" || $0.lower == "are" }
            let defines = verb.map { $0 > 0 && titleStems.contains(tokens[$0 - 1].stem) } ?? false
            return (namesTitle ? 2 : 0) + (defines ? 1 : 0) + features.centrality[index]
        }
        return early.filter { index in
            let lower = " " + document.sentences[index].text.lowercased().split(whereSeparator: \.isWhitespace).joined(separator: " ") + " "
            return Self.definitionCues.contains { lower.contains($0) }
        }.max { value($0) < value($1) }
    }

    static let definitionCues = [
        " is a ", " is an ", " is the ", " are a ", " is free software", " this essay ", " this manual ", " this document ",
        " this book ", " this guide ", " this paper ", " this report ", " this tutorial ", " this article ", " this chapter describes ",
        " describes ", " introduces ", " is designed ", " is intended ",
    ]

    /// The section (count of headings before it) of every sentence: a summary takes its points
    /// from different sections before it takes two from one.
    static func sections(_ document: AnalysisDocument) -> [Int] {
        var section = 0
        return document.roles.map { role in
            if role == .heading { section += 1 }
            return section
        }
    }

    /// Sentence text for display (`SentenceProse`): a heading glued to its first line left out, line
    /// breaks and runs of spaces folded.
    static func clean(_ text: String) -> String {
        SentenceProse.text(text)
    }

    /// Words that are capitalised wherever they occur inside sentences (names, places).
    static func properNouns(_ features: SentenceFeatures) -> Set<String> {
        var capitalised = Set<String>(), lower = Set<String>()
        for tokens in features.tokens {
            for (k, token) in tokens.enumerated() where k > 0 {
                if token.isCapitalized { capitalised.insert(token.lower) } else { lower.insert(token.lower) }
            }
        }
        return capitalised.subtracting(lower)
    }

    static func stripListMarker(_ words: [String]) -> [String] {
        guard let first = words.first else { return words }
        if first.allSatisfy(\.isNumber) || first.count == 1 { return Array(words.dropFirst()) }
        return words
    }
}
