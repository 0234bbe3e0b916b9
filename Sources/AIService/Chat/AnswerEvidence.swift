import Analysis
import Retrieval
import Storage
public import Foundation

/// What the retrieved passages say about a question, gathered before chat decides to answer:
/// how close the best sentence comes, and where each content word of the question occurs — in
/// the library at all, in the passages retrieved for it, in the best sentences. A near-topic
/// question the library cannot answer ("Does the Qt window switch to dark mode?") finds
/// passages about its topic that never use its specific words; an answerable one finds its
/// words there, or comes very close in meaning.
public struct AnswerEvidence: Codable, Sendable {
    /// One content word of the question.
    public struct Term: Codable, Sendable {
        public var word: String
        /// Passages of the searched documents holding the word in any English spelling, counted up
        /// to `AnswerEvidence.frequencyCap` (0: the library never uses it; nil: not counted, as
        /// the word is in the retrieved passages and the decision does not need it).
        public var libraryPassages: Int?
        /// The word (or a form of it) occurs in one of the passages retrieved for the question.
        public var inPassages: Bool
        /// … in one of the best candidate sentences.
        public var inBestSentences: Bool
        /// Highest cosine between the word alone and a retrieved passage's words (1 when it occurs
        /// there; 0 without an embedding model).
        public var nearestInPassages: Float

        public init(word: String, libraryPassages: Int?, inPassages: Bool, inBestSentences: Bool, nearestInPassages: Float) {
            self.word = word
            self.libraryPassages = libraryPassages
            self.inPassages = inPassages
            self.inBestSentences = inBestSentences
            self.nearestInPassages = nearestInPassages
        }
    }

    /// A candidate sentence as ranked (for diagnosis).
    public struct Ranked: Codable, Sendable {
        public var text: String
        public var similarity: Float
        public var overlap: Float
        /// Rank of the passage it came from (0: the best retrieved).
        public var passage: Int
        public init(text: String, similarity: Float, overlap: Float, passage: Int) {
            self.text = text
            self.similarity = similarity
            self.overlap = overlap
            self.passage = passage
        }
    }

    public var terms: [Term]
    /// The best candidate sentences, best first (at most ten).
    public var leading: [Ranked] = []
    /// Cosine between the question and its best sentence (0 without an embedding model).
    public var bestSimilarity: Float
    /// Share of the question's content stems in its best sentence.
    public var bestOverlap: Float
    /// How many passages the searched documents have (what "rare" is relative to).
    public var searchedPassages = 0

    public init(terms: [Term], bestSimilarity: Float, bestOverlap: Float) {
        self.terms = terms
        self.bestSimilarity = bestSimilarity
        self.bestOverlap = bestOverlap
    }

    /// Library passages counted per word, at most.
    public static let frequencyCap = 20

    /// Words of the question the searched documents never use, unless a word of the retrieved
    /// passages is within `closeness` of it (the manual's "computerengraved" for "computer-engraved").
    public func unknown(closeness: Float) -> [String] {
        terms.filter { $0.libraryPassages == 0 && $0.nearestInPassages < closeness }.map(\.word)
    }

    /// Words the retrieved passages neither use nor come close to (`nearestInPassages` below
    /// `closeness`: a different word for the same thing stays covered) and that fewer than
    /// `rarerThan` passages of the library use: what the question is specifically about, which
    /// the passages found for it never mention.
    public func uncovered(closeness: Float, rarerThan: Int) -> [String] {
        terms.filter { !$0.inPassages && $0.nearestInPassages < closeness && ($0.libraryPassages ?? Self.frequencyCap) < rarerThan }.map(\.word)
    }

    /// Words, common or rare, that the retrieved passages neither use nor come within `closeness` of.
    public func missing(closeness: Float) -> [String] {
        terms.filter { !$0.inPassages && $0.nearestInPassages < closeness }.map(\.word)
    }
}

extension ChatService {
    /// Content words of a question as searched: not stop words, not how it is asked, longer than
    /// two letters, one per stem, at most eight; a possessive is looked up as its word ("deno's" → "deno").
    static func contentTerms(_ question: String) -> [Token] {
        var seen = Set<String>(), terms: [Token] = []
        for var token in Tokenizer.tokens(question) where !token.isStopword {
            if token.lower.hasSuffix("'s") { token.lower.removeLast(2) }
            guard token.lower.count > 2, !questionWords.contains(token.lower), !Tokenizer.isStopword(token.lower),
                  seen.insert(token.stem).inserted, terms.count < 8 else { continue }
            terms.append(token)
        }
        return terms
    }

    /// How many passages of the searched documents use a word in any of its spellings (up to the
    /// cap). A word of several parts (`path.matchesGlob`, `3.9`, `140-2`) counts the passages that
    /// hold it whole, not those with any of its parts.
    func libraryPassages(_ word: String, ownerId: String, documentIds: [String]?) async throws -> Int {
        var most = 0
        for spelling in Self.spellings(of: word) where most < AnswerEvidence.frequencyCap {
            var hits = try await search.search(ownerId: ownerId, query: spelling, mode: .keyword, documentIds: documentIds,
                                               limit: AnswerEvidence.frequencyCap)
            if spelling.contains(where: { !($0.isLetter || $0.isNumber) }) { hits.removeAll { !$0.text.lowercased().contains(spelling) } }
            most = max(most, hits.count)
        }
        return most
    }

    /// A word and its other English spellings (`licence`/`license`, `colour`/`color`,
    /// `organise`/`organize`, `centre`/`center`): a question in British English still finds an
    /// American manual's words.
    static func spellings(of word: String) -> [String] {
        var forms = [word]
        for (a, b) in [("our", "or"), ("ise", "ize"), ("isa", "iza"), ("ence", "ense"), ("tre", "ter"), ("ogue", "og"), ("lled", "led"), ("lling", "ling")] {
            if word.contains(a) { forms.append(word.replacingOccurrences(of: a, with: b)) }
            if word.contains(b) && b.count > 1 { forms.append(word.replacingOccurrences(of: b, with: a)) }
        }
        return Array(forms.prefix(4))
    }

    /// The question followed by the other English spellings of its words, so that "Which licence…?"
    /// also finds the passages that say "License".
    static func withOtherSpellings(_ question: String) -> String {
        let others = contentTerms(question).flatMap { spellings(of: $0.lower).dropFirst() }
        return others.isEmpty ? question : question + " " + others.joined(separator: " ")
    }

    /// Stems of a word in all its spellings.
    static func stems(of word: String) -> Set<String> {
        Set(spellings(of: word).map(Tokenizer.stem))
    }

    /// Words of how a question is asked rather than what it is about.
    static let questionWords: Set<String> = ["how", "what", "which", "why", "when", "where", "who", "does", "can", "should", "would", "could"]
}
