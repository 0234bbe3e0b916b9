/// Fuses keyword and vector rankings. Each side's scores are min-max normalised over its own
/// candidates and combined with weights, so a weak side cannot drag a strong one down the way
/// plain reciprocal-rank fusion does; ties break on the keyword rank, then the chunk id.
public enum HybridFusion {
    public struct Candidate: Sendable {
        public var chunkId: Int64
        public var score: Double
        public init(chunkId: Int64, score: Double) {
            self.chunkId = chunkId
            self.score = score
        }
    }

    /// Fused (chunk id, score) pairs, best first.
    public static func fuse(keyword: [Candidate], vector: [Candidate], keywordWeight: Double = 0.5) -> [(chunkId: Int64, score: Double)] {
        func normalised(_ list: [Candidate]) -> [Int64: Double] {
            guard let maximum = list.map(\.score).max(), let minimum = list.map(\.score).min() else { return [:] }
            let span = maximum - minimum
            return Dictionary(list.map { ($0.chunkId, span > 0 ? ($0.score - minimum) / span : 1) }, uniquingKeysWith: max)
        }
        let k = normalised(keyword), v = normalised(vector)
        let keywordRank = Dictionary(keyword.enumerated().map { ($1.chunkId, $0) }, uniquingKeysWith: min)
        let ids = Set(k.keys).union(v.keys)
        let fused = ids.map { id in (chunkId: id, score: keywordWeight * (k[id] ?? 0) + (1 - keywordWeight) * (v[id] ?? 0)) }
        return fused.sorted { a, b in
            if a.score != b.score { return a.score > b.score }
            let ra = keywordRank[a.chunkId] ?? Int.max, rb = keywordRank[b.chunkId] ?? Int.max
            return ra != rb ? ra < rb : a.chunkId < b.chunkId
        }
    }
}
