public import Embeddings

/// Embeds passages whole: text longer than the model's 256-token window is embedded in
/// overlapping token windows whose vectors are averaged and re-normalised, so no part of a chunk
/// is silently cut (and no token is embedded more often than the overlap needs).
public struct ChunkEmbedding: Sendable {
    public let embedder: MiniLMEmbedder
    /// Word pieces shared by consecutive windows.
    public var overlapTokens = 32

    public init(embedder: MiniLMEmbedder) {
        self.embedder = embedder
    }

    /// One unit vector per text, on up to `workers` threads (default: the embedder's parallelism).
    public func embed(_ texts: [String], workers: Int? = nil) -> [[Float]] {
        var pieces: [[Int32]] = []
        var owner: [Int] = []
        for (index, text) in texts.enumerated() {
            for window in embedder.tokenWindows(text, overlap: overlapTokens) {
                pieces.append(window)
                owner.append(index)
            }
        }
        let vectors = embedder.embedSynchronously(tokenized: pieces, workers: workers)
        var sums = [[Float]](repeating: [Float](repeating: 0, count: embedder.dimensions), count: texts.count)
        for (k, vector) in vectors.enumerated() {
            for d in 0..<vector.count { sums[owner[k]][d] += vector[d] }
        }
        return sums.map { sum in
            let norm = max(sum.reduce(0) { $0 + $1 * $1 }.squareRoot(), 1e-12)
            return sum.map { $0 / norm }
        }
    }
}
