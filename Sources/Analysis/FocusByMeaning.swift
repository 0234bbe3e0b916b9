import DocuThinkerCore
import Embeddings
import TextProcessing

/// "Focus on X" by meaning: sentences close to X in the embedding space are preferred too, so
/// "focus on money" finds the sentences about fees and costs that never say "money". The
/// sentences compared are the body sentences already favoured (by the words of X, their
/// section, their salience), at most `pool`, so a 300-page manual costs one bounded batch.
/// A short query's cosines are compressed (0.1–0.3 for "about money" against a page of
/// sentences), so the boost is relative: 0 at the pool's mean cosine, `weight` at its best.
enum FocusByMeaning {
    static let pool = 400
    /// The boost of the closest sentence (a sentence that names X gains 1.5, its section 1).
    static let weight: Float = 2

    static func boost(_ boost: inout [Float], phrase: String, document: AnalysisDocument, salience: [Float], embedder: MiniLMEmbedder) {
        let body = document.sentences.indices.filter { document.roles.isEmpty || document.roles[$0] == .body }
        let chosen = Array(body.sorted { (boost[$0], salience[$0], -$0) > (boost[$1], salience[$1], -$1) }.prefix(pool))
        guard chosen.count > 1 else { return }
        let vectors = embedder.embedSynchronously(["about " + phrase] + chosen.map { document.sentences[$0].text })
        let cosines = chosen.indices.map { k in embeddingSimilarity(vectors[0], vectors[k + 1]) }
        let mean = cosines.reduce(0, +) / Float(cosines.count), best = cosines.max() ?? 0
        guard best > mean else { return }
        for (k, index) in chosen.enumerated() {
            boost[index] += weight * max(0, cosines[k] - mean) / (best - mean)
        }
    }
}
