import DocuThinkerCore
import TextProcessing
import Foundation

/// A key phrase with the sentences that support it.
struct KeyPhrase {
    var phrase: String
    var stems: [String]
    var score: Double
    var sentences: [Int]
}

/// Key-phrase extraction in the RAKE/YAKE family: candidates are runs of up to four content
/// words inside a sentence (never across punctuation); a phrase scores by how often its words
/// occur and co-occur, how early it first appears and whether headings use it.
struct KeyPhraseExtractor {
    var maxWords = 4

    /// The `count` best phrases; a phrase made only of the title's words is not an idea of the document (it is its name).
    func extract(_ document: AnalysisDocument, features: SentenceFeatures, salience: [Float], count: Int) -> [KeyPhrase] {
        let titleStems = Set(Tokenizer.tokens(document.title ?? "").filter { !$0.isStopword }.map(\.stem))
        var frequency: [String: Int] = [:]        // phrase stem key → occurrences
        var surface: [String: [String: Int]] = [:]
        var stemsOf: [String: [String]] = [:]
        var firstSeen: [String: Int] = [:]
        var sentencesOf: [String: [Int]] = [:]
        var wordFrequency: [String: Int] = [:]
        var wordDegree: [String: Int] = [:]
        let scalars = document.text.scalars
        // Body concepts: phrases of the body's prose (of all prose when the document has no body).
        let hasBody = document.roles.indices.contains { document.roles[$0].isBody && features.isProse[$0] }
        for (index, tokens) in features.tokens.enumerated() where features.isProse[index] && (!hasBody || document.roles[index].isBody) {
            var run: [Token] = []
            func flush() {
                defer { run = [] }
                guard !run.isEmpty, run.count <= maxWords else { return }
                let stems = run.map(\.stem)
                if stems.count == 1, stems[0].count < 3 { return }
                let key = stems.joined(separator: " ")
                frequency[key, default: 0] += 1
                let text = run.map(\.lower).joined(separator: " ")
                surface[key, default: [:]][text, default: 0] += 1
                stemsOf[key] = stems
                if firstSeen[key] == nil { firstSeen[key] = index }
                if sentencesOf[key]?.last != index { sentencesOf[key, default: []].append(index) }
                for stem in stems {
                    wordFrequency[stem, default: 0] += 1
                    wordDegree[stem, default: 0] += stems.count
                }
            }
            for (k, token) in tokens.enumerated() {
                let content = !token.isStopword && token.lower.count > 1 && !SentenceFeatures.isNumber(token.lower)
                if !content { flush(); continue }
                if let previous = run.last {
                    // Only whitespace or a hyphen may separate the words of one phrase.
                    let gap = scalars[previous.end..<token.start]
                    if !gap.allSatisfy({ $0 == " " || $0 == "-" }) || k > 0 && tokens[k - 1].end != previous.end { flush() }
                }
                run.append(token)
            }
            flush()
        }
        let headingStems = Set(document.headingSentences.flatMap { features.tokens[$0].map(\.stem) })
        let total = Double(max(1, document.sentences.count))
        var scored: [KeyPhrase] = []
        for (key, occurrences) in frequency {
            let stems = stemsOf[key]!
            if stems.count == 1, occurrences < 2, document.sentences.count > 5 { continue }
            let wordScore = stems.reduce(0.0) { sum, stem in
                sum + Double(wordDegree[stem] ?? 1) / Double(wordFrequency[stem] ?? 1) * log(1 + Double(wordFrequency[stem] ?? 1))
            } / Double(stems.count)
            let position = 1 + 0.3 * (1 - Double(firstSeen[key]!) / total)
            let heading = stems.contains(where: headingStems.contains) ? 1.3 : 1
            let lengthBonus = stems.count == 1 ? 0.6 : stems.count == 2 ? 1.15 : 1.0
            let score = log(1 + Double(occurrences)) * wordScore * position * heading * lengthBonus
            let best = surface[key]!.max { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }!.key
            if Self.isAddress(best) { continue }
            let support = sentencesOf[key]!.sorted { salience[$0] > salience[$1] || (salience[$0] == salience[$1] && $0 < $1) }
            scored.append(KeyPhrase(phrase: best, stems: stems, score: score, sentences: Array(support.prefix(2))))
        }
        scored.sort { $0.score > $1.score || ($0.score == $1.score && $0.phrase < $1.phrase) }
        var chosen: [KeyPhrase] = []
        for candidate in scored where chosen.count < count {
            let stems = Set(candidate.stems)
            if !titleStems.isEmpty, stems.isSubset(of: titleStems) { continue }
            let overlaps = chosen.contains { other in
                let shared = stems.intersection(other.stems).count
                return Double(shared) / Double(min(stems.count, other.stems.count)) >= 0.5
            }
            if !overlaps { chosen.append(candidate) }
        }
        return chosen
    }

    /// Web addresses and their parts are not ideas (`https`, `www`, `github.com`).
    static func isAddress(_ phrase: String) -> Bool {
        phrase.split(separator: " ").contains { word in
            ["http", "https", "www", "com", "org", "html"].contains(word) || word.contains(".") || word.contains("/") || word.contains("@")
        }
    }
}
