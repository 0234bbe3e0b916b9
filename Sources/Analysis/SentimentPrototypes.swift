import Embeddings
import Foundation

/// A second, semantic sentiment signal from the sentence-embedding model the product already
/// ships: how much closer a sentence is to a few generic positive statements than to their
/// negative counterparts (cosine, all-MiniLM-L6-v2). No training; the anchors were written once.
/// Lexicons miss evaluative language they do not list; the embedding catches much of it.
public struct SentimentPrototypes: Sendable {
    static let positive = [
        "This is wonderful, I loved it.", "An excellent, moving and brilliant experience.",
        "Highly recommended, a delight from start to finish.", "It works beautifully and I am very happy with it.",
        "A great success.",
    ]
    static let negative = [
        "This is terrible, I hated it.", "A dull, boring and disappointing mess.", "Not recommended, a waste of time.",
        "It fails badly and I am very unhappy with it.", "A complete failure.",
    ]
    /// Weight of the embedding signal against the lexicon score (their spreads differ ~8x).
    static let weight = 8.0
    /// Most sentences embedded per document; others keep the lexicon score alone.
    static let maxSentences = 3_000

    let embedder: MiniLMEmbedder
    let positiveVectors: [[Float]]
    let negativeVectors: [[Float]]

    public init(embedder: MiniLMEmbedder) {
        self.embedder = embedder
        positiveVectors = embedder.embedSynchronously(Self.positive)
        negativeVectors = embedder.embedSynchronously(Self.negative)
    }

    /// Positive-minus-negative prototype similarity of each text.
    func similarity(_ texts: [String]) -> [Double] {
        embedder.embedSynchronously(texts).map { vector in
            func mean(_ anchors: [[Float]]) -> Double {
                anchors.reduce(0.0) { sum, anchor in sum + Double(embeddingSimilarity(anchor, vector)) } / Double(anchors.count)
            }
            return mean(positiveVectors) - mean(negativeVectors)
        }
    }

    /// Lexicon scores blended with the embedding signal, in -1...1 (an evenly spaced subset of
    /// at most `maxSentences` sentences is embedded).
    func blend(_ lexicon: [Double], sentences: [String]) -> [Double] {
        let stride = max(1, (sentences.count + Self.maxSentences - 1) / Self.maxSentences)
        let chosen = Swift.stride(from: 0, to: sentences.count, by: stride).map { $0 }
        let semantic = similarity(chosen.map { sentences[$0] })
        var blended = lexicon
        for (k, index) in chosen.enumerated() {
            blended[index] = max(-1, min(1, (lexicon[index] + Self.weight * semantic[k]) / 2))
        }
        return blended
    }
}
