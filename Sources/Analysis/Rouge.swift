/// ROUGE-N and ROUGE-L (F1) between a candidate and a reference text, on lower-cased word
/// tokens with the light stemmer (like `rouge-score` with stemming on).
public enum Rouge {
    /// Precision, recall and F1.
    public struct Score: Codable, Sendable {
        public var precision: Double
        public var recall: Double
        public var f1: Double
    }

    static func words(_ text: String) -> [String] {
        Tokenizer.tokens(text).map { Tokenizer.stem($0.lower) }
    }

    public static func n(_ n: Int, candidate: String, reference: String) -> Score {
        func grams(_ words: [String]) -> [String: Int] {
            guard words.count >= n else { return [:] }
            var counts: [String: Int] = [:]
            for i in 0...(words.count - n) { counts[words[i..<(i + n)].joined(separator: " "), default: 0] += 1 }
            return counts
        }
        let c = grams(words(candidate)), r = grams(words(reference))
        let overlap = c.reduce(0) { $0 + min($1.value, r[$1.key] ?? 0) }
        return score(overlap: overlap, candidate: c.values.reduce(0, +), reference: r.values.reduce(0, +))
    }

    public static func l(candidate: String, reference: String) -> Score {
        let a = words(candidate), b = words(reference)
        guard !a.isEmpty, !b.isEmpty else { return Score(precision: 0, recall: 0, f1: 0) }
        var previous = [Int](repeating: 0, count: b.count + 1)
        var current = previous
        for i in 1...a.count {
            for j in 1...b.count {
                current[j] = a[i - 1] == b[j - 1] ? previous[j - 1] + 1 : max(previous[j], current[j - 1])
            }
            swap(&previous, &current)
        }
        return score(overlap: previous[b.count], candidate: a.count, reference: b.count)
    }

    private static func score(overlap: Int, candidate: Int, reference: Int) -> Score {
        let precision = candidate > 0 ? Double(overlap) / Double(candidate) : 0
        let recall = reference > 0 ? Double(overlap) / Double(reference) : 0
        let f1 = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0
        return Score(precision: precision, recall: recall, f1: f1)
    }
}
