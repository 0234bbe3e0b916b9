import Foundation

/// Lexicon-and-rules sentiment of one sentence, following VADER (Hutto & Gilbert, 2014):
/// valences from the lexicon, boosted by intensifiers, flipped by negation within three words,
/// re-weighted around contrast words ("but", "however", "although"), emphasised by capitals and
/// exclamation marks, then squashed to -1...1.
enum SentimentScorer {
    static let negations: Set<String> = [
        "not", "no", "never", "none", "nobody", "nothing", "neither", "nor", "nowhere", "cannot", "can't", "don't",
        "doesn't", "didn't", "isn't", "aren't", "wasn't", "weren't", "won't", "wouldn't", "shouldn't", "couldn't",
        "hasn't", "haven't", "hadn't", "without", "lack", "lacks", "lacking", "hardly", "barely", "rarely", "seldom",
        "aint", "ain't", "dont", "doesnt", "didnt", "isnt", "wasnt", "cant", "wont", "wouldnt", "neednt", "needn't",
    ]
    static let boosters: [String: Double] = [
        "absolutely": 0.293, "amazingly": 0.293, "completely": 0.293, "considerably": 0.293, "deeply": 0.293,
        "enormously": 0.293, "entirely": 0.293, "especially": 0.293, "exceptionally": 0.293, "extremely": 0.293,
        "fully": 0.293, "greatly": 0.293, "highly": 0.293, "hugely": 0.293, "incredibly": 0.293, "intensely": 0.293,
        "majorly": 0.293, "more": 0.293, "most": 0.293, "particularly": 0.293, "purely": 0.293, "quite": 0.293,
        "really": 0.293, "remarkably": 0.293, "so": 0.293, "substantially": 0.293, "thoroughly": 0.293,
        "totally": 0.293, "tremendously": 0.293, "truly": 0.293, "unbelievably": 0.293, "utterly": 0.293,
        "very": 0.293, "too": 0.293, "almost": -0.293, "barely": -0.293, "hardly": -0.293, "kind of": -0.293,
        "less": -0.293, "little": -0.293, "marginally": -0.293, "occasionally": -0.293, "partly": -0.293,
        "scarcely": -0.293, "slightly": -0.293, "somewhat": -0.293, "sort of": -0.293,
    ]
    /// Words after which earlier sentiment counts half and later sentiment one and a half.
    static let pivots: Set<String> = ["but", "however", "yet", "nevertheless", "nonetheless", "still", "though"]
    /// Words whose own clause is conceded: "although it was long, it was gripping".
    static let concessives: Set<String> = ["although", "though", "despite", "while", "whereas", "even"]

    /// Evaluative constructions that single words miss: excess ("too slow"), failure ("fails to"),
    /// absence ("lacks"), unmet potential ("could have been"), insufficiency ("not enough") and worth.
    static let phrases: [(String, Double)] = [
        ("fails to", -2.0), ("failed to", -2.0), ("fail to", -2.0), ("could have been", -1.5),
        ("should have been", -1.5), ("might have been", -1.2), ("not enough", -1.5), ("nothing new", -1.5),
        ("lacks", -1.5), ("lacking", -1.5), ("falls short", -2.0), ("fell short", -2.0), ("too long", -1.6),
        ("too slow", -1.6), ("too much", -1.2), ("too little", -1.2), ("too many", -1.2), ("too predictable", -2.0),
        ("worth seeing", 1.8), ("worth watching", 1.8), ("worth reading", 1.8), ("worth the", 1.5), ("well worth", 2.0),
        ("manages to", 1.0), ("must-see", 2.5), ("waste of", -2.0),
    ]

    static func phraseValence(_ lower: String) -> Double {
        var total = 0.0
        for (phrase, valence) in phrases where lower.contains(phrase) {
            // A negated phrase ("not worth the") turns around, as single words do.
            if let range = lower.range(of: phrase) {
                let before = lower[..<range.lowerBound].split(separator: " ").suffix(2)
                total += before.contains(where: { negations.contains(String($0)) }) ? -0.74 * valence : valence
            }
        }
        return total
    }

    /// The compound score of a sentence in -1...1.
    static func score(_ sentence: String) -> Double {
        let raw = sentence.split(whereSeparator: { $0.isWhitespace })
        var words: [String] = []
        var shouting: [Bool] = []
        for piece in raw {
            let trimmed = piece.trimmingCharacters(in: CharacterSet.punctuationCharacters.subtracting(CharacterSet(charactersIn: "'")))
            let word = trimmed.isEmpty ? String(piece) : trimmed
            words.append(word.lowercased().replacingOccurrences(of: "’", with: "'"))
            shouting.append(word.count > 1 && word == word.uppercased() && word.contains(where: \.isLetter))
        }
        let anyLower = zip(words, shouting).contains { !$1 && $0.contains(where: \.isLetter) }
        var valences = [Double](repeating: 0, count: words.count)
        for (i, word) in words.enumerated() {
            guard var valence = VaderLexicon.valence[word] else { continue }
            if boosters[word] != nil, i + 1 < words.count, VaderLexicon.valence[words[i + 1]] != nil { continue }
            if shouting[i], anyLower { valence += valence > 0 ? 0.733 : -0.733 }
            for distance in 1...3 where i - distance >= 0 {
                let previous = words[i - distance]
                if let boost = boosters[previous] {
                    let scaled = boost * (distance == 1 ? 1 : distance == 2 ? 0.95 : 0.9)
                    valence += valence > 0 ? scaled : -scaled
                }
            }
            let window = words[max(0, i - 3)..<i]
            if window.contains(where: { negations.contains($0) || $0.hasSuffix("n't") }) {
                valence *= -0.74
            }
            valences[i] = valence
        }
        if let pivot = words.firstIndex(where: pivots.contains), pivot > 0 {
            for i in valences.indices { valences[i] *= i < pivot ? 0.5 : 1.5 }
        } else if let first = words.first, concessives.contains(first), let comma = raw.firstIndex(where: { $0.hasSuffix(",") }) {
            for i in valences.indices { valences[i] *= i <= comma ? 0.5 : 1.5 }
        }
        var sum = valences.reduce(0, +) + phraseValence(sentence.lowercased())
        let exclamations = min(4, sentence.filter { $0 == "!" }.count)
        if sum != 0 { sum += (sum > 0 ? 1 : -1) * Double(exclamations) * 0.292 }
        return sum / (sum * sum + 15).squareRoot()
    }
}
