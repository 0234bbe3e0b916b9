import Retrieval
import Testing

@Suite("Hybrid fusion")
struct HybridFusionTests {
    @Test func normalisedFusionKeepsAStrongSideStrong() {
        // Keyword is decisive for chunk 1; the vector side barely separates its candidates.
        let keyword = [HybridFusion.Candidate(chunkId: 1, score: 12), .init(chunkId: 2, score: 3), .init(chunkId: 3, score: 2.5)]
        let vector = [HybridFusion.Candidate(chunkId: 3, score: 0.51), .init(chunkId: 2, score: 0.50), .init(chunkId: 1, score: 0.49)]
        let fused = HybridFusion.fuse(keyword: keyword, vector: vector)
        #expect(fused.first?.chunkId == 1)
        #expect(Set(fused.map(\.chunkId)) == [1, 2, 3])
    }

    @Test func tiesBreakOnKeywordRankThenId() {
        let keyword = [HybridFusion.Candidate(chunkId: 7, score: 5), .init(chunkId: 4, score: 1)]
        let vector = [HybridFusion.Candidate(chunkId: 4, score: 0.9), .init(chunkId: 7, score: 0.1)]
        let fused = HybridFusion.fuse(keyword: keyword, vector: vector)
        #expect(fused.map(\.chunkId) == [7, 4], "equal fused scores: keyword rank decides")
        #expect(HybridFusion.fuse(keyword: [], vector: [.init(chunkId: 9, score: 0.3), .init(chunkId: 8, score: 0.3)]).map(\.chunkId) == [8, 9])
    }

    @Test func oneSidedResultsStillRank() {
        let fused = HybridFusion.fuse(keyword: [], vector: [.init(chunkId: 2, score: 0.8), .init(chunkId: 5, score: 0.2)])
        #expect(fused.map(\.chunkId) == [2, 5])
    }
}
