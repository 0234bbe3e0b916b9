import DocuThinkerCore
import TextProcessing
import Foundation

/// Ranks sentences by salience: LexRank (PageRank over TF-IDF cosine similarity) on the most
/// central candidates, a position prior and a length prior; selects with MMR for low redundancy.
struct SentenceRanker: Sendable {
    /// How many of the most central sentences enter the similarity graph (bounds time and memory).
    var maxCandidates = 400
    var damping: Float = 0.85
    var similarityThreshold: Float = 0.08
    /// MMR trade-off between salience (1) and novelty (0).
    var lambda: Float = 0.7

    /// Salience of every sentence (0 for excluded ones: headings, fragments).
    func salience(_ document: AnalysisDocument, features: SentenceFeatures) -> [Float] {
        let n = document.sentences.count
        guard n > 0 else { return [] }
        let prior = (0..<n).map { positionPrior($0, count: n) * lengthPrior(features.tokens[$0].count) }
        // Body prose first; a document with none (a licence file, a bibliography) is summarised
        // from what it has, apparatus and glyph soup aside.
        let usable = (0..<n).filter { isEligible($0, document: document, features: features) }
        var eligible = usable.filter { document.roles[$0].isBody }
        if eligible.isEmpty { eligible = usable.filter { !document.roles[$0].isApparatus } }
        if eligible.isEmpty { eligible = (0..<n).filter { !document.roles[$0].isApparatus } }
        if eligible.isEmpty { eligible = Array(0..<n) }
        let candidates = Array(eligible.sorted { features.centrality[$0] * prior[$0] > features.centrality[$1] * prior[$1] }
            .prefix(maxCandidates))
        let rank = lexRank(candidates, features: features)
        var scores = [Float](repeating: 0, count: n)
        let maxRank = rank.max() ?? 1
        for (k, sentence) in candidates.enumerated() {
            let normalizedRank = maxRank > 0 ? rank[k] / maxRank : 0
            scores[sentence] = (0.6 * normalizedRank + 0.4 * features.centrality[sentence]) * prior[sentence]
        }
        return scores
    }

    /// The `count` best sentences by MMR, returned in document order. With `groups` (a section
    /// per sentence) a sentence from an already used section counts as partly redundant.
    func select(_ count: Int, scores: [Float], features: SentenceFeatures, boost: [Float]? = nil, groups: [Int]? = nil) -> [Int] {
        let top = scores.max() ?? 1
        func relevance(_ index: Int) -> Float { scores[index] / max(top, 1e-6) + (boost?[index] ?? 0) }
        var pool = scores.indices.filter { scores[$0] > 0 }.sorted { relevance($0) > relevance($1) }.prefix(max(count * 8, 60))
        var chosen: [Int] = []
        while chosen.count < count, !pool.isEmpty {
            var best = pool.startIndex
            var bestValue = -Float.infinity
            for index in pool.indices {
                let candidate = pool[index]
                var redundancy = chosen.map { features.similarity(candidate, $0) }.max() ?? 0
                if let groups, chosen.contains(where: { groups[$0] == groups[candidate] }) { redundancy += 0.3 }
                let value = lambda * relevance(candidate) - (1 - lambda) * redundancy
                if value > bestValue { bestValue = value; best = index }
            }
            chosen.append(pool[best])
            pool.remove(at: best)
        }
        return chosen.sorted()
    }

    private func lexRank(_ candidates: [Int], features: SentenceFeatures) -> [Float] {
        let m = candidates.count
        guard m > 1 else { return [Float](repeating: 1, count: m) }
        var edges = [[(Int, Float)]](repeating: [], count: m)
        for a in 0..<m {
            for b in (a + 1)..<m {
                let similarity = features.similarity(candidates[a], candidates[b])
                if similarity >= similarityThreshold {
                    edges[a].append((b, similarity))
                    edges[b].append((a, similarity))
                }
            }
        }
        let outWeight = edges.map { $0.reduce(0) { $0 + $1.1 } }
        var rank = [Float](repeating: 1 / Float(m), count: m)
        for _ in 0..<40 {
            var next = [Float](repeating: (1 - damping) / Float(m), count: m)
            var dangling: Float = 0
            for a in 0..<m {
                if outWeight[a] == 0 { dangling += rank[a]; continue }
                for (b, weight) in edges[a] { next[b] += damping * rank[a] * weight / outWeight[a] }
            }
            for a in 0..<m { next[a] += damping * dangling / Float(m) }
            let delta = zip(rank, next).reduce(0) { $0 + abs($1.0 - $1.1) }
            rank = next
            if delta < 1e-6 { break }
        }
        return rank
    }

    /// Earlier sentences weigh a little more (lead bias of most writing), never zero.
    func positionPrior(_ index: Int, count: Int) -> Float {
        let relative = Float(index) / Float(max(1, count - 1))
        return 1.0 + 0.25 * (1 - relative) + (index < 3 ? 0.1 : 0)
    }

    /// Very short and very long sentences make poor summary sentences.
    func lengthPrior(_ words: Int) -> Float {
        switch words {
        case ..<6: 0.3
        case 6..<10: 0.8
        case 10...40: 1
        case 41...60: 0.85
        default: 0.6
        }
    }

    func isEligible(_ index: Int, document: AnalysisDocument, features: SentenceFeatures) -> Bool {
        !document.headingSentences.contains(index) && features.tokens[index].count >= 5 && features.contentWords[index] >= 2
            && features.isProse[index]
    }
}
