public import Embeddings

/// Embeds passages whole: text longer than the model's window is embedded in overlapping word
/// windows whose vectors are averaged and re-normalised, so no part of a chunk is silently cut.
public struct ChunkEmbedding: Sendable {
    public let embedder: MiniLMEmbedder
    /// Words per window; ~150 words stay under 256 WordPiece tokens for English prose.
    public var windowWords = 150
    public var overlapWords = 30

    public init(embedder: MiniLMEmbedder) {
        self.embedder = embedder
    }

    /// One unit vector per text.
    public func embed(_ texts: [String]) -> [[Float]] {
        var pieces: [String] = []
        var owner: [Int] = []
        for (index, text) in texts.enumerated() {
            if embedder.tokenIDs(text).count < embedder.maxTokens {
                pieces.append(text)
                owner.append(index)
                continue
            }
            let words = text.split(whereSeparator: { $0.isWhitespace })
            var start = 0
            repeat {
                let end = min(words.count, start + windowWords)
                pieces.append(words[start..<end].joined(separator: " "))
                owner.append(index)
                if end == words.count { break }
                start = end - overlapWords
            } while start < words.count
        }
        let vectors = embedder.embedSynchronously(pieces)
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
