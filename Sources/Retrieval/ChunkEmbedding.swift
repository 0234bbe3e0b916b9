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
        guard let prepared = prepare(texts) else { return [] }
        prepared.run.work(threads: workers ?? embedder.parallelism)
        return finish(prepared) ?? []
    }

    /// Texts cut into token windows, ready for threads the caller chooses to call
    /// `run.work(shouldStop:)` on; `finish` gives the vectors. Nil when `shouldStop` (asked
    /// before each text) said true.
    public func prepare(_ texts: [String], shouldStop: (@Sendable () -> Bool)? = nil) -> Prepared? {
        var pieces: [[Int32]] = []
        var owner: [Int] = []
        for (index, text) in texts.enumerated() {
            if shouldStop?() == true { return nil }
            for window in embedder.tokenWindows(text, overlap: overlapTokens) {
                pieces.append(window)
                owner.append(index)
            }
        }
        return Prepared(run: embedder.makeRun(tokenized: pieces), owner: owner, count: texts.count)
    }

    /// One unit vector per prepared text (the mean of its windows', re-normalised); nil unless
    /// the run embedded every window.
    public func finish(_ prepared: Prepared) -> [[Float]]? {
        guard let vectors = prepared.run.vectors() else { return nil }
        var sums = [[Float]](repeating: [Float](repeating: 0, count: embedder.dimensions), count: prepared.count)
        for (k, vector) in vectors.enumerated() {
            for d in 0..<vector.count { sums[prepared.owner[k]][d] += vector[d] }
        }
        return sums.map { sum in
            let norm = max(sum.reduce(0) { $0 + $1 * $1 }.squareRoot(), 1e-12)
            return sum.map { $0 / norm }
        }
    }

    /// Texts as token windows and the run that embeds them (see `prepare`).
    public struct Prepared: Sendable {
        public let run: EmbeddingRun
        let owner: [Int]
        let count: Int
    }
}
