import DocuThinkerCore
import TextProcessing
import Foundation

/// Sparse TF-IDF vectors of a document's sentences (stems of non-stopwords), with the document
/// centroid. Built in one pass over the tokens, so it scales linearly with the document.
struct SentenceFeatures: Sendable {
    /// Sentence vectors as (term id, weight) pairs sorted by term id, L2-normalised.
    let vectors: [[(term: Int, weight: Float)]]
    /// Content-word count of each sentence.
    let contentWords: [Int]
    /// All word tokens of each sentence.
    let tokens: [[Token]]
    /// Whether each sentence reads as prose (mostly words, some function words) rather than code,
    /// tables or reference fragments.
    let isProse: [Bool]
    /// Cosine of each sentence with the document centroid.
    let centrality: [Float]
    /// Term id of each stem, and document frequency (in sentences) of each term.
    let termIDs: [String: Int]
    let documentFrequency: [Int]

    init(document: AnalysisDocument) {
        var termIDs: [String: Int] = [:]
        var documentFrequency: [Int] = []
        var counts: [[Int: Int]] = []
        var tokens: [[Token]] = []
        counts.reserveCapacity(document.sentences.count)
        for sentence in document.sentences {
            let sentenceTokens = Tokenizer.tokens(document.text.scalars[sentence.span.start..<sentence.span.end], offset: sentence.span.start)
            tokens.append(sentenceTokens)
            var tf: [Int: Int] = [:]
            for token in sentenceTokens where !token.isStopword && token.lower.count > 1 && !Self.isNumber(token.lower) {
                let id: Int
                if let existing = termIDs[token.stem] { id = existing } else {
                    id = documentFrequency.count
                    termIDs[token.stem] = id
                    documentFrequency.append(0)
                }
                if tf[id] == nil { documentFrequency[id] += 1 }
                tf[id, default: 0] += 1
            }
            counts.append(tf)
        }
        let n = Float(max(1, document.sentences.count))
        var vectors: [[(term: Int, weight: Float)]] = []
        vectors.reserveCapacity(counts.count)
        var centroid = [Float](repeating: 0, count: documentFrequency.count)
        for tf in counts {
            var vector = tf.sorted { $0.key < $1.key }.map { term, count in
                (term: term, weight: (1 + log(Float(count))) * (log((n + 1) / Float(documentFrequency[term] + 1)) + 1))
            }
            let norm = sqrt(vector.reduce(0) { $0 + $1.weight * $1.weight })
            if norm > 0 { for k in vector.indices { vector[k].weight /= norm } }
            for entry in vector { centroid[entry.term] += entry.weight }
            vectors.append(vector)
        }
        let centroidNorm = sqrt(centroid.reduce(0) { $0 + $1 * $1 })
        self.centrality = vectors.map { vector in
            centroidNorm > 0 ? vector.reduce(0) { $0 + $1.weight * centroid[$1.term] } / centroidNorm : 0
        }
        self.isProse = document.sentences.map { Self.looksLikeProse($0.text) }
        self.vectors = vectors
        self.contentWords = counts.map { $0.values.reduce(0, +) }
        self.tokens = tokens
        self.termIDs = termIDs
        self.documentFrequency = documentFrequency
    }

    /// Cosine similarity of two sentences (their vectors are normalised).
    func similarity(_ a: Int, _ b: Int) -> Float {
        let x = vectors[a], y = vectors[b]
        var i = 0, j = 0
        var sum: Float = 0
        while i < x.count, j < y.count {
            if x[i].term == y[j].term { sum += x[i].weight * y[j].weight; i += 1; j += 1 }
            else if x[i].term < y[j].term { i += 1 } else { j += 1 }
        }
        return sum
    }

    /// Cosine of a sentence with a bag of stems (e.g. a query or a focus term).
    func overlap(_ sentence: Int, stems: Set<String>) -> Float {
        let ids = Set(stems.compactMap { termIDs[$0] })
        return vectors[sentence].reduce(0) { ids.contains($1.term) ? $0 + $1.weight : $0 }
    }

    /// Prose: at least 70% of whitespace-separated pieces are plain words, some are function
    /// words, and no code markers (`<-`, `##`, `{`, `()`, `==`) appear.
    static func looksLikeProse(_ text: String) -> Bool {
        if ["<-", "##", "{", "}", "()", "==", "->", "::", "$ "].contains(where: text.contains) { return false }
        let pieces = text.split(whereSeparator: { $0.isWhitespace })
        guard pieces.count >= 4 else { return true }
        var words = 0, functionWords = 0
        for piece in pieces {
            let core = piece.trimmingCharacters(in: CharacterSet(charactersIn: ",.;:!?\"'()“”‘’"))
            guard !core.isEmpty, core.allSatisfy({ $0.isLetter || $0 == "-" || $0 == "'" || $0 == "’" }) else { continue }
            words += 1
            if Stopwords.english.contains(core.lowercased()) { functionWords += 1 }
        }
        return Double(words) >= 0.7 * Double(pieces.count) && (pieces.count < 8 || Double(functionWords) >= 0.12 * Double(pieces.count))
    }

    static func isNumber(_ word: String) -> Bool {
        word.unicodeScalars.allSatisfy { $0.properties.numericType != nil || $0 == "." || $0 == "," || $0 == "-" }
    }
}
